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


def _correct_line(page: str, question_id: str, verdict: str) -> list[str]:
    (box,) = html.fromstring(page).xpath(f'//*[@data-question-box="{question_id}"]')
    (block,) = box.xpath(f'.//*[@data-feedback="{verdict}"]')
    return [_words(p) for p in block.xpath("./p") if _words(p).startswith("Correct answer:")]


def test_a_right_answer_is_not_told_the_correct_answer_it_already_gave(pages):
    # A choice's right answer is the one ticked on the form: "Correct", not then the same
    # choice again. Wrong or part right, the correct answer is shown.
    module, page = pages["what-is-social-prescribing"]
    question = module.assessment.questions[0]
    assert question.right_is_the_correct_answer
    assert _correct_line(page, question.id, "right") == []
    for verdict in ("part", "wrong"):
        assert _correct_line(page, question.id, verdict), verdict


def test_a_typed_answer_right_still_reads_every_answer_accepted(pages):
    module, page = pages["recording-impact-and-supervision"]
    question = module.assessment.question("ri-q15")  # ONS4, ONS 4, ONS-4, ...
    assert not question.right_is_the_correct_answer
    (line,) = _correct_line(page, question.id, "right")
    assert "ONS4; ONS 4; ONS-4" in line
