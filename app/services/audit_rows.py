"""One audit event as people read it: its kind by name, who did it, whom it was about, and
its detail in words (an assignment's targets by name). audit_reads.py reads the events."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from app.domain.accounts import PROFESSIONS
from app.domain.assignments import RENEWALS
from app.services.audit import kind_name


@dataclass(frozen=True)
class AuditRow:
    """One event as people read it."""

    occurred_at: datetime
    kind: str
    name: str  # the kind's name (its code, for a kind with none)
    actor: str
    subject: str
    address: str
    detail: str


def assignment_detail(detail: Mapping, names: Mapping[str, str]) -> dict:
    """Return an assignment event's detail as the page shows it: whom it was for by name
    (`names`: each learner's email address and each team's name, by target) and its
    renewal; an event from before renewals were recorded says so."""
    shown = {k: v for k, v in detail.items() if k not in ("targets", "team", "renew_months")}
    targets = [t for t in str(detail.get("targets", "")).split(", ") if t]
    shown["for"] = [_target_name(t, detail.get("team"), names) for t in targets]
    months = detail.get("renew_months")
    shown["renewal"] = (
        "not recorded" if months is None else RENEWALS.get(months, f"{months} months")
    )
    return shown


def _target_name(target: str, team: str | None, names: Mapping[str, str]) -> str:
    if target.startswith("learner:"):
        return names.get(target) or f"learner {target.removeprefix('learner:')}"
    parts = dict(part.partition(":")[::2] for part in target.split("/"))
    if "team" in parts:  # as it was called when assigned, else as it is called now
        who = team or names.get(target) or f"team {parts['team']} (deleted)"
    else:
        who = "Everyone in the organisation"
    if parts.get("profession"):
        who += f" ({PROFESSIONS.get(parts['profession'], parts['profession'])}s)"
    return who


def audit_row(
    kind, via, email, address, actor_email, subject_email, occurred_at, detail
) -> AuditRow:
    """Return an event as people read it, from its stored columns and the accounts' emails."""
    return AuditRow(
        occurred_at=occurred_at,
        kind=kind,
        name=kind_name(kind),
        actor=_actor(kind, via, detail, actor_email),
        subject=subject_email or (email if email != actor_email else "") or "",
        address=address or "",
        detail=", ".join(f"{key}={_shown(value)}" for key, value in sorted((detail or {}).items())),
    )


def _shown(value) -> str:
    """Say a detail's value as a reader would write it: a list as its items, not as Python."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "none"
    return str(value)


def _actor(kind: str, via: str, detail: dict | None, actor_email: str | None) -> str:
    if via == "cli":
        return f"command line ({(detail or {}).get('os_user', 'unknown')})"
    if actor_email:
        return actor_email
    if kind in _SIGNED_IN_ONLY:
        # Written before scripts said so (seed-demo --practices did): no visitor can do it.
        return "a script or seed (not recorded which)"
    return "visitor (not signed in)"


# Kinds of event only a signed-in user or a command makes: one with neither recorded was
# made by a script.
_SIGNED_IN_ONLY = frozenset({"assignment.added"})
