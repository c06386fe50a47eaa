"""On PostgreSQL the item analysis' one statement can add the answers up in parallel workers."""

import pytest
from sqlalchemy import union_all

from app import db
from app.content import catalogue
from app.domain.item_report import Window
from app.services import item_reads, item_stats
from tests.web.item_data import QUIZ, add_attempts


def _below(node: dict):
    """Yield the nodes under this one that run with it: not its InitPlans, which PostgreSQL
    works out once, first, and hands to parallel workers as values."""
    for child in node.get("Plans", ()):
        if child.get("Parent Relationship") != "InitPlan":
            yield child
            yield from _below(child)


def _answer_aggregates(node: dict):
    """Yield the aggregates that read the answer table, outermost first."""
    if node["Node Type"] == "Aggregate" and any(
        n.get("Relation Name") == "answer" for n in _below(node)
    ):
        yield node
    for child in node.get("Plans", ()):
        yield from _answer_aggregates(child)


@pytest.mark.parametrize("window", [Window(), Window(first_only=True)])
def test_the_answers_aggregate_joins_no_with_query_so_workers_may_run_it(app, database_url, window):
    # A WITH query's scan can only run in the leader: joined to every answer (as the cuts
    # were), it kept the whole aggregate out of the workers (1.9 s at 100,000 attempts
    # instead of 0.8 with two workers).
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs no parallel workers")
    with app.app_context():
        add_attempts([[1, 1, 0], [1, 0, 0]], ["rr-q22", "rr-q23", "rr-q24"])
        quiz = item_stats.find_quiz(QUIZ, catalogue())
        current = [v.hash for v in quiz.versions.values()]
        # The quiz by its id, and as its page reads it: under every id it has had.
        for ids in (QUIZ, item_stats.quiz_ids(quiz, catalogue())):
            attempts = item_reads.graded_attempts(ids, window)
            branches = item_reads.statement(ids, attempts, current)
            connection = db.session().connection()
            sql = union_all(*branches).compile(
                dialect=connection.dialect, compile_kwargs={"literal_binds": True}
            )
            (plan,) = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
            outermost = next(_answer_aggregates(plan["Plan"]))
            scans = [n.get("CTE Name") for n in _below(outermost) if n["Node Type"] == "CTE Scan"]
            assert scans == [], scans
