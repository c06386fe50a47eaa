"""A preview submitted with questions unanswered asks first, as a learner's attempt does."""

import re

from tests.conftest import post_form
from tests.web.quiz_helpers import answer_fields
from tests.web.test_html_valid import nu_errors
from tests.web.test_preview import QUIZ, drawn, every_row, trainer  # noqa: F401 (a fixture)

BASE = f"/author/quizzes/{QUIZ}"


def start(client) -> None:
    post_form(client, f"{BASE}/preview", {}, page=f"{BASE}/bank")


def test_an_empty_preview_asks_first_then_marks_and_records_nothing(app, trainer, tmp_path):  # noqa: F811
    start(trainer)
    before = every_row(app)
    questions = drawn(app, trainer, QUIZ)
    sent = post_form(trainer, f"{BASE}/preview/answers", {}, page=f"{BASE}/preview")
    assert sent.status_code == 302 and sent.location == f"{BASE}/preview/submit"
    # Not marked yet: no result to see.
    assert trainer.get(f"{BASE}/preview/result").location == f"{BASE}/bank"
    page = trainer.get(sent.location).text
    assert f"You have not answered {len(questions)} of {len(questions)} questions" in page
    for number, question in enumerate(questions, 1):
        assert f'<a href="{BASE}/preview#question-{question.id}">Question {number}</a>' in page
    assert "Submit anyway" in page and f'href="{BASE}/preview">Go back to my answers</a>' in page
    assert nu_errors({"preview-confirm": page}, tmp_path) == []

    marked = post_form(trainer, f"{BASE}/preview/answers", {"confirmed": "yes"}, page=sent.location)
    assert marked.location == f"{BASE}/preview/result"
    result = trainer.get(marked.location).text
    assert "A learner would not pass" in result and "<strong>0%</strong>" in result
    assert every_row(app) == before


def test_a_partly_answered_preview_lists_what_is_left_and_keeps_the_answers(app, trainer):  # noqa: F811
    start(trainer)
    questions = drawn(app, trainer, QUIZ)
    first = answer_fields(questions[0], right=True)
    sent = post_form(trainer, f"{BASE}/preview/answers", first, page=f"{BASE}/preview")
    page = trainer.get(sent.location).text
    assert f"You have not answered {len(questions) - 1} of {len(questions)} questions" in page
    assert f"#question-{questions[0].id}" not in page
    # Going back, the answer given is still there; answering the rest marks at once.
    rest = {}
    for question in questions[1:]:
        rest.update(answer_fields(question, right=True))
    done = post_form(trainer, f"{BASE}/preview/answers", rest, page=f"{BASE}/preview")
    assert done.location == f"{BASE}/preview/result"
    assert "<strong>100%</strong>" in trainer.get(done.location).text


def test_the_confirm_page_marks_quizzes_as_the_current_section(app, trainer):  # noqa: F811
    start(trainer)
    sent = post_form(trainer, f"{BASE}/preview/answers", {}, page=f"{BASE}/preview")
    page = trainer.get(sent.location).text
    current = re.findall(
        r'nhsuk-header__navigation-item--current[^>]*>\s*<a[^>]*href="([^"]*)"', page
    )
    assert current == ["/author/quizzes"]
