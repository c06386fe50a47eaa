"""A learner's result reads as English whatever the quiz is out of: '1 of 1 point'."""

from dataclasses import replace

from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import attempt_row, learner, module, start, submit  # noqa: F401
from tests.web.test_settings_past_their_bounds import serve_quiz


def test_a_quiz_out_of_one_point_says_point_not_points(app, learner, module):  # noqa: F811
    one = next(item for item in module.assessment.items if getattr(item, "points", 0) == 1)
    quiz = replace(module.assessment, items=(one,))
    serve_quiz(app, quiz)
    url = start(learner, module)
    assert submit(learner, url, attempt_form(quiz, attempt_row(app, url).selection, right=True))
    page = learner.get(url).text
    assert "<strong>100%</strong> (1 of 1 point)." in page
    assert "of 1 points" not in page
