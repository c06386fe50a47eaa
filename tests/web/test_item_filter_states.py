"""The item analysis page while its filter has a mistake, and for dates with no attempts:
no figures for another period, no table of zeros."""

import re

import pytest

from app.content import catalogue
from app.services.item_stats import find_quiz, item_report
from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
# What only a page with figures shows.
FIGURES = (
    "Graded attempts",
    "Mean score",
    "Reliability (",
    "Download these figures (CSV)",
    "What the figures mean",
    "<h2>Scores</h2>",
    "<h2>Each question</h2>",
)


@pytest.fixture
def trainer(client, make_user):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    return client


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ("since=1/7/26", "From date must be a real date", "since"),
        (
            "first=1&since=01/12/2026&until=01/11/2026",
            "To date must be the same as or after the From date",
            "until",
        ),
    ],
)
def test_a_filter_with_a_mistake_shows_the_form_and_its_errors_and_no_figures(
    app, trainer, query, message, field
):
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items?{query}")
    assert page.status_code == 400
    text = page.text
    assert "<title>Error: How the questions perform" in text
    assert "There is a problem" in text and f'href="#{field}"' in text
    assert text.count(message) == 2  # the summary and the field
    for typed in re.findall(r"(?:since|until)=([^&]*)", query):
        assert f'value="{typed}"' in text  # what was typed is kept
    assert ('name="first" type="checkbox" value="1" checked' in text) == ("first=1" in query)
    for figure in FIGURES:
        assert figure not in text, figure


def test_dates_with_no_attempts_say_so_in_a_sentence_not_a_table_of_zeros(app, trainer):
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items?since=01/01/2027&until=05/01/2027")
    assert page.status_code == 200
    assert "No graded attempts between 1 January 2027 and 5 January 2027." in page.text
    assert "There is a problem" not in page.text
    for figure in FIGURES:
        assert figure not in page.text, figure
    first = trainer.get(f"/author/quizzes/{QUIZ}/items?first=1&since=2027-01-01").text
    assert "No graded first attempts on or after 1 January 2027." in first
    assert "Graded attempts" not in first


def test_with_no_answers_the_reliability_is_named_by_the_quizs_questions(app):
    # The quiz has a matching question, marked in parts: Cronbach's alpha, never KR-20 by
    # default because no question has been answered.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        assert any(question.parts > 1 for question in quiz.questions)
        assert item_report(QUIZ).reliability_name == "Cronbach's alpha"
        # Answers to right-or-wrong questions alone: their figure is KR-20.
        add_attempts(HAND, THREE)
        assert item_report(QUIZ).reliability_name == "KR-20"
