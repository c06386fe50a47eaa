"""A trainer's preview after the quiz file was edited says so, and offers a fresh draw."""

import pytest

from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.error_summary import summary_of
from tests.web.test_html_valid import nu_errors
from tests.web.test_preview import answers, drawn


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for this test alone: it edits the quiz file."""
    return course_files.copy_course(tmp_path)


def test_a_question_reworded_since_the_draw_is_named_with_a_fresh_preview_offered(
    app, client, make_user, course, module, tmp_path
):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    quiz = module.assessment.id
    base = f"/author/quizzes/{quiz}"
    post_form(client, f"{base}/preview", {}, page=f"{base}/bank")
    questions = drawn(app, client, quiz)
    form = answers(questions, right=True)  # answered on the form as it was drawn
    assert questions[0].id == "t-single"  # the test's quiz keeps the written order
    course_files.edit(
        course_files.quiz_path(course, module.slug),
        "*b) Almost anyone, the person included",
        "*b) Almost anyone, including the person themselves",
    )
    course_files.reload(app)
    sent = post_form(client, f"{base}/preview/answers", form, page=f"{base}/preview")
    assert sent.status_code == 400
    message = (
        "Question 1 has changed since this preview was drawn: "
        "start a new preview to answer it as it is now"
    )
    assert len(summary_of(sent).links) == 1
    assert summary_of(sent).links[0].startswith("#q.t-single-")
    assert sent.text.count(message) == 2  # in the summary and at the question
    assert "choose one of the options" not in sent.text
    assert "Start a new preview" in sent.text
    assert nu_errors({"preview-changed": sent.text}, tmp_path) == []
    # A fresh preview draws the question as it is now, and takes its answers.
    post_form(client, f"{base}/preview", {}, page=f"{base}/preview")
    fresh = drawn(app, client, quiz)
    assert "Start a new preview" not in client.get(f"{base}/preview").text
    done = post_form(
        client, f"{base}/preview/answers", answers(fresh, right=True), page=f"{base}/preview"
    )
    assert done.status_code == 302 and "100%" in client.get(done.location).text


def test_the_bank_of_a_file_with_errors_says_it_shows_the_last_version_without_any(
    app, client, make_user, course, module
):
    from app import create_app

    dev = create_app({**app.config, "LINKWISE_ENV": "development", "WATCH_CONTENT": True})
    client = dev.test_client()
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    bank = f"/author/quizzes/{module.assessment.id}/bank"
    assert "as the file has them now" in client.get(bank).text
    course_files.edit(
        course_files.quiz_path(course, module.slug),
        "*b) Almost anyone, the person included",
        "b) Almost anyone, the person included",
    )
    page = client.get(bank).text
    assert "The course content has errors" in page and "has no correct answer" in page
    assert "as the file has them now" not in page
    assert "as they were in the file's last version without errors" in page
    assert "Almost anyone, the person included" in page  # the last good version's question
