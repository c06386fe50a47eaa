"""What a learner's competency profile says to do next: modules to take, and quizzes to renew.

A module not yet passed is a next step for the competencies it develops that are below the
framework's top level. A passed module's quiz is taken again only to renew: it is a next
step for the competencies it assesses that stand due soon or expired on their knowledge
(domain/quizzes/renewal.py), which is when the quiz page opens it for renewal. While it is
open for renewal for any reason (its certificate expiring, an assignment that renews), it
is also the next step for the competencies it develops that have too little evidence to be
rated (all of it expired, say): the renewal's answers give new evidence.
"""

from dataclasses import dataclass

from app.domain.competencies import INSUFFICIENT_EVIDENCE
from app.domain.content import Catalogue, Module
from app.domain.frameworks import Competency
from app.domain.quizzes.renewal import StoredRating, renews_knowledge
from app.services.quiz_pages import ScreenLink, screens_teaching
from app.services.rating_reads import aware
from app.services.renewal_rows import assessed_codes


@dataclass(frozen=True)
class NextStep:
    """A module that would move the learner on, the competencies and the screens teaching them.

    `renew`: the learner passed its quiz, and taking it again renews the competencies.
    """

    module: Module
    competencies: tuple[Competency, ...]
    screens: tuple[ScreenLink, ...]
    renew: bool = False


def next_steps(
    catalogue: Catalogue, every, to_develop, stored, passed, now, renewing=frozenset()
) -> tuple[NextStep, ...]:
    """Return the modules to take or renew, in course order.

    `every` and `to_develop` are the profile's competency standings (all, and those below
    the top level); `stored` the stored ratings by code; `passed` the passed modules' slugs;
    `renewing` the slugs of those whose quiz is open for renewal now.
    """
    to_renew = {c.code for c in _to_renew(stored, every, now)}
    found = []
    for module in catalogue.modules:
        if module.slug in passed:
            codes = assessed_codes(module)
            open_now = module.slug in renewing
            renews = [
                r.competency
                for r in every
                if (r.competency.code in to_renew and r.competency.code in codes)
                or (open_now and r.level == INSUFFICIENT_EVIDENCE and module in r.modules)
            ]
            if renews:
                found.append(_next_step(module, renews, renew=True))
        else:
            develops = [r.competency for r in to_develop if module in r.modules]
            if develops:
                found.append(_next_step(module, develops))
    return tuple(found)


def _to_renew(stored, every, now) -> list[Competency]:
    """Return the competencies a quiz would renew now (due soon or expired on knowledge)."""
    found = []
    for r in every:
        row = stored.get(r.competency.code)
        if row is None:
            continue
        rating = StoredRating(
            r.competency.name,
            row.met,
            aware(row.met_until),
            aware(row.due_from),
            row.expired,
            aware(row.practice_until),
        )
        if renews_knowledge(rating, now):
            found.append(r.competency)
    return found


def _next_step(module: Module, competencies: list[Competency], renew: bool = False) -> NextStep:
    codes = {c.code for c in competencies}
    screens: dict[str, ScreenLink] = {}
    for question in module.assessment.questions if module.assessment else ():
        if codes & set(question.competencies):
            for link in screens_teaching(module, question):
                screens.setdefault(link.slug, link)
    order = {s.slug: s.number for s in module.screens}
    return NextStep(
        module,
        tuple(competencies),
        tuple(sorted(screens.values(), key=lambda link: order.get(link.slug, 0))),
        renew,
    )
