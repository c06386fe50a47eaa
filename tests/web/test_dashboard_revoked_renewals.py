"""A learner's completion of a module stays on the dashboard while one of their passes of its
quiz counts (migration 0036), as compliance counts passes (services/passes.py: COUNTED).

Asha passes a module's quiz, then renews it some months later: a pass with a certificate of
its own. Revoking the renewal's certificate, the first pass's, both, or all at once as
erasure does, the dashboard's module completions and its chart by month say the same read
from the kept counts and counted afresh, the kept counts equal a recount, and the learner
is counted exactly while compliance has a pass of hers that counts; on PostgreSQL also while
revocations, passes and moves of hers run at once.
"""

import random
import threading
from datetime import date
from typing import NamedTuple

import pytest
from sqlalchemy import delete, func, select, update

from app import db
from app.content import catalogue
from app.domain import dates
from app.models import Attempt, Certificate, Completion, User, utcnow
from app.models_credentials import Credential
from app.services import credential_revocations, erasure, manage, passes, profile, team_members
from tests.conftest import sign_in
from tests.web.journeys import pass_module, renew
from tests.web.renewal_helpers import age
from tests.web.test_dashboard_counts import differences, module_completions


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


class Renewed(NamedTuple):
    """Asha's two certificates' codes, and the months of the passes they certify."""

    client: object  # Asha, signed in
    first: str
    renewal: str
    first_month: str
    renewal_month: str


@pytest.fixture
def renewed(app, pcn, module) -> Renewed:
    """Asha passed the module's quiz 100 days ago (another month) and renewed it today."""
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    first = pass_module(app, learner, "asha@example.org", module)
    age(app, pcn["asha"], 100)
    renewal = renew(app, learner, pcn["asha"], module)
    assert renewal != first
    with app.app_context():
        session = db.session()
        completed_at = session.scalar(
            select(Completion.completed_at).where(
                Completion.user_id == pcn["asha"], Completion.item_key.startswith("quiz:")
            )
        )
        renewed_at = session.scalar(
            select(func.max(Attempt.submitted_at)).where(Attempt.user_id == pcn["asha"])
        )
    months = (f"{completed_at:%Y-%m}", f"{renewed_at:%Y-%m}")
    assert months[0] != months[1]
    return Renewed(learner, first, renewal, *months)


def shown(app, module) -> tuple[int, list[tuple[str, int]]]:
    """Return the module's completions and the completions by month on the dashboard, read
    from its kept counts and counted afresh (they must agree, and the kept counts must equal
    a recount)."""
    with app.app_context():
        organisation = db.session().scalar(
            select(User.organisation_id).where(User.email == "lead@example.org")
        )
        grid = manage.grid(organisation, catalogue())
        kept = manage.summary(organisation, catalogue(), grid.framework, grid)
        afresh = manage.summary(organisation, catalogue())
    read = (kept.completed[module.slug], kept.completions_by_month)
    assert read == (afresh.completed[module.slug], afresh.completions_by_month)
    assert differences(app) == 0
    # The months with a completion ("YYYY-MM"): the chart shows the rest with 0.
    return read[0], [(f"{first:%Y-%m}", count) for first, count in read[1] if count]


def counted_passes(app, learner: int) -> int:
    """Return how many of the learner's passes compliance counts."""
    with app.app_context():
        return db.session().scalar(
            select(func.count(Attempt.id)).where(Attempt.user_id == learner, passes.COUNTED)
        )


def revoke(runner, code: str) -> None:
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output


def run(app, statement) -> None:
    with app.app_context():
        db.session().execute(statement)
        db.session().commit()


def of_code(code: str):
    """Return the condition on Credential: the credential of the certificate with this code."""
    return Credential.certificate_id.in_(select(Certificate.id).where(Certificate.code == code))


def test_before_any_revocation_the_learner_counts_once_in_the_month_of_her_first_pass(
    app, renewed, module
):
    assert shown(app, module) == (1, [(renewed.first_month, 1)])


def test_revoking_the_renewal_leaves_the_first_completion_where_it_was(
    app, client, runner, pcn, renewed, module
):
    revoke(runner, renewed.renewal)
    assert counted_passes(app, pcn["asha"]) == 1  # compliance: the first pass counts
    assert shown(app, module) == (1, [(renewed.first_month, 1)])
    sign_in(client, "lead@example.org")
    for url in ("/manage/", "/manage/?q=asha"):  # the kept counts, and a count afresh
        summary, months = module_completions(client.get(url).text, module)
        # "August 2026", kept on one line.
        named = dates.month(date.fromisoformat(f"{renewed.first_month}-01")).replace(" ", "\u00a0")
        first = f'{named}</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>'
        assert "1 completed" in summary and first in months, url


def test_revoking_the_first_pass_counts_the_completion_from_the_renewal(
    app, runner, pcn, renewed, module
):
    revoke(runner, renewed.first)
    assert counted_passes(app, pcn["asha"]) == 1  # compliance: the renewal counts
    assert shown(app, module) == (1, [(renewed.renewal_month, 1)])


def test_revoking_both_removes_the_completion_and_undoing_either_puts_it_back(
    app, runner, pcn, renewed, module
):
    revoke(runner, renewed.renewal)
    revoke(runner, renewed.first)
    assert counted_passes(app, pcn["asha"]) == 0
    assert shown(app, module) == (0, [])
    # Were a revocation undone by hand (Linkwise offers no way), its pass counts again.
    run(app, update(Credential).where(of_code(renewed.first)).values(revoked_at=None))
    assert shown(app, module) == (1, [(renewed.first_month, 1)])
    # Both revoked again, then both undone, each in one statement.
    run(app, update(Credential).values(revoked_at=utcnow()))
    assert shown(app, module) == (0, [])
    run(app, update(Credential).values(revoked_at=None))
    assert shown(app, module) == (1, [(renewed.first_month, 1)])
    # A revoked credential removed (no path does): its pass counts again.
    revoke(runner, renewed.renewal)
    revoke(runner, renewed.first)
    run(app, delete(Credential).where(of_code(renewed.first)))
    assert counted_passes(app, pcn["asha"]) == 1
    assert shown(app, module) == (1, [(renewed.first_month, 1)])


def test_a_pass_after_every_revocation_counts_the_completion_again_from_that_pass(
    app, runner, pcn, renewed, module
):
    revoke(runner, renewed.renewal)
    revoke(runner, renewed.first)
    assert shown(app, module) == (0, [])
    again = renew(app, renewed.client, pcn["asha"], module)  # graded as any submit is
    assert again not in (renewed.first, renewed.renewal)
    assert counted_passes(app, pcn["asha"]) == 1
    assert shown(app, module) == (1, [(renewed.renewal_month, 1)])


def test_erasing_a_learner_who_renewed_revokes_both_at_once_and_keeps_the_counts(
    app, pcn, renewed, module
):
    # Erasure revokes all the learner's credentials in one statement while she is still in
    # her organisation, then takes her out of it.
    with app.app_context():
        erasure.erase(pcn["asha"])
    assert counted_passes(app, pcn["asha"]) == 0
    assert shown(app, module) == (0, [])


def test_revocations_passes_and_moves_at_once_keep_the_counts(app, pcn, renewed, module):
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    asha = pcn["asha"]
    with app.app_context():
        first = db.session().scalar(
            select(Attempt).where(Attempt.user_id == asha).order_by(Attempt.id).limit(1)
        )
        quiz, selection, settings = first.quiz_id, first.selection, first.quiz_settings

    def toggle(chance, _):
        # Revoke one of her credentials, or undo a revocation by hand.
        session = db.session()
        held = session.execute(
            select(Credential.id, Certificate.code, Credential.revoked_at)
            .join(Certificate, Certificate.id == Credential.certificate_id)
            .where(Certificate.user_id == asha)
        ).all()
        credential, code, revoked_at = chance.choice(held)
        if revoked_at is None:
            credential_revocations.revoke(code, "Issued in error", via="cli")
        else:
            session.execute(
                update(Credential).where(Credential.id == credential).values(revoked_at=None)
            )
            session.commit()

    def pass_again(_, number):
        # A pass written without grading's lock: the triggers lock the learner themselves.
        now = utcnow()
        db.session().add(
            Attempt(
                user_id=asha,
                quiz_id=quiz,
                module_slug=module.slug,
                number=number,
                status="graded",
                selection=selection,
                quiz_settings=settings,
                started_at=now,
                submitted_at=now,
                percent=100,
                passed=True,
            )
        )
        db.session().commit()

    def move(chance, _):
        if chance.random() < 0.5:
            team_members.join_by_code(asha, chance.choice(("ELM11111", "OAK22222")))
        else:
            profession = chance.choice(("gp", "practice-nurse", "link-worker"))
            profile.update_details(
                asha, full_name="Asha Elm", profession=profession, registration_number=""
            )

    errors = []

    def work(seed: int):
        chance = random.Random(seed)
        try:
            for step in range(12):
                with app.app_context():
                    chance.choice((toggle, toggle, pass_again, move))(chance, 100 * seed + step)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert differences(app) == 0
    completed, _ = shown(app, module)
    assert completed == min(counted_passes(app, asha), 1)
