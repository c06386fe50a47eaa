"""Two tabs on one attempt: no save, submit, back button or double click loses an answer."""

import re

from sqlalchemy import select

from app import db
from app.models import Answer, Attempt
from tests.conftest import csrf_token
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.error_summary import summary_of
from tests.web.quiz_helpers import (
    attempt_questions,
    browser_form,
    field_value,
    page_revision,
    set_answer,
)
from tests.web.test_quiz import attempt_row, start

JSON = {"Accept": "application/json"}


def second_tab(app, client):
    """Return another tab of the same browser: the same session cookie."""
    tab = app.test_client()
    tab.set_cookie("linkwise_session", client.get_cookie("linkwise_session").value)
    return tab


def questions(app, module, url):
    found = attempt_questions(module.assessment, attempt_row(app, url).selection)
    return {question.id: question for question in found}


def saved(app, url) -> dict:
    """Return the stored answers by question id (a cleared one as None)."""
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        rows = db.session().scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        return {row.question_id: row.response["value"] for row in rows}


def autosave(tab, url, question, answer, revision):
    """Send one question the way the page's JavaScript does."""
    form = set_answer({}, question, answer)
    form = {**{k: form.getlist(k) for k in form}, question.marker_field: "1"}
    token = csrf_token(tab, "/account/")
    data = {"csrf_token": token, "revision": str(revision), **form}
    return tab.post(url, data=data, headers=JSON)


def press(tab, url, form, action="save"):
    """Press Save or Submit on a form as the page rendered it (plus the learner's changes)."""
    data = form.copy()
    data["action"] = action
    return tab.post(url, data=data)


def test_a_stale_tab_saving_never_blanks_what_another_tab_saved(app, learner, module):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    stale = browser_form(tab_b.get(url).text)  # tab B opens the attempt, untouched
    q = questions(app, module, url)
    ticks, text, matches = q["t-multiple"], q["t-number"], q["t-matching"]
    revision = 0
    for question in (ticks, text, matches):
        reply = autosave(learner, url, question, question.example_answer(True), revision)
        assert reply.json["saved"] is True
        revision = reply.json["revision"]
    before = saved(app, url)
    # Tab B presses Save with its empty boxes, blank text box and unchosen lists.
    response = press(tab_b, url, stale)
    assert response.status_code == 200
    assert saved(app, url) == before
    assert "This attempt was changed in another tab or window" in response.text
    latest = browser_form(response.text)
    for question in (ticks, text, matches):
        assert f'href="#question-{question.id}"' in response.text
        for name, values in question.form_fields(before[question.id]).items():
            assert sorted(latest.getlist(name)) == sorted(values)


def test_each_tab_keeps_its_own_changes_to_different_questions(app, learner, module):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    stale = browser_form(tab_b.get(url).text)
    q = questions(app, module, url)
    autosave(learner, url, q["t-single"], "b", 0)
    changed = set_answer(stale, q["t-number"], "8")
    response = press(tab_b, url, changed)
    assert response.status_code == 200
    assert saved(app, url) == {"t-single": "b", "t-number": "8"}
    assert "This attempt was changed in another tab or window" in response.text
    assert 'href="#question-t-single">Question 1</a>' in response.text
    assert "The latest answer is shown." in response.text
    assert "the change made here was not saved" not in response.text
    assert browser_form(response.text).get("q.t-single") == field_value(q["t-single"], "b")


def test_a_conflicting_change_is_not_saved_and_the_tab_is_told_plainly(app, learner, module):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    stale = browser_form(tab_b.get(url).text)
    q = questions(app, module, url)
    autosave(learner, url, q["t-single"], "b", 0)
    response = press(tab_b, url, set_answer(stale, q["t-single"], "a"))
    assert response.status_code == 409
    assert "This attempt was changed in another tab or window" in response.text
    assert "the change made here was not saved" in response.text
    assert 'href="#question-t-single">Question 1</a>' in response.text
    assert saved(app, url) == {"t-single": "b"}
    latest = browser_form(response.text).get("q.t-single")
    assert latest == field_value(q["t-single"], "b")  # the latest answer is shown
    # Now up to date, the same tab's change goes through.
    again = set_answer(browser_form(response.text), q["t-single"], "a")
    assert press(tab_b, url, again).status_code == 302
    assert saved(app, url) == {"t-single": "a"}


def test_autosave_from_a_stale_tab_gets_the_latest_answer_back(app, learner, module):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    q = questions(app, module, url)
    autosave(learner, url, q["t-number"], "8", 0)
    reply = autosave(tab_b, url, q["t-number"], "20", 0)
    assert reply.status_code == 200 and reply.json["saved"] is False
    assert reply.json["status"] == "conflict"
    fresh = {item["question"]: item["html"] for item in reply.json["fresh"]}
    assert 'value="8"' in fresh["t-number"] and "changed in another tab" in fresh["t-number"]
    assert saved(app, url) == {"t-number": "8"}
    # A later change in the stale tab still saves once it carries the new revision.
    later = autosave(tab_b, url, q["t-single"], "c", reply.json["revision"])
    assert later.json["saved"] is True and saved(app, url) == {"t-number": "8", "t-single": "c"}


def test_autosave_brings_back_answers_other_tabs_changed_since(app, learner, module):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    q = questions(app, module, url)
    autosave(learner, url, q["t-number"], "8", 0)
    reply = autosave(tab_b, url, q["t-single"], "b", 0)
    assert reply.json["saved"] is True and reply.json["revision"] == 2
    assert [item["question"] for item in reply.json["fresh"]] == ["t-number"]


def test_a_save_sent_again_after_its_reply_was_lost_is_its_own_not_another_tabs(
    app, learner, module
):
    url = start(learner, module)
    q = questions(app, module, url)
    first = autosave(learner, url, q["t-number"], "8", 0)  # saved; say its reply was lost
    again = autosave(learner, url, q["t-number"], "8", 0)  # so the page sends it again
    assert again.status_code == 200 and again.json["saved"] is True
    assert again.json["status"] == "saved" and again.json["fresh"] == []  # no other tab
    assert again.json["revision"] == first.json["revision"] == 1  # nothing written twice
    assert saved(app, url) == {"t-number": "8"}
    # Another tab's different answer since still comes back, beside the agreed one.
    tab_b = second_tab(app, learner)
    autosave(tab_b, url, q["t-single"], "b", 1)
    both = autosave(learner, url, q["t-number"], "8", 0)
    assert [item["question"] for item in both.json["fresh"]] == ["t-single"]


def test_the_back_button_cannot_revert_a_newer_answer(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    first = browser_form(learner.get(url).text)
    assert press(learner, url, set_answer(first, q["t-number"], "7")).status_code == 302
    second = browser_form(learner.get(url).text)
    assert page_revision(learner.get(url).text) == "1"
    assert press(learner, url, set_answer(second, q["t-number"], "9")).status_code == 302
    # Back twice: the first page, with 7 typed, is sent again.
    response = press(learner, url, set_answer(first, q["t-number"], "7"))
    assert response.status_code == 409
    assert saved(app, url) == {"t-number": "9"}


def test_clearing_an_answer_sticks_and_a_stale_tab_cannot_restore_it(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    page = browser_form(learner.get(url).text)
    press(learner, url, set_answer(page, q["t-number"], "7"))
    stale = browser_form(second_tab(app, learner).get(url).text)
    current = browser_form(learner.get(url).text)
    assert press(learner, url, set_answer(current, q["t-number"], None)).status_code == 302
    assert saved(app, url) == {"t-number": None}
    response = press(learner, url, stale)  # still shows 7, as it was rendered
    assert response.status_code == 200
    assert "The latest answer is shown." in response.text
    assert saved(app, url) == {"t-number": None}
    assert browser_form(response.text).get("q.t-number") == ""


def test_a_stale_submit_is_not_graded_until_the_learner_sees_the_latest_answers(
    app, learner, module
):
    url = start(learner, module)
    tab_b = second_tab(app, learner)
    stale = browser_form(tab_b.get(url).text)
    q = questions(app, module, url)
    autosave(learner, url, q["t-number"], "8", 0)
    everything = stale
    for question in q.values():
        everything = set_answer(everything, question, question.example_answer(True))
    everything = set_answer(everything, q["t-number"], "30")
    response = press(tab_b, url, everything, action="submit")
    assert response.status_code == 409
    assert attempt_row(app, url).status == "in-progress"
    assert saved(app, url)["t-number"] == "8"
    assert press(tab_b, url, browser_form(response.text), action="submit").status_code == 302
    graded = attempt_row(app, url)
    assert graded.status == "graded" and graded.percent == 100


def test_a_double_click_on_submit_grades_once_and_changes_nothing_after(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    form = browser_form(learner.get(url).text)
    for question in q.values():
        form = set_answer(form, question, question.example_answer(True))
    first = press(learner, url, form, action="submit")
    with app.app_context():
        rows = (
            db.session()
            .execute(select(Answer.question_id, Answer.response, Answer.saved_at, Answer.points))
            .all()
        )
    second = press(learner, url, set_answer(form, q["t-single"], "a"), action="submit")
    assert first.status_code == second.status_code == 302
    assert "already been submitted" in learner.get(url).text
    late = autosave(learner, url, q["t-single"], "c", 99)
    assert late.status_code == 409
    with app.app_context():
        assert db.session().scalar(select(Attempt.percent)) == 100
        after = (
            db.session()
            .execute(select(Answer.question_id, Answer.response, Answer.saved_at, Answer.points))
            .all()
        )
    assert sorted(after) == sorted(rows)


def test_one_invalid_answer_keeps_every_valid_one_and_shows_at_its_question(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    form = browser_form(learner.get(url).text)
    form = set_answer(form, q["t-single"], "b")
    form = set_answer(form, q["t-number"], "about eight")
    steps = q["t-ordering"].field_names()
    for name, position in zip(steps, ["1", "1", "2"], strict=True):
        form[name] = position
    response = press(learner, url, form)
    assert response.status_code == 400
    assert saved(app, url) == {"t-single": "b"}
    page = response.text
    assert "Your other answers have been saved." in page
    # Each link goes to the question's first field: the number's box, the first step's list.
    first_step = re.search(r'<select[^>]* id="(q\.t-ordering\.[^"]+)"', page).group(1)
    assert summary_of(response).links == [f"#{first_step}", "#q.t-number"]
    assert "Question 5: enter a number, like 42 or 1.5" in page
    assert "Question 3: give each step a different position, 1 to 3" in page
    assert (
        'id="question-t-number-error"' in page
        and 'aria-describedby="question-t-number-error"' in page
    )
    assert 'value="about eight"' in page  # what the learner typed, to correct


def test_autosave_saves_the_valid_answers_it_carries_and_reports_the_invalid(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    token = csrf_token(learner, url)
    single = field_value(q["t-single"], "b")
    data = {"csrf_token": token, "revision": "0", "q.t-single": single, "q.t-number": "lots"}
    reply = learner.post(url, data=data, headers=JSON)
    assert reply.status_code == 400
    assert reply.json["errors"] == {"t-number": "Question 5: enter a number, like 42 or 1.5"}
    assert reply.json["written"] == ["t-single"]
    assert saved(app, url) == {"t-single": "b"}
    assert q["t-single"].id == "t-single"
