"""The trainer's item analysis pages: figures, flags and places, for trainers only."""

import csv
import io
import re

import pytest

from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts, question_place
from tests.web.test_html_valid import nu_errors

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


@pytest.fixture
def trainer(client, make_user):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    return client


def test_the_page_shows_each_question_with_its_figures_flags_and_place(app, trainer):
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert "How the questions perform" in page
    assert f"<code>{question_place('rr-q22')}</code>" in page
    assert "Reliability (KR-20)" in page and "0.75" in page
    assert "Facility of each question" in page and "<svg" in page
    assert "What to do:" in page and "Nobody picked" in page
    assert "Share of answers picking each option, Q1 rr-q22" in page


def test_every_chart_says_what_it_shows_in_words_a_sighted_trainer_can_read(app, trainer):
    # An SVG's <title> is read out by screen readers but shown to nobody else: the two
    # bar charts under "Questions at a glance" need a visible caption to tell them apart.
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    captions = re.findall(r"<figcaption[^>]*>([^<]*)</figcaption>", page)
    assert captions[:3] == [
        "Attempts by score",
        "Facility of each question",
        "Discrimination of each question",
    ]
    assert "Share of answers picking each option, Q1 rr-q22" in captions
    assert page.count("<figure") == len(captions)


def test_the_filter_takes_first_attempts_and_dates_and_explains_bad_ones(app, trainer):
    with app.app_context():
        add_attempts(HAND, THREE)
    assert "Graded attempts" in trainer.get(f"/author/quizzes/{QUIZ}/items?first=1").text
    later = trainer.get(f"/author/quizzes/{QUIZ}/items?since=2027-01-01").text
    assert "No graded attempts on or after 1 January 2027." in later
    bad = trainer.get(f"/author/quizzes/{QUIZ}/items?since=2026-02-31&until=x")
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    assert "From date must be a real date, like 23/11/2026" in bad.text
    assert 'href="#since"' in bad.text and 'href="#until"' in bad.text


def test_a_to_date_with_no_next_day_is_explained_not_a_500(app, trainer):
    with app.app_context():
        add_attempts(HAND, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items?since=0001-01-01&until=9999-12-31")
    assert page.status_code == 400 and "There is a problem" in page.text
    message = "To date must be before the year 9999, like 23/11/2026"
    assert page.text.count(message) == 2 and 'href="#until"' in page.text  # summary and field
    assert 'href="#since"' not in page.text  # the first day dates hold is a day like any
    sheet = trainer.get(f"/author/quizzes/{QUIZ}/items.csv?until=9999-12-31")
    assert sheet.status_code == 302
    assert sheet.headers["Location"] == f"/author/quizzes/{QUIZ}/items?until=9999-12-31"
    assert trainer.get(f"/author/quizzes/{QUIZ}/items?until=9998-12-31").status_code == 200


def test_a_csv_asked_for_with_a_bad_filter_leads_to_the_page_that_explains_it(app, trainer):
    with app.app_context():
        add_attempts(HAND, THREE)
    for query, message in (
        ("first=1&since=2027-01-01&until=2026-01-01", "To date must be the same as or after"),
        ("since=2026-02-31", "From date must be a real date, like 23/11/2026"),
    ):
        sheet = trainer.get(f"/author/quizzes/{QUIZ}/items.csv?{query}&quiz_id=x&_anchor=y")
        assert sheet.status_code == 302, query
        assert sheet.headers["Location"] == f"/author/quizzes/{QUIZ}/items?{query}"
        page = trainer.get(sheet.headers["Location"])
        assert page.status_code == 400 and "There is a problem" in page.text
        assert message in page.text
    assert trainer.get("/author/quizzes/nope/items.csv?since=x").status_code == 404


def test_the_csv_has_a_row_per_question_version(app, trainer):
    with app.app_context():
        add_attempts(HAND, THREE)
    sheet = trainer.get(f"/author/quizzes/{QUIZ}/items.csv?first=1")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(sheet.text)))
    assert rows[0][:3] == ["question", "version", "place"] and len(rows) == 4
    assert [row[0] for row in rows[1:]] == THREE


def test_the_csvs_text_cells_read_on_one_line_whatever_the_content_files_wraps(app, trainer):
    with app.app_context():
        add_attempts(HAND, THREE)
    rows = list(csv.DictReader(io.StringIO(trainer.get(f"/author/quizzes/{QUIZ}/items.csv").text)))
    shares = next(row["option_shares"] for row in rows if row["question"] == "rr-q22")
    # The choice is wrapped after "ask him" in content/quizzes/referral-routes-assessment.md.
    assert "personal mobile number and ask him to ring this week: " in shares
    assert all(
        "\n" not in row[cell] and "  " not in row[cell]
        for row in rows
        for cell in ("option_shares", "flags")
    )
    assert any(row["flags"] for row in rows)


def test_the_quiz_list_links_every_quiz_to_its_analysis(app, trainer):
    page = trainer.get("/author/quizzes").text
    assert f"/author/quizzes/{QUIZ}/items" in page
    assert "/author/quizzes/referral-routes-check-1/items" in page


def test_learners_and_managers_get_404_and_an_unknown_quiz_404(app, make_user, trainer):
    assert trainer.get("/author/quizzes/nope/items").status_code == 404
    urls = ("/author/quizzes", f"/author/quizzes/{QUIZ}/items", f"/author/quizzes/{QUIZ}/items.csv")
    for role, email in (("learner", "l@example.org"), ("manager", "m@example.org")):
        other = app.test_client()
        sign_in(other, make_user(email=email, role=role, org="Org"))
        for url in urls:
            assert other.get(url).status_code == 404, (role, url)


def test_the_pages_are_valid_html(app, trainer, tmp_path):
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    pages = {
        "quizzes": trainer.get("/author/quizzes").text,
        "items": trainer.get(f"/author/quizzes/{QUIZ}/items").text,
        "items-error": trainer.get(f"/author/quizzes/{QUIZ}/items?since=x").text,
        "items-empty": trainer.get("/author/quizzes/referral-routes-check-1/items").text,
    }
    assert nu_errors(pages, tmp_path) == []


def test_hostile_filters_and_quiz_ids_answer_4xx_never_500(app, trainer):
    from urllib.parse import quote, urlencode

    from tests.web.test_fuzz_inputs import SPECIALS

    with app.app_context():
        add_attempts(HAND, THREE)
    for value in SPECIALS:
        query = urlencode({"first": value, "since": value, "until": value, "quiz_id": value})
        for url in (f"/author/quizzes/{QUIZ}/items", f"/author/quizzes/{QUIZ}/items.csv"):
            assert trainer.get(f"{url}?{query}").status_code < 500, (url, value)
        path = quote(value, safe="") or "x"
        for url in (f"/author/quizzes/{path}/items", f"/author/quizzes/{path}/bank"):
            assert trainer.get(url).status_code < 500, (url, value)


def test_the_page_shows_each_competencys_reliability_and_scores(app, trainer):
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    plain = trainer.get(f"/author/quizzes/{QUIZ}/items?first_only=").text
    assert "Reliability per competency" not in plain  # asked for, as it reads every answer again
    link = f"/author/quizzes/{QUIZ}/items?first_only=&amp;competencies=1#competency-scores"
    assert link in plain
    page = trainer.get(f"/author/quizzes/{QUIZ}/items?competencies=1").text
    assert "Reliability per competency" in page and "Scores per competency" in page
    assert "Attempts by score on SPLW-4.1" in page
    # SPLW-4.1 (rr-q22, rr-q23): the hand-worked 8/11 holds for six copies of the rows too.
    assert "0.73 (KR-20)" in page


def test_an_earlier_wording_has_its_own_row_marked_earlier_version(app, trainer):
    from dataclasses import replace

    from app.content import catalogue
    from app.domain.quizzes.versions import version_of
    from app.services.item_stats import find_quiz

    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        older = version_of(QUIZ, quiz.path, replace(quiz.question("rr-q22"), text="Older?"))
        add_attempts(HAND * 6, THREE, versions={"rr-q22": older})
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert page.count('<strong class="nhsuk-tag nhsuk-tag--grey">Earlier version</strong>') == 1
    line = question_place("rr-q22").rsplit(":", 1)[1]
    assert f"<code>content/quizzes/{QUIZ}.md:{line} (earlier version)</code>" in page
    assert "Older?" in page


def test_right_answers_that_are_the_longest_choice_raise_the_quiz_flag(app, trainer, tmp_path):
    import re as regex
    import shutil

    from app import content
    from tests.conftest import PROJECT_ROOT

    flag = r"he right answer is the longest choice in (\d+) of the (\d+) single-choice questions"
    assert not regex.search(flag, trainer.get(f"/author/quizzes/{QUIZ}/items").text)
    # Lengthen every marked right choice (not True or False) of a copy of the quiz.
    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    quiz = tmp_path / "content" / "quizzes" / f"{QUIZ}.md"
    right = r"(?m)^(\*[a-z]\) (?!True$|False$).*)$"
    longer = r"\1 - and this makes it by far the longest choice, so a guess would find it"
    quiz.write_text(regex.sub(right, longer, quiz.read_text()))
    loaded = content.load(tmp_path / "content", PROJECT_ROOT / "competencies")
    assert not loaded.errors, loaded.errors
    app.extensions["linkwise.catalogue"] = loaded.catalogue
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    found = regex.search(flag, page)
    assert found, "no flag"
    longest, counted = int(found.group(1)), int(found.group(2))
    assert counted >= 10 and longest * 2 > counted
    assert "Make the wrong choices as long and as careful as the right one" in page


def test_one_answer_and_no_attempts_read_in_plain_english(app, trainer):
    with app.app_context():
        add_attempts(HAND[:1], THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert "Answered 1 time by 1 person ·" in page and "Answered 1 times" not in page
    assert "Too few answers to judge (1 person; judged from 20 people)." in page
    empty = trainer.get(f"/author/quizzes/{QUIZ}/items?since=2027-01-01&until=2027-01-05").text
    # A sentence, not a table of zeros (tests/web/test_item_filter_states.py).
    assert "Graded attempts" not in empty
    assert "No graded attempts between 1 January 2027 and 5 January 2027." in empty


def test_questions_per_attempt_say_what_the_attempts_had(app, trainer):
    from tests.web.item_data import add_learners

    with app.app_context():
        users = add_learners(4)
        add_attempts(HAND[:3], THREE, users=users[:3])
        add_attempts([[1, 1]], THREE[:2], users=users[3:])
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    per = re.search(r"Questions per attempt\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", page)
    assert per and per.group(1) == "2 to 3"


def test_a_removed_question_is_marked_no_longer_in_the_quiz(app, trainer):
    from dataclasses import replace

    from app.content import catalogue
    from app.domain.quizzes.versions import version_of
    from app.services.item_stats import find_quiz

    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        gone = version_of(QUIZ, quiz.path, replace(quiz.question("rr-q22"), id="rr-gone"))
        add_attempts([r[:2] for r in HAND], ["rr-gone", "rr-q23"], versions={"rr-gone": gone})
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    line = question_place("rr-q22").rsplit(":", 1)[1]
    assert (
        page.count('<strong class="nhsuk-tag nhsuk-tag--grey">No longer in the quiz</strong>') == 1
    )
    assert "Earlier version" not in page
    assert (
        f"<code>content/quizzes/{QUIZ}.md (no longer in the quiz; was at line {line})</code>"
        in page
    )
    assert f"{QUIZ}.md:{line}" not in page  # rr-q22 stands there today


def test_a_discrimination_near_zero_never_shows_as_negative_zero(app, trainer):
    from tests.web.test_item_stats import NEAR_ZERO

    with app.app_context():
        add_attempts(NEAR_ZERO, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert "-0.00" not in page and "discrimination 0.00" in page
    assert "Discrimination 0.00 is below 0.1: the question does not tell attempts that" in page
    sheet = trainer.get(f"/author/quizzes/{QUIZ}/items.csv").text
    assert "-0.000" not in sheet


# Question 1 is right only in an attempt that gets nothing else right: the questions pull
# against each other, and KR-20 is -0.375.
AGAINST = [[0, 0, 0], [1, 0, 1], [0, 1, 0], [0, 1, 0]] * 5


def test_a_negative_reliability_says_what_it_means_and_what_to_do(app, trainer):
    with app.app_context():
        add_attempts(AGAINST, THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert "Reliability (KR-20)" in page and "-0.38 – aim for 0.7 or more" in page
    assert (
        "Reliability -0.38 is below 0: the questions do not measure the same thing together, "
        "and learners who do well on some tend to do worse on others." in page
    )
    assert "<strong>What to do:</strong> Look first at the questions flagged" in page
