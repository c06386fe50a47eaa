"""Question versions in the database: stored once by hash, read back as questions."""

from collections.abc import Iterable
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.quizzes import Question
from app.domain.quizzes.versions import QuestionVersion, UnreadableVersion, question_from_content
from app.models import QuestionVersion as VersionRow
from app.models import utcnow
from app.services.upsert import insert_for

# A version never changes once stored (its name is the hash of its content), so a question
# rebuilt from it can be kept for the life of the process.
_REBUILT: dict[str, Question] = {}
_REBUILT_LIMIT = 20_000
_lock = Lock()


def store(session: Session, versions: Iterable[QuestionVersion]) -> None:
    """Add the versions not stored yet; concurrent starts that add the same one both succeed."""
    wanted = {version.hash: version for version in versions}
    if not wanted:
        return
    have = set(session.scalars(select(VersionRow.hash).where(VersionRow.hash.in_(wanted))))
    # Sorted, so two transactions adding the same versions take their locks in one order.
    missing = [wanted[h] for h in sorted(wanted) if h not in have]
    if not missing:
        return
    now = utcnow()
    insert = insert_for(session)(VersionRow).values(
        [
            {
                "hash": version.hash,
                "quiz_id": version.quiz_id,
                "question_id": version.question.id,
                "type_name": version.question.type_name,
                "content": dict(version.content),
                "created_at": now,
            }
            for version in missing
        ]
    )
    session.execute(insert.on_conflict_do_nothing(index_elements=["hash"]))


def questions(session: Session, hashes: Iterable[str]) -> dict[str, Question]:
    """Return the questions stored under these hashes; a hash not stored is left out."""
    wanted = {h for h in hashes if h}
    found = {h: _REBUILT[h] for h in wanted if h in _REBUILT}
    rest = wanted - found.keys()
    if rest:
        rows = session.execute(
            select(VersionRow.hash, VersionRow.content).where(VersionRow.hash.in_(rest))
        )
        for hash_, content in rows:
            try:
                found[hash_] = question_from_content(content)
            except UnreadableVersion:
                continue  # shown as no longer available, with its stored mark
        with _lock:
            if len(_REBUILT) > _REBUILT_LIMIT:
                _REBUILT.clear()
            _REBUILT.update({h: found[h] for h in rest if h in found})
    return found
