"""xAPI statements for what learners do, built from plain values (ADL verbs, stable ids).

Each statement's id is a name-based UUID of the site and the event ("screen s of module m
completed by learner 7 at 10:02:03.120"), kept in the outbox with the statement: sending
it twice leaves one statement in the learning record store, which keeps one per id.
Learners appear as an account on the site (their Linkwise id), never by name or email.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from .quiz_markdown import quiz_plain_text

# Fixed for ever: changing it would give every past event a new statement id.
NAMESPACE = uuid.UUID("3f5b7c1e-2d4a-4e8b-9c61-0a7d5e2f1b93")
LANGUAGE = "en-GB"
ADL = "http://adlnet.gov/expapi"
VERBS = {
    name: {"id": f"{ADL}/verbs/{name}", "display": {"en-US": name}}
    for name in ("completed", "answered", "attempted", "passed", "failed", "voided")
}
# Linkwise's own verbs, by the last part of their IRI, with what each says. A supervisor's
# confirmation is of the learner's practice, which is not mastery of the competency: being
# met asks for knowledge too, and ADL's "mastered" would claim all of it.
LINKWISE_VERBS = {"practice-confirmed": "had practice confirmed in"}
ACTIVITY_TYPES = {
    "module": f"{ADL}/activities/module",
    "screen": f"{ADL}/activities/lesson",
    "question": f"{ADL}/activities/cmi.interaction",
    "assessment": f"{ADL}/activities/assessment",
    "competency": f"{ADL}/activities/objective",
}


@dataclass(frozen=True)
class Site:
    """The Linkwise site that statements come from; its address names activities."""

    base_url: str

    def url(self, path: str) -> str:
        """Return an absolute address on the site."""
        return self.base_url.rstrip("/") + path

    def agent(self, user_id: int) -> dict:
        """Return a learner as an xAPI agent: an account on this site, by Linkwise id."""
        return {"objectType": "Agent", "account": {"homePage": self.url("/"), "name": str(user_id)}}

    def statement_id(self, *event: object) -> str:
        """Return the stable id of the statement reporting this event."""
        return str(uuid.uuid5(NAMESPACE, "|".join([self.base_url, *map(str, event)])))

    def extension(self, name: str) -> str:
        """Return the IRI of one of Linkwise's own context or result extensions."""
        return self.url(f"/xapi/extensions/{name}")

    def verb(self, name: str) -> dict:
        """Return one of Linkwise's own verbs (LINKWISE_VERBS), for what no ADL verb says."""
        return {"id": self.url(f"/xapi/verbs/{name}"), "display": {LANGUAGE: LINKWISE_VERBS[name]}}


@dataclass(frozen=True)
class ModuleRef:
    """The module an event happened in."""

    slug: str
    title: str


def timestamp(at: datetime) -> str:
    """Return an xAPI timestamp: ISO 8601 in UTC, to the millisecond."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def activity(object_id: str, kind: str, name: str, **definition) -> dict:
    """Return an xAPI activity with its type and English name."""
    return {
        "objectType": "Activity",
        "id": object_id,
        "definition": {"type": ACTIVITY_TYPES[kind], "name": {LANGUAGE: name}, **definition},
    }


def module_activity(site: Site, module: ModuleRef) -> dict:
    """Return the activity of a whole module."""
    return activity(site.url(f"/modules/{module.slug}/"), "module", module.title)


def _statement(site, event, user_id, verb, obj, at, *, result=None, parent=None, extra=None):
    context = {"platform": "Linkwise", "language": LANGUAGE}
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    context.update(extra or {})
    found = {
        # Who did what, and when: a learner id reused after a database was reset, or a
        # second site sharing the LRS, never collides with an earlier statement.
        "id": site.statement_id(*event, timestamp(at)),
        "actor": site.agent(user_id),
        "verb": VERBS[verb] if isinstance(verb, str) else verb,
        "object": obj,
        "timestamp": timestamp(at),
        "context": context,
    }
    if result is not None:
        found["result"] = result
    return found


def screen_completed(site: Site, user_id: int, module: ModuleRef, slug: str, title: str, at):
    """Return "completed" for a screen a learner finished."""
    screen = activity(site.url(f"/modules/{module.slug}/{slug}/"), "screen", title)
    return _statement(
        site,
        ("screen-completed", user_id, module.slug, slug),
        user_id,
        "completed",
        screen,
        at,
        result={"completion": True},
        parent=module_activity(site, module),
    )


@dataclass(frozen=True)
class Interaction:
    """A knowledge check's question as xAPI describes it, and the learner's response."""

    question_id: str
    title: str
    text: str  # the question as its page shows it: words, no Markdown
    choices: tuple[tuple[str, str], ...]  # (choice id, the words the page shows)
    correct: tuple[str, ...]
    response: tuple[str, ...]
    fraction: float

    @classmethod
    def of(cls, question, module: ModuleRef, response: tuple[str, ...], fraction: float):
        """Return a knowledge check's question and response, its Markdown as plain words.

        Choices are named by their text's id (`Choice.form_value`), not by where the author
        wrote them ("a", "b", which `response` gives as answers keep them): reordering a
        question's choices leaves each one's id, so responses in the LRS keep their meaning.
        """
        choices = getattr(question, "choices", ())
        stable = {c.id: c.form_value for c in choices}
        return cls(
            question_id=question.id,
            title=question.title or f"Knowledge check: {module.title}",
            text=quiz_plain_text(question.text, module_slug=module.slug, inline=False),
            choices=tuple(
                (c.form_value, quiz_plain_text(c.text, module_slug=module.slug)) for c in choices
            ),
            correct=tuple(c.form_value for c in choices if c.correct),
            response=tuple(stable.get(value, value) for value in response),
            fraction=fraction,
        )


def check_answered(
    site: Site, user_id: int, module: ModuleRef, quiz_id: str, number: int, item: Interaction, at
):
    """Return "answered" for a knowledge check, with the response and whether it was right."""
    question = activity(
        site.url(f"/modules/{module.slug}/checks/{quiz_id}/{item.question_id}"),
        "question",
        item.title,
        description={LANGUAGE: item.text},
        interactionType="choice",
        correctResponsesPattern=["[,]".join(item.correct)],
        choices=[{"id": cid, "description": {LANGUAGE: text}} for cid, text in item.choices],
    )
    return _statement(
        site,
        ("check-answered", user_id, quiz_id, number),
        user_id,
        "answered",
        question,
        at,
        result={
            "response": "[,]".join(item.response),
            "success": item.fraction >= 1,
            "score": {"scaled": round(item.fraction, 4)},
        },
        parent=module_activity(site, module),
    )


@dataclass(frozen=True)
class QuizResult:
    """A graded attempt at a module's quiz."""

    quiz_id: str
    title: str
    number: int
    points: float
    points_possible: float
    percent: int
    passed: bool
    pass_mark: float


def _quiz_activity(site: Site, module: ModuleRef, result: QuizResult) -> dict:
    return activity(site.url(f"/modules/{module.slug}/quiz/"), "assessment", result.title)


def quiz_attempted(site: Site, user_id: int, module: ModuleRef, result: QuizResult, at):
    """Return "attempted" for a quiz attempt that was submitted."""
    return _statement(
        site,
        ("quiz-attempted", user_id, result.quiz_id, result.number),
        user_id,
        "attempted",
        _quiz_activity(site, module, result),
        at,
        parent=module_activity(site, module),
        extra={"extensions": {site.extension("attempt"): result.number}},
    )


def quiz_graded(site: Site, user_id: int, module: ModuleRef, result: QuizResult, at):
    """Return "passed" or "failed" for a graded attempt, with its score."""
    return _statement(
        site,
        ("quiz-graded", user_id, result.quiz_id, result.number),
        user_id,
        "passed" if result.passed else "failed",
        _quiz_activity(site, module, result),
        at,
        result={
            "score": {
                "raw": result.points,
                "min": 0,
                "max": result.points_possible,
                # raw/max, not the whole percent the site shows (floored): 2 of 3 is 0.6667.
                "scaled": round(result.points / result.points_possible, 4)
                if result.points_possible
                else 0,
            },
            "success": result.passed,
            "completion": True,
        },
        parent=module_activity(site, module),
        extra={
            "extensions": {
                site.extension("attempt"): result.number,
                site.extension("pass-mark"): result.pass_mark,
            }
        },
    )


def certificate_issued(site: Site, user_id: int, module: ModuleRef, cpd_minutes: int, at):
    """Return "completed" for a module whose CPD certificate was issued.

    Nothing in it leads to the learner: not the certificate's code or public address, whose
    pages show the holder's name. Its id is `certificate_statement_id`'s, from the learner's
    id, the module and the time the certificate was issued (`at`).
    """
    return _statement(
        site,
        ("certificate-issued", user_id, module.slug),
        user_id,
        "completed",
        module_activity(site, module),
        at,
        # CPD time is what the module counts for, not the time the learner spent, which is
        # what xAPI's result.duration means: it goes in an extension of its own.
        result={
            "completion": True,
            "success": True,
            "extensions": {site.extension("cpd-minutes"): cpd_minutes},
        },
    )


def certificate_statement_id(site: Site, user_id: int, module_slug: str, issued_at) -> str:
    """Return the id of the "completed" statement of a certificate issued at `issued_at`."""
    return site.statement_id("certificate-issued", user_id, module_slug, timestamp(issued_at))


def statement_voided(site: Site, user_id: int, voided_id: str, at) -> dict:
    """Return "voided" for an earlier statement (xAPI 1.0.3's voiding statement): an LRS then
    treats the statement with id `voided_id` as withdrawn. The object is a StatementRef, so
    the context has no platform or language (the spec keeps those for activities)."""
    return {
        "id": site.statement_id("voided", voided_id),
        "actor": site.agent(user_id),
        "verb": VERBS["voided"],
        "object": {"objectType": "StatementRef", "id": voided_id},
        "timestamp": timestamp(at),
    }


def practice_confirmed(
    site: Site,
    user_id: int,
    code: str,
    name: str,
    confirmed_by: int,
    at,
    *,
    confirmation_id: int | str,
):
    """Return "had practice confirmed in" for a competency a supervisor confirmed in practice.

    It says what the supervisor saw, the learner's practice, and nothing of their knowledge
    or of whether the competency is met. The supervisor is the statement's instructor;
    `confirmation_id` names the confirmation, so re-confirming later is a new statement
    while the same confirmation never is.
    """
    competency = activity(site.url(f"/competencies/#{code}"), "competency", f"{code} {name}")
    return _statement(
        site,
        ("practice-confirmed", user_id, code, confirmation_id),
        user_id,
        site.verb("practice-confirmed"),
        competency,
        at,
        extra={"instructor": site.agent(confirmed_by)},
    )
