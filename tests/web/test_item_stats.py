"""Item analysis from the database: hand-worked figures, an independent count, the filters."""

import csv
import itertools
import math
import random
import statistics
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import item_analysis as ia
from app.domain.item_report import Window
from app.domain.quizzes.versions import version_of
from app.models import Answer, Attempt
from app.services import item_reads
from app.services.item_stats import find_quiz, item_report
from tests.web.item_data import QUIZ, add_attempts, add_learners, question_place

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
SYSTEM = "how-the-system-works-assessment"


def by_id(report):
    return {row.question_id: row for row in report.questions}


def test_hand_worked_figures_from_the_database(app):
    with app.app_context():
        add_attempts(HAND, THREE)
        report = item_report(QUIZ)
    assert report.attempts == 4 and report.per_attempt == 3
    rows = by_id(report)
    assert rows["rr-q22"].figures.facility == 0.75
    assert rows["rr-q22"].figures.discrimination == pytest.approx(math.sqrt(3 / 11))
    assert rows["rr-q23"].figures.discrimination == pytest.approx(1 / math.sqrt(2))
    assert rows["rr-q22"].figures.upper_lower == pytest.approx(0.5)
    assert rows["rr-q23"].figures.upper_lower == pytest.approx(1.0)
    assert report.reliability == pytest.approx(0.75)
    assert report.reliability_name == "KR-20"
    assert dict(report.distribution)["90-100"] == 1 and dict(report.distribution)["0-9"] == 1


def test_every_question_names_its_file_and_line(app):
    with app.app_context():
        add_attempts(HAND, THREE)
        rows = by_id(item_report(QUIZ))
    assert rows["rr-q22"].place == question_place("rr-q22")


def test_option_shares_count_each_choice_and_flag_the_unpicked(app):
    with app.app_context():
        add_attempts([[1], [0], [1], [1]] * 6, ["rr-q22"])
        row = by_id(item_report(QUIZ))["rr-q22"]
    right = [o for o in row.options if o.right]
    assert len(right) == 1 and right[0].count == 18 and right[0].share == 0.75
    wrong_counts = sorted(o.count for o in row.options if not o.right)
    assert wrong_counts[-1] == 6 and wrong_counts[0] == 0  # example_answer picks one wrong
    unused = [f for f in row.flags if f.code == "unused-distractor"]
    assert unused and "nobody picked" in unused[0].reason


def group_mean(totals, score, *, best):
    """Return the mean item score of the best (or worst) 27% of attempts, ties averaged.

    Every order of the tied attempts is equally fair, so this averages over all of them:
    the group's mean over every way of breaking the tie, worked out by brute force.
    """
    ranked = sorted(totals, key=lambda a: -totals[a] if best else totals[a])
    size = math.ceil(0.27 * len(ranked))
    edge = totals[ranked[size - 1]]
    sure = [a for a in ranked if (totals[a] > edge if best else totals[a] < edge)]
    tied = [a for a in ranked if totals[a] == edge]
    means = [
        statistics.mean([score[a] for a in sure] + [score[a] for a in chosen])
        for chosen in itertools.combinations(tied, size - len(sure))
    ]
    return statistics.mean(means)


def test_figures_agree_with_numbers_worked_out_from_the_raw_rows(app):
    rng = random.Random(7)
    rows = [
        [int(rng.random() < 0.3 + 0.1 * c + 0.3 * (n % 3 == 0)) for c in range(3)]
        for n in range(45)
    ]
    with app.app_context():
        add_attempts(rows, THREE)
        report = item_report(QUIZ)
        session = db.session()
        raw = session.execute(
            select(Answer.attempt_id, Answer.question_id, Answer.points, Attempt.points).join(
                Attempt, Attempt.id == Answer.attempt_id
            )
        ).all()
    totals = {attempt: total for attempt, _, _, total in raw}
    figures = by_id(report)
    variances = []
    for qid in THREE:
        mine = [(points, totals[attempt]) for attempt, q, points, _ in raw if q == qid]
        xs = [x for x, _ in mine]
        rest = [t - x for x, t in mine]
        assert figures[qid].figures.facility == pytest.approx(statistics.mean(xs))
        assert figures[qid].figures.discrimination == pytest.approx(
            statistics.correlation(xs, rest)
        )
        score = {attempt: points for attempt, q, points, _ in raw if q == qid}
        upper = group_mean(totals, score, best=True)
        lower = group_mean(totals, score, best=False)
        assert figures[qid].figures.upper_lower == pytest.approx(upper - lower)
        variances.append(statistics.pvariance(xs))
    alpha = 1.5 * (1 - sum(variances) / statistics.pvariance(list(totals.values())))
    assert report.reliability == pytest.approx(alpha)


def test_first_attempts_and_dates_filter_the_attempts(app):
    with app.app_context():
        users = add_learners(2)
        add_attempts(
            [[1, 1, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0]],
            THREE,
            users=[users[0], users[0], users[1], users[1]],
            numbers=[1, 2, 1, 2],
            days=[0, 10, 0, 20],
        )
        assert item_report(QUIZ).attempts == 4
        first = item_report(QUIZ, Window(first_only=True))
        assert first.attempts == 2
        assert by_id(first)["rr-q22"].figures.facility == 1.0
        late = item_report(QUIZ, Window(since=date(2026, 3, 5)))
        assert late.attempts == 2
        assert item_report(QUIZ, Window(until=date(2026, 3, 11))).attempts == 3


def test_competencies_gather_their_aligned_questions(app):
    with app.app_context():
        add_attempts(HAND, THREE)
        report = item_report(QUIZ)
    codes = {row.code: row for row in report.competencies}
    aligned = [r for r in report.questions if "SPLW-4.1" in r.competencies]
    assert codes["SPLW-4.1"].questions == len(aligned)
    assert codes["SPLW-4.1"].answered == 4 * len(aligned)


def test_an_unknown_quiz_has_no_report(app):
    with app.app_context():
        assert item_report("no-such-quiz") is None


def test_item_stats_command_prints_places_and_csv(app, runner):
    with app.app_context():
        add_attempts(HAND, THREE)
    text = runner.invoke(args=["item-stats", QUIZ, "--first-only", "--since", "2026-01-01"])
    assert text.exit_code == 0, text.output
    assert f"{question_place('rr-q22')}: rr-q22: answered 4" in text.output
    assert "KR-20 0.75" in text.output
    sheet = runner.invoke(args=["item-stats", QUIZ, "--csv"])
    lines = sheet.output.splitlines()
    assert lines[0].startswith("question,version,place,type,answered,people,facility")
    assert any(line.startswith("rr-q22,") and ",0.750," in line for line in lines)
    missing = runner.invoke(args=["item-stats", "nope"])
    assert missing.exit_code == 1 and "there is no quiz 'nope'" in missing.output


def test_item_stats_command_explains_a_day_with_no_next_day_in_one_sentence(app, runner):
    result = runner.invoke(args=["item-stats", QUIZ, "--until", "9999-12-31"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: Invalid value for '--until': The date must be before the year 9999, like 23/11/2026"
    )
    assert "Traceback" not in result.output
    wrong = runner.invoke(args=["item-stats", QUIZ, "--since", "2026-02-30"])
    assert wrong.exit_code == 2 and "The date must be a real date" in wrong.output
    assert runner.invoke(args=["item-stats", QUIZ, "--since", "0001-01-01"]).exit_code == 0


def test_hand_worked_competency_reliability_and_scores(app):
    # SPLW-4.1 is aligned with rr-q22 and rr-q23 (1 point each): subtotals 2, 2, 1, 0 have
    # variance 11/16; the items' variances are 3/16 and 4/16, so KR-20 = 2 * (1 - 7/11).
    with app.app_context():
        add_attempts(HAND, THREE)
        report = item_report(QUIZ, competency_scores=True)
    codes = {row.code: row for row in report.competencies}
    splw = codes["SPLW-4.1"]
    assert splw.attempts == 4 and splw.per_attempt == 2
    assert splw.reliability == pytest.approx(8 / 11)
    assert splw.reliability_name == "KR-20"
    bands = dict(splw.distribution)
    assert bands["90-100"] == 2 and bands["50-59"] == 1 and bands["0-9"] == 1
    assert sum(bands.values()) == 4
    # SPLW-1.5 has one question an attempt (rr-q24): no reliability; 1 of 4 right.
    single = codes["SPLW-1.5"]
    assert single.per_attempt == 1 and single.reliability is None
    assert dict(single.distribution)["90-100"] == 1 and dict(single.distribution)["0-9"] == 3


# The competencies of the three questions, as the quiz file writes them.
ALIGNED = {
    "rr-q22": ("SPLW-4.1", "REF-2.1"),
    "rr-q23": ("REF-2.1", "SPLW-4.1"),
    "rr-q24": ("SPLW-1.5", "REF-1.3"),
}


def test_competency_figures_agree_with_the_raw_rows(app):
    rng = random.Random(11)
    rows = [
        [int(rng.random() < 0.25 + 0.2 * c + 0.3 * (n % 4 == 0)) for c in range(3)]
        for n in range(50)
    ]
    with app.app_context():
        add_attempts(rows, THREE)
        report = item_report(QUIZ, competency_scores=True)
        raw = db.session().execute(select(Answer.attempt_id, Answer.question_id, Answer.points))
        raw = raw.all()
    codes = {row.code: row for row in report.competencies}
    for code in ("SPLW-4.1", "REF-2.1"):
        mine = [(a, q, x) for a, q, x in raw if code in ALIGNED[q]]
        subtotal: dict[int, float] = {}
        for attempt, _, x in mine:
            subtotal[attempt] = subtotal.get(attempt, 0) + x
        columns = [[x for _, q, x in mine if q == qid] for qid in THREE if code in ALIGNED[qid]]
        k = len(columns)
        alpha = (
            k
            / (k - 1)
            * (
                1
                - sum(statistics.pvariance(c) for c in columns)
                / statistics.pvariance(list(subtotal.values()))
            )
        )
        assert codes[code].reliability == pytest.approx(alpha)
        assert codes[code].attempts == len(subtotal)
        possible = float(k)
        expected = [0] * 10
        for value in subtotal.values():
            expected[min(9, int(10 * value / possible))] += 1
        assert [count for _, count in codes[code].distribution] == expected


def test_item_stats_command_prints_competency_figures_and_csv(app, runner):
    with app.app_context():
        add_attempts(HAND, THREE)
    text = runner.invoke(args=["item-stats", QUIZ, "--competencies"])
    assert "SPLW-4.1" in text.output and "4 attempts, 2 questions each, KR-20 0.73" in text.output
    assert "scores (% of its points): 0-9: 1," in text.output
    sheet = runner.invoke(args=["item-stats", QUIZ, "--csv", "--competencies"])
    lines = sheet.output.splitlines()
    assert lines[0].startswith("competency,name,questions,answered,facility,discrimination")
    assert lines[0].endswith("score_80-89,score_90-100")
    row = next(line for line in lines if line.startswith("SPLW-4.1,"))
    assert ",4,2,0.727,KR-20,1,0,0,0,0,1,0,0,0,2" in row


def test_answers_to_an_earlier_wording_are_counted_apart_and_say_where_it_came_from(app):
    # Six attempts saw an earlier wording of rr-q22 and all got it right; four saw today's
    # (HAND): the two versions get their own rows and figures, today's first.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        today = quiz.question("rr-q22")
        older = version_of(QUIZ, quiz.path, replace(today, text="An older wording of it?"))
        users = add_learners(10)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts([[1, 1, 0]] * 6, THREE, users=users[4:], versions={"rr-q22": older})
        report = item_report(QUIZ)
    assert report.attempts == 10
    rows = [row for row in report.questions if row.question_id == "rr-q22"]
    assert [(row.current, row.figures.answered) for row in rows] == [(True, 4), (False, 6)]
    assert rows[0].figures.facility == 0.75 and rows[1].figures.facility == 1.0
    assert rows[0].version == quiz.versions["rr-q22"].hash and rows[1].version == older.hash
    assert rows[0].place == question_place("rr-q22")
    line = question_place("rr-q22").rsplit(":", 1)[1]
    assert rows[1].place == f"content/quizzes/{QUIZ}.md:{line} (earlier version)"
    assert rows[1].text == "An older wording of it?"
    # The other questions were the same for all ten attempts: one row each.
    assert [row.figures.answered for row in report.questions if row.question_id == "rr-q23"] == [10]


def moved(question, by: int):
    """Return the question as if it stood `by` lines further down its file, unchanged."""
    choices = tuple(replace(c, line=c.line + by) for c in question.choices)
    return replace(question, line=question.line + by, choices=choices)


def test_answers_to_a_question_only_moved_in_its_file_count_as_today_s(app):
    # Six attempts saw rr-q22 when it stood 40 lines further down (a question added above
    # it since, say), word for word as today: one row, today's place, all ten answers, and
    # the competency figures those of ten attempts at today's versions.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        older = version_of(QUIZ, quiz.path, moved(quiz.question("rr-q22"), 40))
        assert older.hash != quiz.versions["rr-q22"].hash
        users = add_learners(20)
        add_attempts(HAND + [[1, 1, 0]] * 6, THREE, users=users[:10])
        same = item_report(QUIZ, competency_scores=True)
        db.session().execute(Answer.__table__.delete())
        db.session().execute(Attempt.__table__.delete())
        # The rows went round the ORM: forget their objects, whose ids SQLite hands out again.
        db.session().expunge_all()
        add_attempts(HAND, THREE, users=users[10:14])
        add_attempts([[1, 1, 0]] * 6, THREE, users=users[14:], versions={"rr-q22": older})
        report = item_report(QUIZ, competency_scores=True)
    [row] = [row for row in report.questions if row.question_id == "rr-q22"]
    assert (row.current, row.figures.answered) == (True, 10)
    assert row.version == quiz.versions["rr-q22"].hash and row.moved_from == (older.hash,)
    assert row.place == question_place("rr-q22")
    assert row.figures == by_id(same)["rr-q22"].figures
    assert report.reliability == same.reliability
    assert report.competencies == same.competencies


def test_option_shares_of_ordering_and_matching_questions_by_hand(app):
    # Three of four learners order the four layers rightly and match all five examples;
    # the fourth moves every step up one place and matches each example with the next
    # one's part. So every step is in its place in 3 of 4 answers; each right pair is
    # chosen 3 times in 4, each "next one's part" pair once, and every other pair never.
    with app.app_context():
        add_attempts([[1, 1], [1, 1], [1, 1], [0, 0]], ["hsw-q02", "hsw-q09"], quiz_id=SYSTEM)
        rows = by_id(item_report(SYSTEM))
    ordering = rows["hsw-q02"]
    assert [(o.text, o.count, o.share) for o in ordering.options] == [
        ("Core values and communication skills in place 1", 3, 0.75),
        ("Engaging people in a person-centred conversation in place 2", 3, 0.75),
        ("Enabling and supporting people, for example through health coaching in place 3", 3, 0.75),
        ("Applying the six components of personalised care in place 4", 3, 0.75),
    ]
    matching = rows["hsw-q09"]
    assert len(matching.options) == 5 * 6  # five examples, each with six parts to pick from
    right = [o for o in matching.options if o.right]
    assert len(right) == 5 and {(o.count, o.share) for o in right} == {(3, 0.75)}
    parts = [
        "Shared decision making",
        "Personal health budgets",
        "Supported self-management",
        "Social prescribing and community-based support",
        "Choice",
    ]
    once = {o.text.split(" \u2192 ")[1] for o in matching.options if o.count == 1}
    assert len([o for o in matching.options if o.count == 1]) == 5
    assert once == set(parts)
    assert sum(o.count for o in matching.options) == 4 * 5
    assert all(o.share == 0.25 for o in matching.options if o.count == 1)


def test_a_negative_figure_reaches_the_csv_as_a_number_not_as_text(app, runner):
    # rr-q22 is right only for the two weakest attempts: the rest scores 2, 2, 0, 0 against
    # its 0, 0, 1, 1, a correlation of -1, and the upper-lower index is 0 - 1 = -1.
    with app.app_context():
        add_attempts([[0, 1, 1], [0, 1, 1], [1, 0, 0], [1, 0, 0]], THREE)
    sheet = runner.invoke(args=["item-stats", QUIZ, "--csv"])
    row = next(csv.reader(line for line in sheet.output.splitlines() if line.startswith("rr-q22")))
    assert row[4:9] == ["4", "4", "0.500", "-1.000", "-1.000"]


@pytest.mark.parametrize("seed", [3, 11])
def test_the_group_weights_worked_out_in_sql_are_the_domains(app, seed):
    # Totals with ties at both cuts: each attempt's weight as `ia.groups` gives it, exactly.
    rng = random.Random(seed)
    rows = [[int(rng.random() < 0.5) for _ in THREE] for _ in range(37)]
    with app.app_context():
        add_attempts(rows, THREE)
        attempts = item_reads.graded_attempts(QUIZ, Window())
        weighted = item_reads.weighted_attempts(attempts, item_reads.attempt_totals(attempts))
        found = db.session().execute(select(weighted.c.t, weighted.c.u, weighted.c.l)).all()
    groups = ia.groups(Counter(t for t, _, _ in found))
    for t, upper, lower in found:
        assert upper == (
            1.0 if t > groups.upper_score else groups.upper_weight if t == groups.upper_score else 0
        )
        assert lower == (
            1.0 if t < groups.lower_score else groups.lower_weight if t == groups.lower_score else 0
        )
    assert sum(u for _, u, _ in found) == pytest.approx(groups.size)


def test_a_question_whose_screens_or_title_alone_changed_keeps_one_row(app):
    # A screen was renamed (its `Screens:` line changed) and the trainers' title reworded:
    # a new stored version, yet learners answer the same question, marked the same way.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        today = quiz.question("rr-q22")
        older = version_of(
            QUIZ, quiz.path, replace(today, screens=("an-old-screen-name",), title="Old title")
        )
        assert older.hash != quiz.versions["rr-q22"].hash
        users = add_learners(10)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts([[1, 1, 0]] * 6, THREE, users=users[4:], versions={"rr-q22": older})
        report = item_report(QUIZ)
    [row] = [row for row in report.questions if row.question_id == "rr-q22"]
    assert (row.current, row.figures.answered) == (True, 10)
    assert row.moved_from == (older.hash,) and row.place == question_place("rr-q22")


def test_earlier_versions_of_a_removed_question_alike_but_for_screens_share_one_row(app):
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        gone = replace(quiz.question("rr-q22"), id="rr-gone")
        first = version_of(QUIZ, quiz.path, gone)
        second = version_of(QUIZ, quiz.path, replace(gone, screens=("renamed",)))
        users = add_learners(10)
        add_attempts(
            [[1, 1, 0]] * 4, ["rr-gone", *THREE[1:]], users=users[:4], versions={"rr-gone": first}
        )
        add_attempts(
            [[0, 1, 0]] * 6, ["rr-gone", *THREE[1:]], users=users[4:], versions={"rr-gone": second}
        )
        report = item_report(QUIZ)
    [row] = [row for row in report.questions if row.question_id == "rr-gone"]
    assert row.figures.answered == 10 and row.status == "removed"


def test_a_removed_question_says_it_left_the_quiz_not_a_line_now_holding_another(app, runner):
    # rr-gone stood where rr-q23 stands today, then was deleted from the file.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        line = int(question_place("rr-q23").rsplit(":", 1)[1])
        gone = version_of(
            QUIZ,
            quiz.path,
            replace(
                moved(quiz.question("rr-q22"), line - quiz.question("rr-q22").line), id="rr-gone"
            ),
        )
        add_attempts(HAND, ["rr-gone", "rr-q23", "rr-q24"], versions={"rr-gone": gone})
        report = item_report(QUIZ)
    row = by_id(report)["rr-gone"]
    assert (row.current, row.status) == (False, "removed")
    assert row.place == f"content/quizzes/{QUIZ}.md (no longer in the quiz; was at line {line})"
    assert by_id(report)["rr-q23"].place == f"content/quizzes/{QUIZ}.md:{line}"
    sheet = runner.invoke(args=["item-stats", QUIZ, "--csv"]).output
    [cells] = [r for r in csv.reader(sheet.splitlines()) if r[0] == "rr-gone"]
    assert cells[2] == row.place
    text = runner.invoke(args=["item-stats", QUIZ]).output
    assert f"{QUIZ}.md:{line}: rr-gone" not in text
    assert f"(no longer in the quiz; was at line {line}): rr-gone: answered 4" in text


def test_an_earlier_wording_names_where_its_question_stands_today(app):
    # The earlier wording of rr-q22 stood 40 lines further down, where another question
    # may stand today: its row sends the trainer to rr-q22 as it is now.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        older = moved(replace(quiz.question("rr-q22"), text="An older wording?"), 40)
        older = version_of(QUIZ, quiz.path, older)
        users = add_learners(8)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts(HAND, THREE, users=users[4:], versions={"rr-q22": older})
        rows = [r for r in item_report(QUIZ).questions if r.question_id == "rr-q22"]
    assert [(r.current, r.status) for r in rows] == [(True, "current"), (False, "earlier")]
    assert rows[1].place == f"{question_place('rr-q22')} (earlier version)"


def test_questions_per_attempt_are_those_the_attempts_in_the_window_had(app, runner):
    # Three attempts had three questions; two, after a question left the quiz, had two.
    with app.app_context():
        users = add_learners(5)
        add_attempts(HAND[:3], THREE, users=users[:3])
        add_attempts([[1, 1], [0, 1]], THREE[:2], users=users[3:], days=[5, 5])
        both = item_report(QUIZ)
        later = item_report(QUIZ, Window(since=date(2026, 3, 4)))
        none = item_report(QUIZ, Window(since=date(2027, 1, 1)))
    assert both.questions_per_attempt == (2, 3)
    assert later.questions_per_attempt == (2, 2)
    assert none.questions_per_attempt is None
    text = runner.invoke(args=["item-stats", QUIZ]).output
    assert "5 graded attempts by 5 people; 2 to 3 questions each;" in text
    text = runner.invoke(args=["item-stats", QUIZ, "--since", "2026-03-04"]).output
    assert "2 graded attempts by 2 people; 2 questions each;" in text


def test_the_command_counts_one_attempt_and_none_in_words(app, runner):
    with app.app_context():
        add_attempts(HAND[:1], THREE)
    text = runner.invoke(args=["item-stats", QUIZ]).output
    assert "1 graded attempt by 1 person; 3 questions each;" in text
    empty = runner.invoke(
        args=["item-stats", QUIZ, "--since", "2027-01-01", "--until", "2027-01-05"]
    )
    assert "No graded attempts between 1 January 2027 and 5 January 2027." in empty.output
    assert "answered 1 by 1 person," in text and "1 answers" not in text
    assert "too few answers to judge (1 person; judged from 20 people)" in text


# Thirty-four attempts whose marks on rr-q22 hardly follow the rest of the attempt: a
# discrimination of -0.003, which shows as 0.00 (not -0.00) and is not called negative;
# the CSV's three places write it as the number it is.
NEAR_ZERO = (
    [[0, 0, 0]] * 7
    + [[0, 0, 1]] * 6
    + [[0, 1, 0]] * 5
    + [[0, 1, 1]] * 5
    + [[1, 0, 0]] * 1
    + [[1, 0, 1]] * 6
    + [[1, 1, 0]] * 4
)


def test_a_discrimination_near_zero_is_neither_negative_zero_nor_called_negative(app, runner):
    with app.app_context():
        add_attempts(NEAR_ZERO, THREE)
        row = by_id(item_report(QUIZ))["rr-q22"]
    assert -0.005 < row.figures.discrimination < 0
    [flag] = [f for f in row.flags if f.code == "weak-discrimination"]
    assert "0.00 is below 0.1" in flag.reason and "-0.00" not in flag.reason
    assert "do better on this question" not in flag.reason
    text = runner.invoke(args=["item-stats", QUIZ]).output
    assert "discrimination 0.00" in text and "-0.00" not in text
    sheet = runner.invoke(args=["item-stats", QUIZ, "--csv"]).output
    [cells] = [r for r in csv.reader(sheet.splitlines()) if r[0] == "rr-q22"]
    assert cells[7] == "-0.003"  # a real figure at three places: a number, not a formula


def test_the_command_explains_a_negative_reliability_as_the_page_does(app, runner):
    from tests.web.test_item_page import AGAINST

    with app.app_context():
        add_attempts(AGAINST, THREE)
        report = item_report(QUIZ)
    assert report.reliability == pytest.approx(-0.375)
    text = runner.invoke(args=["item-stats", QUIZ]).output
    assert (
        "quiz: reliability -0.38 is below 0: the questions do not measure the same thing "
        "together, and learners who do well on some tend to do worse on others. Look first "
        "at the questions flagged for weak or negative discrimination" in text
    )
