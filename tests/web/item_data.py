"""Graded attempts with answer rows written straight to the database, for item analysis tests."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import db
from app.content import catalogue
from app.models import Answer, Attempt, User
from app.services import quiz_versions
from app.services.item_stats import find_quiz

QUIZ = "referral-routes-assessment"
START = datetime(2026, 3, 1, 9, tzinfo=UTC)


def question_place(question_id: str, quiz: str = QUIZ) -> str:
    """Find, independently of the parser, the PATH:LINE of a question's numbered text."""
    path = f"content/quizzes/{quiz}.md"
    lines = (Path(__file__).resolve().parents[2] / path).read_text("utf-8").splitlines()
    start = lines.index(f"ID: {question_id}")
    number = next(n for n in range(start, len(lines)) if re.match(r"\d+\.\s", lines[n]))
    return f"{path}:{number + 1}"


def add_learners(count: int) -> list[int]:
    """Add learners without passwords worth hashing; return their ids."""
    session = db.session()
    users = [
        User(
            email=f"item{n}@example.org",
            full_name=f"Item Learner {n}",
            password_hash="x",
            profession="gp",
            professional_confirmed_at=START,
            professional_confirmed_as="gp",
            session_token=f"t{n}",
        )
        for n in range(count)
    ]
    session.add_all(users)
    session.flush()
    return [user.id for user in users]


def add_attempts(
    rows, question_ids, *, users=None, quiz_id=QUIZ, numbers=None, days=None, versions=None
):
    """Add one graded attempt per row of fractions (one per question id); return their ids.

    A fraction of 1 answers the question rightly and 0 wrongly, as a form would. `versions`
    maps a question id to the version (another wording, say) the attempts were shown.
    """
    quiz = find_quiz(quiz_id, catalogue())
    session = db.session()
    shown = {**quiz.versions, **(versions or {})}
    quiz_versions.store(session, shown.values())
    users = users or add_learners(len(rows))
    ids = []
    for index, fractions in enumerate(rows):
        questions = [shown[qid].question for qid in question_ids]
        points = [f * q.points for f, q in zip(fractions, questions, strict=True)]
        possible = sum(q.points for q in questions)
        at = START + timedelta(days=days[index] if days else 0, minutes=index)
        attempt = Attempt(
            user_id=users[index % len(users)],
            quiz_id=quiz_id,
            module_slug=quiz.module,
            number=numbers[index] if numbers else 1,
            status="graded",
            selection=[
                {"question": q.id, "version": shown[q.id].hash, "order": []} for q in questions
            ],
            started_at=at,
            submitted_at=at,
            points=sum(points),
            points_possible=possible,
            percent=int(sum(points) * 100 // possible),
            passed=False,
            answers=[
                Answer(
                    question_id=q.id,
                    response={"value": q.example_answer(bool(f))},
                    points=p,
                    question_version=shown[q.id].hash,
                    saved_at=at,
                )
                for q, f, p in zip(questions, fractions, points, strict=True)
            ],
        )
        session.add(attempt)
        session.flush()
        ids.append(attempt.id)
    session.commit()
    return ids
