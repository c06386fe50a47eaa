"""The SCORM package's quiz (Chromium, scorm-again) names each question as the site does:
its number in the draw and, when it is worth other than 1 point, its points."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.content import catalogue
from app.domain.quizzes.base import Question
from app.scorm_export import build_package
from tests.browser.scorm_harness import Lms
from tests.browser.test_scorm_package import MODULE, drawn, package_app

POINTS = (2.0, 1.5, 1.0)  # given in turn to the questions outside pools


@pytest.fixture(scope="module")
def points_lms(tmp_path_factory):
    app = package_app()
    folder = tmp_path_factory.mktemp("lms")
    with app.app_context():
        module = catalogue().module(MODULE)
        quiz = module.assessment
        items = tuple(
            replace(item, points=POINTS[n % len(POINTS)]) if isinstance(item, Question) else item
            for n, item in enumerate(quiz.items)
        )
        build_package(replace(module, assessment=replace(quiz, items=items))).write(
            folder / "points.zip"
        )
    server = Lms(folder / "site", folder / "points.zip", str(round(quiz.pass_mark)))
    yield server
    server.close()


def site_caption(number: int, points: float) -> str:
    """The caption the site's quiz/_question.html gives a question."""
    return f"Question {number}" + ("" if points == 1 else f" ({points:g} points)")


def test_each_question_s_caption_gives_its_points_as_the_site_does(points_lms, browser):
    page = browser.new_page()
    frame = points_lms.launch(page)
    items = frame.evaluate("LinkwiseScorm.course")["items"]
    resume = {"lesson_location": "quiz", "lesson_status": "incomplete", "entry": "resume"}
    frame = points_lms.launch(page, {"suspend_data": f"L1|{len(items) - 1}|0||||", "core": resume})
    frame.click("[data-quiz-start]")
    questions = drawn(frame)
    assert {q["points"] for q in questions} >= {2.0, 1.5, 1.0}
    for number, question in enumerate(questions, 1):
        box = f'[data-question-box="{question["id"]}"]'
        caption = frame.inner_text(f"{box} .nhsuk-caption-m").strip()
        assert caption == site_caption(number, question["points"])
    page.close()
