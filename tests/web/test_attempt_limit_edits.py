"""A trainer changes a quiz's number of attempts: attempts already taken keep their names."""

import html

from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.test_quiz_record import take


def test_fewer_attempts_leave_the_last_one_named_as_its_result_page_names_it(
    app, learner, module, course
):
    for _ in range(3):
        last = take(app, learner, module, right=False)
    course_files.write_quiz(course, module, attempts=2)
    course_files.reload(app)

    result = html.unescape(learner.get(last).text)
    overview = html.unescape(learner.get(f"/modules/{module.slug}/quiz/").text)
    # Three attempts were allowed when it started: the third was no extra one.
    assert "attempt 3 of 3" in result
    assert "See the results of attempt 3 of 3 (0%)" in overview
    assert "extra attempt" not in overview


def test_the_quiz_page_says_the_quiz_now_allows_fewer_attempts(app, learner, module, course):
    take(app, learner, module, right=False)
    last = take(app, learner, module, right=False)
    course_files.write_quiz(course, module, attempts=2)
    course_files.reload(app)

    overview = html.unescape(learner.get(f"/modules/{module.slug}/quiz/").text)
    assert "attempt 2 of 3" in learner.get(last).text
    assert "See the results of attempt 2 of 3 (0%)" in overview
    assert (
        "2 used, 0 left (your last attempt started when the quiz allowed 3 attempts; "
        "it now allows 2)" in overview
    )
