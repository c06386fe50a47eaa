"""A quiz page says nothing of which choice is right or where the author wrote it.

Authors tend to write the right choices first ("a", "b", ...), so a page naming its choices
by their ids gives the answers away. Pages name them by their text instead; answers keep
the ids, so grading, results and item statistics read what they always read.
"""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.quizzes.attempts import grade, shown_questions
from app.models import Answer, Attempt
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.quiz_helpers import browser_form, field_value, set_answer
from tests.web.test_knowledge_checks import checked
from tests.web.test_learn import reach, screen_url
from tests.web.test_quiz import attempt_row, finish_screens, start

CHOICE_TYPES = ("single-choice", "true-false", "multiple-answers")
JSON = {"Accept": "application/json"}


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def learner(app, client, make_user, module):
    """Return a client signed in as a learner who has finished every screen."""
    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    return client


class _ChoiceInputs(HTMLParser):
    """Collect every radio and tick box (its attributes) and every label's `for`."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.inputs.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.labels.append(attrs["for"])


def choice_inputs(html: str, question) -> list[dict]:
    """Return the attributes of a question's radios or tick boxes, in the page's order."""
    reader = _ChoiceInputs()
    reader.feed(html)
    name = f"q.{question.id}"
    return [attrs for attrs in reader.inputs if attrs.get("name") == name]


def labels_for(html: str) -> list[str]:
    reader = _ChoiceInputs()
    reader.feed(html)
    return reader.labels


def assert_says_nothing_of_the_ids(html: str, question) -> None:
    """Check no value, id, `for` or data attribute of a choice is, or ends in, its id."""
    ids = set(question.option_ids)
    inputs = choice_inputs(html, question)
    assert len(inputs) == len(ids), question.id
    values = [attrs["value"] for attrs in inputs]
    assert len(set(values)) == len(values)  # each choice told apart
    assert not ids & set(values), (question.id, values)
    names = [attrs["id"] for attrs in inputs] + [
        target for target in labels_for(html) if target.startswith(f"q.{question.id}-")
    ]
    assert len(names) == 2 * len(ids)
    for attrs in inputs:
        for key, value in attrs.items():
            if key.startswith("data-") or key in ("id", "value"):
                assert value.rsplit("-", 1)[-1] not in ids, (question.id, key, value)
    for target in names:
        assert target.rsplit("-", 1)[-1] not in ids, (question.id, target)


def attempt_shown(app, url):
    """Return the attempt's questions as shown: numbers, versions, options in shown order."""
    attempt = attempt_row(app, url)
    with app.app_context():
        quiz = catalogue().module(attempt.module_slug).assessment
        versions = {version.hash: version.question for version in quiz.versions.values()}
        shown, missing = shown_questions(attempt.selection, versions, quiz)
    assert not missing
    return quiz, shown


def test_no_quiz_page_names_a_choice_by_the_authors_letter(app, client, make_user):
    email = make_user()
    with app.app_context():
        modules = [m for m in catalogue().modules if m.assessment]
    assert len(modules) >= 5
    for quizzed in modules:
        finish_screens(app, email, quizzed)
    sign_in(client, email)
    asked = 0
    for quizzed in modules:
        url = start(client, quizzed)
        html = client.get(url).text
        _, shown = attempt_shown(app, url)
        for item in shown:
            if item.question.type_name in CHOICE_TYPES:
                assert_says_nothing_of_the_ids(html, item.question)
                asked += 1
    assert asked >= 5 * 5


def answers_to_give(shown) -> dict:
    """Return an answer for each question as ids: right, wrong, and partly right in turn."""
    answers = {}
    for n, item in enumerate(shown):
        question = item.question
        answer = question.example_answer(n % 3 == 0)
        if question.type_name == "multiple-answers" and n % 3 == 2:
            right, wrong = question.right_and_wrong
            answer = [right[0], *wrong[:1]]  # one right tick and one wrong: partial credit
        answers[question.id] = answer
    return answers


def fill_in(html: str, shown, answers: dict):
    """Return the page's form answered as a learner clicks: choices by where they are shown."""
    form = browser_form(html)
    for item in shown:
        question, answer = item.question, answers[item.question.id]
        if question.type_name not in CHOICE_TYPES:
            form = set_answer(form, question, answer)
            continue
        inputs = choice_inputs(html, question)
        shown_ids = [choice.id for choice in item.options]
        chosen = [answer] if isinstance(answer, str) else answer
        form.poplist(f"q.{question.id}")
        for choice_id in chosen:
            form.add(f"q.{question.id}", inputs[shown_ids.index(choice_id)]["value"])
    return form


def test_an_attempt_answered_through_the_page_grades_as_the_ids_would(app, learner, module):
    url = start(learner, module)
    quiz, shown = attempt_shown(app, url)
    answers = answers_to_give(shown)
    form = fill_in(learner.get(url).text, shown, answers)
    form["confirmed"] = "yes"
    form["action"] = "submit"
    response = learner.post(url, data=form)
    assert response.status_code == 302, response.text
    expected = grade(shown, answers, quiz.pass_mark)
    assert 0 < expected.percent < 100  # some right, some wrong, some partly
    attempt = attempt_row(app, url)
    assert attempt.status == "graded"
    assert (attempt.points, attempt.percent, attempt.passed) == (
        expected.points,
        expected.percent,
        expected.passed,
    )
    with app.app_context():
        rows = db.session().scalars(select(Answer).where(Answer.attempt_id == attempt.id))
        stored = {row.question_id: (row.response["value"], row.points) for row in rows}
    for marked in expected.marked:
        question = marked.question
        value, points = stored[question.id]
        # Kept as the author's ids, so results, item statistics and exports read as before.
        assert question.check_answer(value) == question.check_answer(answers[question.id])
        assert points == marked.points


# Pages drawn before the update, still open, send choices by their ids ----------------


def saved(app, url) -> dict:
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        rows = db.session().scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        return {row.question_id: row.response["value"] for row in rows}


def first_choice_question(shown):
    return next(item for item in shown if item.question.type_name == "single-choice")


def test_a_page_from_before_the_update_loses_no_saved_answer(app, learner, module):
    url = start(learner, module)
    _, shown = attempt_shown(app, url)
    item = first_choice_question(shown)
    question = item.question
    right, wrong = question.example_answer(True), question.example_answer(False)
    name = f"q.{question.id}"
    page = browser_form(learner.get(url).text)
    page = set_answer(page, question, right)
    assert learner.post(url, data={**page.to_dict(flat=False), "action": "save"}).status_code == 302
    assert saved(app, url) == {question.id: right}
    # The same tab, drawn before the update, sends the wrong choice by its id.
    old = browser_form(learner.get(url).text)
    old.setlist(name, [wrong])
    response = learner.post(url, data={**old.to_dict(flat=False), "action": "save"})
    assert response.status_code == 400
    assert "this page was opened before an update" in response.text
    assert saved(app, url) == {question.id: right}
    # The page drawn again shows what was saved, with today's values.
    assert browser_form(response.text).getlist(name) == [field_value(question, right)]
    # Submitting such a page grades nothing.
    response = learner.post(url, data={**old.to_dict(flat=False), "action": "submit"})
    assert response.status_code == 400
    assert attempt_row(app, url).status == "in-progress"
    assert saved(app, url) == {question.id: right}


def test_autosave_from_a_page_before_the_update_draws_the_question_afresh(app, learner, module):
    url = start(learner, module)
    _, shown = attempt_shown(app, url)
    question = first_choice_question(shown).question
    right, wrong = question.example_answer(True), question.example_answer(False)
    token = csrf_token(learner, url)
    data = {"csrf_token": token, question.marker_field: "1", "revision": "0"}
    name = f"q.{question.id}"
    reply = learner.post(url, data={**data, name: field_value(question, right)}, headers=JSON)
    assert reply.json["saved"] is True
    # The old page's script sends one question, its choice by id.
    reply = learner.post(url, data={**data, name: wrong, "revision": "1"}, headers=JSON)
    assert reply.status_code == 400 and reply.json["saved"] is False
    assert "this page was opened before an update" in reply.json["errors"][question.id]
    fresh = {item["question"]: item["html"] for item in reply.json["fresh"]}
    redrawn = choice_inputs(fresh[question.id], question)
    assert [i["value"] for i in redrawn if "checked" in i] == [field_value(question, right)]
    assert saved(app, url) == {question.id: right}


# Knowledge checks -------------------------------------------------------------------


def test_a_knowledge_check_names_its_choices_by_their_text_too(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    question = screen.knowledge_check.questions[0]
    assert question.type_name in CHOICE_TYPES
    html = signed_in.get(screen_url(module, screen)).text
    assert_says_nothing_of_the_ids(html, question)
    right = field_value(question, question.example_answer(True))
    url = screen_url(module, screen) + "check"
    fields = {question.marker_field: "1", f"q.{question.id}": right}
    response = post_form(signed_in, url, fields, page=screen_url(module, screen))
    assert response.status_code == 302
    assert "<strong>Correct</strong>" in signed_in.get(response.location).text


def test_a_knowledge_check_from_before_the_update_asks_again(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    question = screen.knowledge_check.questions[0]
    url = screen_url(module, screen) + "check"
    fields = {question.marker_field: "1", f"q.{question.id}": question.example_answer(True)}
    response = post_form(signed_in, url, fields, page=screen_url(module, screen))
    assert response.status_code == 400
    assert "this page was opened before an update" in response.text
    with app.app_context():
        assert db.session().scalar(select(Attempt.id)) is None
