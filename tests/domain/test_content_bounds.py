"""Values a content file may set have bounds: past them validate says so at the value's line,
stating the range; a length kept from before the bounds stops at the calendar's end."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.domain.calendar_limits import END, at_end, moved
from app.domain.catalogue import load_catalogue
from app.domain.competencies import Recent, parse_duration
from app.domain.framework_files import load_frameworks
from app.domain.quizzes.model import RetakeRule
from app.domain.quizzes.retakes import allowance

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .quizzes.conftest import BODY_LINE, PATH, messages, parse_body
from .quizzes.test_retakes import NOW, QUESTION, quiz_with
from .test_ratings import COMPETENCY, SECURE, SECURE_2024, day, rate, write


def test_quiz_settings_past_their_bounds_are_errors_at_their_lines_stating_the_range():
    result = quiz_with(
        "time_limit_minutes: 99999999999\nmax_attempts: 99999999999999999999999\n"
        "retake:\n  wait_days: 3000000\n"
    )
    assert messages(result) == [
        f"{PATH}:10: error: 'time_limit_minutes' must be from 1 to 1440 (a day), not 99999999999",
        f"{PATH}:11: error: 'max_attempts' must be from 1 to 100, not 99999999999999999999999",
        f"{PATH}:13: error: 'wait_days' must be from 0 to 365 (a year), not 3000000",
    ]
    too_few = quiz_with("time_limit_minutes: 0\nmax_attempts: 0\n")
    assert messages(too_few) == [
        f"{PATH}:10: error: 'time_limit_minutes' must be from 1 to 1440 (a day), not 0",
        f"{PATH}:11: error: 'max_attempts' must be from 1 to 100, not 0",
    ]
    largest = quiz_with("time_limit_minutes: 1440\nmax_attempts: 100\nretake:\n  wait_days: 365\n")
    assert largest.problems == ()
    quiz = largest.quiz
    assert (quiz.time_limit_minutes, quiz.max_attempts, quiz.retake) == (1440, 100, RetakeRule(365))


@pytest.mark.parametrize("points", ["1" + "0" * 308, "101", "100.5"])
def test_points_above_a_hundred_are_an_error_at_their_line_and_a_hundred_is_kept(points):
    result = parse_body(f"ID: q1\nPoints: {points}\n1. Q?\na) No\n*b) Yes\n")
    assert messages(result) == [
        f"{PATH}:{BODY_LINE + 1}: error: question 1 has points '{points}': points must be a "
        "number above 0 and at most 100"
    ]
    pool = f"GROUP\npick: 1\npoints per question: {points}\n{QUESTION}END_GROUP\n"
    group = parse_body(pool, kind="assessment")
    assert messages(group) == [
        f"{PATH}:{BODY_LINE + 2}: error: 'points per question:' must be a number above 0 and "
        "at most 100"
    ]
    allowed = parse_body("ID: q1\nPoints: 100\n1. Q?\na) No\n*b) Yes\n")
    assert allowed.problems == () and allowed.quiz.questions[0].points == 100


def test_durations_longer_than_fifty_years_are_errors_at_their_lines(tmp_path):
    path = write(
        tmp_path,
        "valid_for: 9000y\nrenew_within: 601m\nmet:\n  recent: 2609w\n",
        "        valid_for: 51y\n",
    )
    longest = "50 years (50y, 600m or 2608w)"
    assert [str(p) for p in load_frameworks([path]).problems] == [
        f"{path}:22: error: 'valid_for' can be at most {longest}, not 51y",
        f"{path}:23: error: 'valid_for' can be at most {longest}, not 9000y",
        f"{path}:24: error: 'renew_within' can be at most {longest}, not 601m",
        f"{path}:26: error: 'recent' can be at most {longest}, not 2609w",
    ]
    fifty = write(tmp_path, "valid_for: 50y\nrenew_within: 600m\nmet:\n  recent: 2608w\n")
    (loaded,) = load_frameworks([fifty]).frameworks
    assert (loaded.valid_for.text, loaded.renew_within.text) == ("50y", "600m")
    assert loaded.met == Recent(parse_duration("2608w"))


def test_well_written_durations_out_of_range_get_the_range_not_the_spelling(tmp_path):
    path = write(
        tmp_path,
        "valid_for: 100000000d\nrenew_within: 0y\nmet:\n  recent: 10000w\n",
        "        valid_for: 0d\n",
    )
    longest = "50 years (50y, 600m or 2608w)"
    assert [str(p) for p in load_frameworks([path]).problems] == [
        f"{path}:22: error: 'valid_for' must be at least a day (1d), at most {longest}; not 0d",
        f"{path}:23: error: 'valid_for' can be at most {longest}, not 100000000d",
        f"{path}:24: error: 'renew_within' must be at least a day (1d), at most {longest}; not 0y",
        f"{path}:26: error: 'recent' can be at most {longest}, not 10000w",
    ]
    digits = write(tmp_path, "valid_for: " + "9" * 5000 + "y\n")
    (problem,) = load_frameworks([digits]).problems
    assert "'valid_for' can be at most" in str(problem)


def test_a_validity_past_the_calendars_end_stops_there_instead_of_failing():
    ages = parse_duration("9000y")
    assert ages.after(day(2026, 12)) == END.replace(tzinfo=UTC)
    assert ages.before(day(2026, 12)).year == 1
    assert parse_duration("9999d").after(datetime(9990, 1, 1)) == END
    rating = rate(SECURE, SECURE_2024, now=day(2026, 12), valid_for=ages)
    assert rating.met is True and rating.met_until == END.replace(tzinfo=UTC)
    own = replace(COMPETENCY, valid_for=ages)
    assert own.valid_for.after(day(2024, 3)) == END.replace(tzinfo=UTC)


def test_a_retake_wait_past_the_calendars_end_never_ends_and_never_fails():
    standing = allowance(
        max_attempts=1,
        rule=RetakeRule(99_999_999_999_999),
        outcomes=[(False, NOW)],
        granted=0,
        screens=[],
        revisited={},
        now=NOW,
    )
    assert standing.locked and not standing.waited and not standing.rule_ready
    assert at_end(standing.opens_at)


def test_moving_a_moment_stops_at_either_end_of_the_calendar():
    assert moved(NOW, minutes=90) == datetime(2027, 3, 10, 13, 30, tzinfo=UTC)
    assert moved(NOW, minutes=99_999_999_999) == END.replace(tzinfo=UTC)
    assert moved(NOW, days=10**30) == END.replace(tzinfo=UTC)
    assert moved(NOW, days=-(10**30)).year == 1
    assert moved(datetime(2027, 1, 1), days=3_000_000) == END  # naive stays naive


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("published", "published: 2026-01-05", "published: 0001-01-01"),
        ("published", "published: 2026-01-05", "published: 1999-12-31"),
        ("next_review", "next_review: 2027-01-05", "next_review: 9999-12-31"),
    ],
)
def test_a_date_outside_2000_to_2099_is_an_error_at_its_line(course, key, old, new):
    assert old in MODULE_MD
    text = MODULE_MD.replace(old, new)
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": text})
    line = text.splitlines().index(new) + 1
    found = [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]
    assert found == [
        (line, f"'{key}' must be a date from 2000-01-01 to 2099-12-31, not {new.split(': ')[1]}")
    ]


def test_a_reference_year_after_2099_is_an_error_at_its_line(course):
    text = MODULE_MD.replace("year: 2025", "year: 20250")
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": text})
    line = text.splitlines().index("    year: 20250") + 1
    found = [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]
    assert found == [(line, "'year' must be from 1900 to 2099, not 20250")]


def test_module_minutes_over_a_day_are_errors_at_their_lines(course):
    # A certificate stores cpd_minutes: 99,999,999,999 would not fit, and a learner passing
    # the quiz would meet an error.
    text = MODULE_MD.replace("cpd_minutes: 5", "cpd_minutes: 99999999999").replace(
        "estimated_minutes: 5", "estimated_minutes: 1441"
    )
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": text})
    lines = text.splitlines()
    found = [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]
    assert found == [
        (
            lines.index("estimated_minutes: 1441") + 1,
            "'estimated_minutes' must be from 1 to 1440 (a day), not 1441",
        ),
        (
            lines.index("cpd_minutes: 99999999999") + 1,
            "'cpd_minutes' must be from 1 to 1440 (a day), not 99999999999",
        ),
    ]


@pytest.mark.parametrize("order", ["1001", "99999999999999"])
def test_a_module_order_past_a_thousand_is_an_error_at_its_line_stating_the_range(course, order):
    text = MODULE_MD.replace("\norder: 1\n", f"\norder: {order}\n")
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": text})
    line = text.splitlines().index(f"order: {order}") + 1
    found = [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]
    assert found == [(line, f"'order' must be from 0 to 1000, not {order}")]
    most = MODULE_MD.replace("\norder: 1\n", "\norder: 1000\n")
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": most})
    loaded = load_catalogue([folder], [TINY_FRAMEWORK])
    assert loaded.problems == () and loaded.catalogue.module("tiny").order == 1000
