"""A SCORM package's feedback says its verdict once, as the site's does: "Not correct", then
the feedback that explains, never "Not correct" and then "Not quite."."""

import pytest
from lxml import html

from app import create_app
from app.content import catalogue
from app.scorm_export import build_package
from tests.web.test_knowledge_check_verdict_once import SAID_AGAIN


@pytest.fixture(scope="module")
def pages():
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})
    with app.app_context():
        modules = catalogue().modules
        return {m.slug: (m, build_package(m).files["index.html"].decode()) for m in modules}


def feedback_of(page: str, question_id: str, verdict: str) -> tuple[list[str], list[str]]:
    """Return the verdicts and the explanations a question's feedback shows, in their words."""
    (box,) = html.fromstring(page).xpath(f'//*[@data-question-box="{question_id}"]')
    (block,) = box.xpath(f'.//*[@data-feedback="{verdict}"]')
    verdicts = [_words(p) for p in block.xpath('.//*[contains(@class, "lw-verdict")]')]
    said = [_words(p) for p in block.xpath("./p[not(@class)] | ./div[not(@class)]")]
    return verdicts, said


def _words(node) -> str:
    return " ".join(node.text_content().split())


def test_a_knowledge_check_in_a_package_says_not_correct_once(pages):
    module, page = pages["what-is-social-prescribing"]
    (check,) = [s.knowledge_check for s in module.screens if s.knowledge_check][:1]
    question = check.questions[0]
    assert question.feedback.incorrect.startswith("Not quite. ")  # as the reviewer found it
    verdicts, said = feedback_of(page, question.id, "wrong")
    assert verdicts == ["Not correct"]
    assert said[0] == " ".join(question.feedback.incorrect.removeprefix("Not quite. ").split())
    assert said[1] == " ".join(question.feedback.general.split())


@pytest.mark.parametrize("verdict", ["right", "part", "wrong"])
def test_no_feedback_in_any_package_says_its_verdict_again(pages, verdict):
    said_again = []
    for module, page in pages.values():
        quizzes = [s.knowledge_check for s in module.screens if s.knowledge_check]
        for quiz in quizzes + [module.assessment]:
            for question in quiz.questions:
                _, said = feedback_of(page, question.id, verdict)
                said_again += [(question.id, text) for text in said if SAID_AGAIN.match(text)]
    assert said_again == []
