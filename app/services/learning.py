"""A learner's way through modules: what they completed, and completing the next item."""

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from app import db
from app.domain.content import Module, Screen
from app.domain.gating import ItemState, can_open, first_incomplete, screen_states
from app.domain.progress import Progress, module_progress, passed_quiz
from app.models import Completion, utcnow
from app.services import passes, quiz_standing, xapi
from app.services.upsert import insert_for_dialect

# Every screen view asks this: a plain Core statement, built once, needing no ORM objects.
# The completions that stand: a quiz's only while a pass of it counts (passes).
_COMPLETED_KEYS = select(Completion.item_key).where(
    Completion.user_id == bindparam("user_id"),
    Completion.module_slug == bindparam("module_slug"),
    passes.COMPLETION_STANDS,
)


def completed_keys(user_id: int, module_slug: str) -> frozenset[str]:
    """Return the keys of the items the user completed in a module (one query, or none when
    read with the signed-in user earlier in this request): its quiz's only while a pass of
    it counts (passes.COMPLETION_STANDS)."""
    remembered = completed_earlier(user_id, module_slug)
    if remembered is not None:
        return remembered
    rows = db.reader().execute(_COMPLETED_KEYS, {"user_id": user_id, "module_slug": module_slug})
    return frozenset(rows.scalars())


def completed_earlier(user_id: int, module_slug: str) -> frozenset[str] | None:
    """Return the completions read with the signed-in user in this request, if they were."""
    return db.read_earlier(("completed", user_id, module_slug))


def remember_completed(user_id: int, module_slug: str, keys: frozenset[str]) -> None:
    """Keep completions read with another statement for `completed_keys` in this request."""
    db.remember_read(("completed", user_id, module_slug), keys)


def can_open_item(module: Module, item_key: str, done: frozenset[str]) -> bool:
    """Say whether gating lets the learner open (or answer) this item now."""
    return can_open(item_key, module.item_keys, done)


# Adding a completion unless it exists, built once per database: every Next and every
# passed quiz runs it. It returns a row only when it added one (rowcount may be -1).
_RECORD = {
    dialect: insert_for_dialect(dialect)(Completion.__table__)
    .values(
        user_id=bindparam("user_id"),
        module_slug=bindparam("module_slug"),
        item_key=bindparam("item_key"),
        completed_at=bindparam("completed_at"),
    )
    .on_conflict_do_nothing(index_elements=["user_id", "module_slug", "item_key"])
    .returning(Completion.id)
    for dialect in ("postgresql", "sqlite")
}


def record(user_id: int, module_slug: str, item_key: str) -> None:
    """Add a completion unless it exists, in the session's transaction; the caller commits."""
    connection = db.session().connection()
    added = connection.execute(
        _RECORD[connection.dialect.name],
        {
            "user_id": user_id,
            "module_slug": module_slug,
            "item_key": item_key,
            "completed_at": utcnow(),
        },
    ).first()
    if added is not None:
        xapi.item_completed(user_id, module_slug, item_key)


@dataclass(frozen=True)
class ModuleState:
    """Where a learner stands in a module: progress, each screen's state, where to resume."""

    module: Module
    progress: Progress
    states: dict[str, ItemState]
    resume: Screen
    quiz_next: bool = False
    quiz_locked: bool = False  # every attempt at the quiz used without a pass, none open yet

    def state(self, screen: Screen) -> ItemState:
        """Return "done", "current" or "locked" for a screen."""
        return self.states[screen.key]

    def item_done(self, key: str) -> bool:
        """Say whether an item (a screen, knowledge check or quiz) is complete."""
        return self.states.get(key) == "done"

    @property
    def added_screens(self) -> tuple[Screen, ...]:
        """Return the screens of a completed module the learner has not completed: added,
        renamed or given a check since they went through its screens."""
        if not self.progress.added:
            return ()
        return tuple(
            s for s in self.module.screens if any(not self.item_done(k) for k in s.item_keys)
        )


def module_state(
    module: Module, done: frozenset[str], *, preview: bool = False, quiz_locked: bool = False
) -> ModuleState:
    """Work out progress and gating for a module from the completed keys (`quiz_locked`:
    every attempt at its quiz used without a pass, none open yet)."""
    if preview:
        # Trainers see every screen open and no progress of their own.
        states = {key: "done" for key in module.item_keys}
    else:
        states = dict(zip(module.item_keys, screen_states(module.item_keys, done), strict=True))
    resume_key = first_incomplete(module.item_keys, done)
    resume = next((s for s in module.screens if resume_key in s.item_keys), module.screens[-1])
    quiz_next = bool(module.assessment) and resume_key == module.item_keys[-1]
    progress = module_progress(
        module.item_keys, done, passed=passed_quiz(done), quiz_locked=quiz_locked and not preview
    )
    locked = quiz_locked and not preview and progress.status != "completed"
    return ModuleState(module, progress, states, resume, quiz_next and not preview, locked)


def complete_screen(user_id: int, module: Module, screen: Screen) -> str:
    """Complete a screen ("next"), unless it is locked ("locked") or its check waits ("check")."""
    done = completed_keys(user_id, module.slug)
    if not can_open(screen.key, module.item_keys, done):
        return "locked"
    if screen.knowledge_check and not all(key in done for key in screen.item_keys[1:]):
        return "check"
    if screen.key not in done:
        record(user_id, module.slug, screen.key)
    else:
        # Going through a screen again counts towards a quiz's retake rule.
        db.session().execute(
            update(Completion)
            .where(
                Completion.user_id == user_id,
                Completion.module_slug == module.slug,
                Completion.item_key == screen.key,
            )
            .values(last_completed_at=utcnow())
        )
    db.session().commit()
    return "next"


def state_for(user_id: int, module: Module, *, preview: bool = False) -> ModuleState:
    """Load the user's completions for a module and return where they stand, saying so when
    every attempt at its quiz is used without a pass (as the module page does)."""
    if preview:
        return module_state(module, frozenset(), preview=True)
    if module.assessment is None:
        return module_state(module, completed_keys(user_id, module.slug))
    earlier = completed_earlier(user_id, module.slug)
    done, locked = quiz_standing.screen_standing(user_id, module, earlier)
    return module_state(module, done, quiz_locked=locked)


def next_module(done: dict[str, frozenset[str]], catalogue, *, after: Module) -> Module | None:
    """Return the module to study next: the first not completed after `after`, else before,
    else `after` itself when it is no longer completed (its passes revoked).

    `done` is the learner's completed item keys by module, as they stand (completed_keys).
    """
    later = [m for m in catalogue.modules if m.order > after.order]
    earlier = [m for m in catalogue.modules if m.order < after.order]
    return next(
        (
            m
            for m in (*later, *earlier, after)
            if module_state(m, done.get(m.slug, frozenset())).progress.status != "completed"
        ),
        None,
    )
