"""The signed-in user, read on every page: their row while their session token is current.

One statement a page, built once: the user's columns, and in the same statement what the
page needs besides (a screen's completions in its module, with how often the learner failed
its quiz when it has one; a manager's scope and the commonest profession they see), which
the services asked later then find for the request.
"""

import json
import secrets

from sqlalchemy import bindparam, exists, func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Completion, User
from app.models_practice import ConfirmationRequest, Supervisor
from app.services import (
    dashboard_counts,
    learning,
    passes,
    quiz_standing,
    requests_waiting,
    retired_ratings,
    teams,
)

SIGNED_IN_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.role,
    User.profession,
    User.organisation_id,
    User.session_token,
    # Whether they supervise in their organisation now: pages offer their queue without
    # asking again.
    exists()
    .where(Supervisor.user_id == User.id, Supervisor.organisation_id == User.organisation_id)
    .label("is_supervisor"),
)


# Every page runs this, so it is built once: a request only binds the id (building a new
# select() and its cache key on every request cost as much as the query itself).
_SIGNED_IN_USER = select(*SIGNED_IN_COLUMNS).where(User.id == bindparam("user_id"))


# A screen also needs the learner's completions of its module: they come in the same
# statement, as one JSON array (one round trip on PostgreSQL instead of two).
def _with_completions(json_array):
    completed = select(json_array(Completion.item_key)).where(
        Completion.user_id == bindparam("user_id"),
        Completion.module_slug == bindparam("module_slug"),
        passes.COMPLETION_STANDS,
    )
    return select(*SIGNED_IN_COLUMNS, completed.scalar_subquery().label("completed")).where(
        User.id == bindparam("user_id")
    )


_SIGNED_IN_USER_AND_COMPLETIONS = {
    "postgresql": _with_completions(func.json_agg),
    "sqlite": _with_completions(func.json_group_array),
}


# A screen of a module with a quiz also counts the learner's failed attempts at it: only a
# learner who failed it as often as it allows can be out of attempts, and only then does the
# screen read the quiz's rows to say so (quiz_standing.out_of_attempts, a second statement).
def _with_completions_and_fails(json_array):
    failed = select(func.count()).where(
        Attempt.user_id == bindparam("user_id"),
        passes.AT_MODULE_QUIZ,
        Attempt.status == "graded",
        Attempt.passed.is_(False),
    )
    return _with_completions(json_array).add_columns(failed.scalar_subquery().label("failed"))


_SIGNED_IN_USER_COMPLETIONS_AND_FAILS = {
    "postgresql": _with_completions_and_fails(func.json_agg),
    "sqlite": _with_completions_and_fails(func.json_group_array),
}


# The start page tells a supervisor how many requests wait for them, as My competencies
# does: counted in the same statement (requests_waiting, bound with `known`).
_SIGNED_IN_USER_AND_WAITING = select(
    *SIGNED_IN_COLUMNS,
    select(func.count(ConfirmationRequest.id))
    .where(*requests_waiting.WAITING_FOR_SELF)
    .scalar_subquery()
    .label("waiting"),
).where(User.id == bindparam("user_id"))


# A manager's pages need whom the manager sees (their scope) and the dashboard the
# commonest profession among them: read in the same statement (two statements fewer).
def _with_scope(json_array, commonest: bool):
    columns = [*SIGNED_IN_COLUMNS, *teams.scope_columns(json_array)]
    if commonest:
        columns.append(dashboard_counts.commonest_profession_column())
    return select(*columns).where(User.id == bindparam("user_id"))


_SIGNED_IN_MANAGER = {
    (dialect, commonest): _with_scope(json_array, commonest)
    for dialect, json_array in (("postgresql", func.json_agg), ("sqlite", func.json_group_array))
    for commonest in (False, True)
}
SCOPE, SCOPE_AND_COMMONEST = "scope", "scope and commonest profession"


def load_signed_in_user(
    user_id: int,
    session_token: str,
    *,
    completions_in: str | None = None,
    manager_reads: str | None = None,
    waiting: bool = False,
):
    """Return the signed-in user's row while the session token in their cookie is current.

    Every page asks for this, so it reads plain columns rather than building an ORM object.
    With `completions_in` (a module's slug), the same statement reads the user's
    completions in that module, which `learning.completed_keys` then finds for this request;
    for a module with a quiz, with how often the learner failed it (quiz_standing finds it).
    With `manager_reads` (SCOPE, SCOPE_AND_COMMONEST), it reads the manager's scope (and
    the commonest profession they see), which `teams.scope_of` (and the grid) then find.
    With `waiting`, it counts the requests waiting for the user's decision as a supervisor.
    """
    commonest = manager_reads == SCOPE_AND_COMMONEST
    module = catalogue().module(completions_in) if completions_in is not None else None
    quiz = module.assessment if module is not None else None
    if manager_reads is not None:
        statement = _SIGNED_IN_MANAGER[db.dialect_name(), commonest]
        row = db.reader().execute(statement, {"user_id": user_id}).one_or_none()
    elif waiting:
        known = retired_ratings.known_codes(catalogue())
        statement = _SIGNED_IN_USER_AND_WAITING
        row = db.reader().execute(statement, {"user_id": user_id, "known": known}).one_or_none()
    elif completions_in is None:
        row = db.fetch_one(_SIGNED_IN_USER, {"user_id": user_id})
    elif quiz is not None:
        statement = _SIGNED_IN_USER_COMPLETIONS_AND_FAILS[db.dialect_name()]
        row = db.fetch_one(
            statement, {"user_id": user_id, "module_slug": completions_in, "quiz_id": quiz.id}
        )
    else:
        statement = _SIGNED_IN_USER_AND_COMPLETIONS[db.dialect_name()]
        row = db.fetch_one(statement, {"user_id": user_id, "module_slug": completions_in})
    if not signed_in(row, session_token):
        return None
    if manager_reads is not None:
        _remember_scope(row, commonest)
    if completions_in is not None:
        completed = row.completed
        if isinstance(completed, str):  # SQLite's JSON is text; psycopg parses PostgreSQL's
            completed = json.loads(completed)
        learning.remember_completed(user_id, completions_in, frozenset(completed or ()))
    if quiz is not None:
        quiz_standing.remember_failed(user_id, completions_in, row.failed)
    return row


def signed_in(row, session_token: str) -> bool:
    """Say whether a user's row (SIGNED_IN_COLUMNS) is still signed in with this cookie's token."""
    return row is not None and secrets.compare_digest(row.session_token, session_token)


def _remember_scope(row, commonest: bool) -> None:
    managed = row.managed_teams
    if isinstance(managed, str):  # SQLite's JSON is text; psycopg parses PostgreSQL's
        managed = json.loads(managed)
    scope = teams.remember_scope(row.id, row.organisation_id, row.organisation_name, managed)
    if commonest and scope is not None:
        dashboard_counts.remember_commonest(scope, row.commonest_profession)
