"""The items bench's data writer still writes what the item analysis reads (`make bench`)."""

from app.content import catalogue
from app.domain.item_report import Window
from app.services.item_stats import find_quiz, item_report
from bench.items import QUIZ, write_attempts


def test_the_bench_writes_graded_attempts_the_item_analysis_counts(app):
    write_attempts(app, 120, 0)
    with app.app_context():
        report = item_report(QUIZ)
        first = item_report(QUIZ, Window(first_only=True))
        items = find_quiz(QUIZ, catalogue()).items
    asked = sum(getattr(item, "pick", 1) for item in items)  # a pool asks its pick
    assert report.attempts == 120 and report.per_attempt == asked
    assert first.attempts == 3  # 50 attempts a bench learner: 120 attempts are 3 learners
    assert all(row.figures.answered > 0 for row in report.questions)
