"""The dashboard's kept level counts always equal a recount of the ratings.

Random sequences of every change that moves a count (ratings written, re-rated, removed;
passes made, renewed, moved or lost; certificates revoked; learners placed in teams, moved, removed
from or joining an organisation, changing profession or role, erased) on both databases,
and concurrent gradings and team moves on PostgreSQL.
"""

import random
import secrets
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.models import (
    Attempt,
    Certificate,
    CompetencyLevel,
    Completion,
    Organisation,
    User,
    utcnow,
)
from app.models_counts import DashboardCountChange
from app.models_credentials import Credential
from app.models_teams import TeamMember
from app.services import (
    account_admin,
    credential_revocations,
    dashboard_counts,
    erasure,
    learning,
    leavers,
    manage,
    profile,
    rating_recompute,
    team_members,
    teams,
)
from tests.conftest import sign_in
from tests.web import revoking
from tests.web.journeys import pass_module

LEVELS = ("Not yet", "Developing", "Secure")
EARLIER_ID = "an-earlier-id"  # the first module's quiz, under an id it had before
PROFESSIONS = ("link-worker", "gp", "practice-nurse")


def differences(app) -> int:
    with app.app_context():
        return dashboard_counts.differences(db.session().connection())


def make_world(app, learners: int = 8) -> dict:
    """Two organisations with two teams each, and learners with a few ratings each."""
    with app.app_context():
        session = db.session()
        world = {"organisations": [], "teams": [], "learners": []}
        for name in ("Riverside PCN", "Hillside PCN"):
            organisation = account_admin.create_organisation(name)
            world["organisations"].append((organisation.id, organisation.join_code))
            for practice in ("Elm", "Oak"):
                team = teams.create_team(organisation.id, f"{practice} {name}", actor_id=None)
                world["teams"].append((team.id, team.join_code, organisation.id))
        codes = [c.code for c in catalogue().competencies][:6]
        world["codes"] = codes
        quizzes = {quiz_key(m.assessment.id): m.slug for m in catalogue().modules if m.assessment}
        # An id the first module's quiz had before: its completions are the module's too.
        quizzes[quiz_key(EARLIER_ID)] = next(iter(quizzes.values()))
        world["quiz_keys"] = [*quizzes, "screen:not-a-quiz"]
        world["modules"] = quizzes  # each quiz's module: a revoked certificate's passes go
        for n in range(learners):
            organisation_id = world["organisations"][n % 2][0]
            user = User(
                email=f"learner{n}@example.org",
                full_name=f"Learner {n}",
                password_hash="scrypt:none",
                profession=PROFESSIONS[n % 3],
                role="learner",
                organisation_id=organisation_id,
                professional_confirmed_at=datetime.now(UTC),
                professional_confirmed_as=PROFESSIONS[n % 3],
                session_token=secrets.token_hex(8),
            )
            session.add(user)
            session.flush()
            world["learners"].append(user.id)
            for i, code in enumerate(codes[: 2 + n % 3]):
                session.add(rating(user.id, organisation_id, code, LEVELS[(n + i) % 3]))
        session.commit()
    return world


def rating(user_id: int, organisation_id: int | None, code: str, level: str) -> CompetencyLevel:
    return CompetencyLevel(
        user_id=user_id,
        organisation_id=organisation_id,
        competency_code=code,
        level=level,
        score=50.0,
        evidence_count=3,
    )


def rate(world, chance):
    """Write, change or remove some of a learner's ratings, the learner locked as grading does."""
    session, learner = db.session(), chance.choice(world["learners"])
    session.execute(select(User.id).where(User.id == learner).with_for_update())
    user = session.get(User, learner)
    for code in chance.sample(world["codes"], 3):
        found = session.scalar(
            select(CompetencyLevel).where(
                CompetencyLevel.user_id == user.id, CompetencyLevel.competency_code == code
            )
        )
        if found is None:
            session.add(rating(user.id, user.organisation_id, code, chance.choice(LEVELS)))
        elif chance.random() < 0.3:
            session.delete(found)
        else:
            found.level = chance.choice(LEVELS)
    session.commit()


def complete(world, chance):
    """Pass a module's quiz, or lose a pass (as only erasing a learner would).

    The learner who holds certificates is chosen often, so passes meet revocations.
    """
    session = db.session()
    holder = world.get("holder")
    user = session.get(User, holder) if holder and chance.random() < 0.3 else None
    user = user or session_user(chance, world)
    key = chance.choice(world["quiz_keys"])
    found = session.scalar(
        select(Completion).where(Completion.user_id == user.id, Completion.item_key == key)
    )
    if found is None:
        month = chance.choice((9, 10, 11))
        at = datetime(2026, month, chance.randint(1, 28), tzinfo=UTC)
        slug = world["modules"].get(key, "m")
        session.add(Completion(user_id=user.id, module_slug=slug, item_key=key, completed_at=at))
    elif chance.random() < 0.5:
        session.delete(found)
    else:
        found.completed_at = datetime(2026, chance.choice((9, 10, 11)), 15, tzinfo=UTC)
    session.commit()


def new_learner(world, chance):
    session = db.session()
    number = len(world["learners"]) + 100
    organisation_id = chance.choice(world["organisations"])[0]
    user = User(
        email=f"new{number}@example.org",
        full_name=f"New {number}",
        password_hash="scrypt:none",
        profession=chance.choice(PROFESSIONS),
        role="learner",
        organisation_id=organisation_id,
        professional_confirmed_at=datetime.now(UTC),
        professional_confirmed_as="gp",
        session_token=secrets.token_hex(8),
    )
    session.add(user)
    session.commit()
    world["learners"].append(user.id)


def session_user(chance, world) -> User:
    return db.session().get(User, chance.choice(world["learners"]))


def place(world, chance):
    user = session_user(chance, world)
    team_id, join_code, organisation_id = chance.choice(world["teams"])
    if user.organisation_id is None and user.role == "learner":
        profile.join_organisation(user.id, join_code, leaving=None)  # as its check page does
    elif user.organisation_id == organisation_id and user.role == "learner":
        team_members.join_by_code(user.id, join_code)


def leave_team(world, chance):
    user = session_user(chance, world)
    db.session().execute(delete(TeamMember).where(TeamMember.user_id == user.id))
    db.session().commit()


def remove(world, chance):
    user = session_user(chance, world)
    if user.organisation_id is not None:
        leavers.remove_from_organisation(teams.Scope(user.organisation_id), user.id, actor_id=None)


def move_organisation(world, chance):
    user = session_user(chance, world)
    if user.role != "learner":
        return
    if user.organisation_id is not None and chance.random() < 0.5:
        profile.leave_organisation(user.id, user.organisation_id)
    else:
        profile.join_organisation(user.id, chance.choice(world["organisations"])[1])


def change_profession(world, chance):
    user = session_user(chance, world)
    profile.update_details(
        user.id,
        full_name=user.full_name,
        profession=chance.choice(PROFESSIONS),
        registration_number="",
    )


def change_role(world, chance):
    user = session_user(chance, world)
    if user.organisation_id is not None:
        role = "trainer" if user.role == "learner" else "learner"
        account_admin.set_role(user.email, role)


def revoke(world, chance):
    """Revoke a certificate's credential, or undo a revocation by hand (Linkwise offers no way)."""
    session = db.session()
    held = session.execute(
        select(Credential.id, Certificate.code, Credential.revoked_at).join(
            Certificate, Certificate.id == Credential.certificate_id
        )
    ).all()
    if not held:
        return
    credential_id, code, revoked_at = chance.choice(held)
    if revoked_at is None:
        credential_revocations.revoke(code, "Sat by another", via="cli")
    else:
        session.execute(
            update(Credential).where(Credential.id == credential_id).values(revoked_at=None)
        )
        session.commit()


def pass_again(world, chance):
    """Pass one of the holder's quizzes again now, as a renewal does: with a certificate and
    credential of its own, or (as before migration 0034) without; now and then under
    another id the module's quiz has had (migration 0040), with its completion."""
    session = db.session()
    passed = session.scalars(
        select(Attempt).where(Attempt.user_id == world["holder"], Attempt.passed.is_(True))
    ).all()
    if not passed:
        return
    last = chance.choice(passed)
    now = utcnow()
    quiz_id = last.quiz_id
    if world["modules"].get(quiz_key(EARLIER_ID)) == last.module_slug and chance.random() < 0.5:
        quiz_id = EARLIER_ID if quiz_id != EARLIER_ID else last.quiz_id
    number = session.scalar(
        select(func.max(Attempt.number)).where(
            Attempt.user_id == last.user_id, Attempt.quiz_id == quiz_id
        )
    )
    again = Attempt(
        user_id=last.user_id,
        quiz_id=quiz_id,
        module_slug=last.module_slug,
        number=(number or 0) + 1,
        status="graded",
        selection=last.selection,
        quiz_settings=last.quiz_settings,
        started_at=now,
        submitted_at=now,
        percent=100,
        passed=True,
    )
    session.add(again)
    session.flush()
    learning.record(again.user_id, again.module_slug, quiz_key(quiz_id))
    earlier = session.scalar(select(Certificate).where(Certificate.attempt_id == last.id))
    if earlier is not None and chance.random() < 0.7:
        certificate = Certificate(
            code=secrets.token_hex(8),
            user_id=again.user_id,
            module_slug=again.module_slug,
            attempt_id=again.id,
            issued_at=now,
            holder_name=earlier.holder_name,
            holder_profession=earlier.holder_profession,
            module_title=earlier.module_title,
            cpd_minutes=earlier.cpd_minutes,
            learning_outcomes=earlier.learning_outcomes,
            competencies=earlier.competencies,
        )
        session.add(certificate)
        session.flush()
        session.add(
            Credential(
                certificate_id=certificate.id,
                credential_id=f"urn:uuid:{uuid.uuid4()}",
                status_list=1,
                status_index=certificate.id,
                key_id="k",
                issued_at=now,
            )
        )
    session.commit()


def erase(world, chance):
    erasure.erase(session_user(chance, world).id)


def recompute(world, chance):
    rating_recompute.recompute_levels(catalogue(), workers=1)


def compact(world, chance):
    dashboard_counts.compact(db.session().connection())
    db.session().commit()


OPERATIONS = (
    rate, rate, rate, complete, complete, new_learner, place, place, leave_team, remove,
    move_organisation, change_profession, change_role, erase, recompute, compact, revoke,
    revoke, pass_again, pass_again,
)  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_equal_a_recount_after_any_sequence_of_changes(app, client, make_user, seed):
    world = make_world(app)
    # One learner with real evidence from a graded quiz, so re-rating rewrites their ratings.
    make_user(email="graded@example.org", org="Riverside PCN")
    sign_in(client, "graded@example.org")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        world["learners"].append(
            db.session().scalar(select(User.id).where(User.email == "graded@example.org"))
        )
    pass_module(app, client, "graded@example.org", module)
    # A second certificate, so revocations meet passes of more than one module.
    with app.app_context():
        second = [m for m in catalogue().modules if m.assessment][1]
    pass_module(app, client, "graded@example.org", second)
    world["holder"] = world["learners"][-1]
    assert differences(app) == 0
    chance = random.Random(seed)
    for step in range(40):
        operation = chance.choice(OPERATIONS)
        with app.app_context():
            operation(world, chance)
        assert differences(app) == 0, (step, operation.__name__)


def test_the_dashboard_reads_the_kept_counts_and_they_match_the_recount(app, make_user):
    world = make_world(app, learners=12)
    chance = random.Random(5)
    with app.app_context():
        for _ in range(20):
            complete(world, chance)
        organisation_id = world["organisations"][0][0]
        shown = manage.grid(organisation_id, catalogue())
        kept = manage.summary(organisation_id, catalogue(), shown.framework, shown)
        # The same figures counted from the ratings, with a filter that the counts do not
        # serve (a search every learner matches).
        searched = manage.grid(organisation_id, catalogue(), search="learner")
        counted = manage.summary(organisation_id, catalogue(), searched.framework, searched)
    assert kept.levels and kept.levels == counted.levels
    assert kept.learners == counted.learners
    assert any(kept.completed.values()) and kept.completed == counted.completed
    assert kept.completions_by_month == counted.completions_by_month


def test_seeding_rebuilds_the_counts(app, runner):
    result = runner.invoke(args=["seed-demo", "--learners", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session().scalar(select(CompetencyLevel.id).limit(1)) is not None
    assert differences(app) == 0


def test_concurrent_gradings_and_team_moves_keep_the_counts(app):
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    world = make_world(app, learners=6)
    errors = []

    def work(seed: int):
        chance = random.Random(seed)
        try:
            for _ in range(15):
                with app.app_context():
                    chance.choice((rate, rate, place, leave_team, change_profession))(world, chance)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert differences(app) == 0
    with app.app_context():
        assert db.session().scalar(select(Organisation.id).limit(1)) is not None


def test_compacting_leaves_one_row_a_key_and_the_same_counts(app, runner):
    world = make_world(app)
    chance = random.Random(9)
    with app.app_context():
        for _ in range(6):
            rate(world, chance)
        before = db.session().scalar(select(func.count()).select_from(DashboardCountChange))
    result = runner.invoke(args=["compact-dashboard-counts"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = db.session().scalar(select(func.count()).select_from(DashboardCountChange))
        keys = db.session().execute(dashboard_counts.kept()).all()
    assert after == len(keys) < before
    assert differences(app) == 0


def test_an_update_is_counted_by_what_it_changes_whatever_else_it_touches(app):
    """Statements rewriting many ratings at once, as a grade's re-rating or a repair might.

    Only a change of learner, competency or level moves a count: a statement changing
    none adds no count rows (PostgreSQL returns early); one that changes the rows' ids
    along with their levels, or swaps levels between rows, is still counted exactly.
    """
    world = make_world(app)
    learner = world["learners"][0]
    postgresql = app.extensions["linkwise.engine"].dialect.name == "postgresql"

    def kept_rows() -> int:
        return db.session().scalar(select(func.count()).select_from(DashboardCountChange))

    with app.app_context():
        session = db.session()
        before = kept_rows()
        session.execute(text("UPDATE competency_level SET score = score + 1, evidence_count = 4"))
        session.commit()
        if postgresql:
            assert kept_rows() == before
        assert differences(app) == 0
        # New ids and a level each, in one statement: no row after has its row before.
        session.execute(
            text(
                "UPDATE competency_level SET id = id + 100000, level = CASE level "
                "WHEN 'Secure' THEN 'Developing' ELSE 'Secure' END WHERE user_id = :learner"
            ),
            {"learner": learner},
        )
        session.commit()
        assert differences(app) == 0
        # Two ratings of one learner swap levels: the same levels, each row changed.
        first, second = session.scalars(
            select(CompetencyLevel.id)
            .where(CompetencyLevel.user_id == world["learners"][1])
            .order_by(CompetencyLevel.id)
            .limit(2)
        ).all()
        session.execute(
            text(
                "UPDATE competency_level SET level = CASE id WHEN :first THEN 'Secure' "
                "ELSE 'Not yet' END WHERE id IN (:first, :second)"
            ),
            {"first": first, "second": second},
        )
        session.commit()
        assert differences(app) == 0
        # A rating moved to another competency.
        session.execute(
            text("UPDATE competency_level SET competency_code = :code WHERE id = :first"),
            {"code": "MOVED", "first": first},
        )
        session.commit()
        assert differences(app) == 0


def placing_steps(user_id: int, team_id: int) -> int:
    """Return how many steps of SQLite's engine placing the learner in the team took.

    SQLite calls the progress handler every N virtual machine instructions: with N = 1 the
    calls count the work a statement and its triggers did, the same on every machine.
    """
    session = db.session()
    driver = session.connection().connection.driver_connection
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    driver.set_progress_handler(step, 1)
    try:
        session.execute(TeamMember.__table__.insert().values(user_id=user_id, team_id=team_id))
    finally:
        driver.set_progress_handler(None, 1)
    session.commit()
    return steps


def test_placing_a_learner_reads_their_own_counted_rows_not_everyones(app, database_url):
    # Migration 0023: SQLite did not carry the learner from a trigger into the view of what
    # each learner counts, so every placement read every learner's ratings and passes.
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL carries the learner into the view by itself")
    world = make_world(app)
    first, second = world["learners"][0], world["learners"][3]  # two ratings each
    teams_of = {organisation: team for team, _, organisation in world["teams"]}
    with app.app_context():
        session = db.session()
        organisation_of = dict(session.execute(select(User.id, User.organisation_id)).all())
        alone = placing_steps(first, teams_of[organisation_of[first]])
        for n in range(300):  # others, with all the ratings they can have
            user = User(
                email=f"other{n}@example.org",
                full_name=f"Other {n}",
                password_hash="scrypt:none",
                profession="gp",
                role="learner",
                organisation_id=world["organisations"][0][0],
                professional_confirmed_at=datetime.now(UTC),
                professional_confirmed_as="gp",
                session_token=secrets.token_hex(8),
            )
            session.add(user)
            session.flush()
            for code in world["codes"]:
                session.add(rating(user.id, user.organisation_id, code, "Secure"))
        session.commit()
        among_many = placing_steps(second, teams_of[organisation_of[second]])

    assert among_many < alone * 1.5, (alone, among_many)
    assert differences(app) == 0


def module_completions(page: str, module) -> tuple[str, str]:
    """Return the dashboard's completions of a module and its completions-by-month section."""
    summary = page.split(f"{module.title}</dt>", 1)[1].split("</dd>", 1)[0]
    months = page.split("Modules completed for the first time, by month</h2>", 1)[1].split(
        "<h2", 1
    )[0]
    return summary, months


def test_a_revoked_pass_leaves_the_dashboards_completions_and_the_recount_agrees(
    app, client, pcn, make_user
):
    from tests.web.test_credentials import admin_client

    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    code = pass_module(app, learner, "asha@example.org", module)
    sign_in(client, "lead@example.org")
    summary, months = module_completions(client.get("/manage/").text, module)
    assert "1 completed" in summary and 'numeric">1</td>' in months

    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code}"
    revoked = revoking.revoke(admin, code, "Sat by another")
    assert revoked.status_code == 302 and "Sat by another" in admin.get(page).text
    assert differences(app) == 0
    # Kept counts (the dashboard as it opens) and a count afresh (a search) say the same.
    for url in ("/manage/", "/manage/?q=asha"):
        summary, months = module_completions(client.get(url).text, module)
        assert "0 completed" in summary, url
        nobody = "None of the learners your filters select" if "?" in url else "No learner"
        assert f"{nobody} has completed a module yet." in months, url
    with app.app_context():
        organisation_id = db.session().scalar(
            select(User.organisation_id).where(User.id == pcn["asha"])
        )
        shown = manage.summary(organisation_id, catalogue())
    assert not any(shown.completed.values()) and shown.completions_by_month == []

    # Were a revocation ever undone (by hand: Linkwise offers no way), the pass comes back.
    with app.app_context():
        db.session().execute(text("UPDATE credential SET revoked_at = NULL"))
        db.session().commit()
    assert differences(app) == 0
    summary, months = module_completions(client.get("/manage/").text, module)
    assert "1 completed" in summary and 'numeric">1</td>' in months


def test_a_revoked_certificates_passes_stay_out_of_the_counts_whatever_moves(
    app, client, runner, pcn
):
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    sign_in(client, "asha@example.org")
    code = pass_module(app, client, "asha@example.org", module)
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Sat by another"])
    assert result.exit_code == 0, result.output
    assert differences(app) == 0
    asha, key = pcn["asha"], quiz_key(module.assessment.id)

    def passes_kept() -> int:
        with app.app_context():
            return db.session().scalar(
                select(func.coalesce(func.sum(DashboardCountChange.change), 0)).where(
                    DashboardCountChange.kind == dashboard_counts.PASSED
                )
            )

    assert passes_kept() == 0

    def completion(sql: str, **values) -> None:
        with app.app_context():
            db.session().execute(text(sql), {"user": asha, "key": key, **values})
            db.session().commit()
        assert differences(app) == 0, sql

    # The completion's one pass is withdrawn: wherever its date goes, and written again, it
    # stays out (migration 0036: the passes decide, not the completion's date).
    later = datetime(2099, 1, 1, tzinfo=UTC)
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    moved = "UPDATE completion SET completed_at = :at WHERE user_id = :user AND item_key = :key"
    completion(moved, at=later)
    assert passes_kept() == 0
    completion(moved, at=earlier)
    assert passes_kept() == 0
    completion("DELETE FROM completion WHERE user_id = :user AND item_key = :key")
    assert passes_kept() == 0
    added = (
        "INSERT INTO completion (user_id, module_slug, item_key, completed_at) "
        "VALUES (:user, :slug, :key, :at)"
    )
    completion(added, slug=module.slug, at=later)
    assert passes_kept() == 0
    completion("DELETE FROM completion WHERE user_id = :user AND item_key = :key")
    completion(added, slug=module.slug, at=earlier)
    assert passes_kept() == 0
    # A pass after the revocation (no certificate revoked since it) brings the completion
    # back; the pass removed (no path does) takes it out again.
    again = (
        "INSERT INTO attempt (user_id, quiz_id, module_slug, number, status, selection,"
        " quiz_settings, revision, started_at, submitted_at, percent, passed)"
        " SELECT user_id, quiz_id, module_slug, number + 1, status, selection, quiz_settings,"
        " revision, :at, :at, percent, passed FROM attempt WHERE user_id = :user"
    )
    completion(again, at=later)
    assert passes_kept() == 1
    completion("DELETE FROM attempt WHERE user_id = :user AND submitted_at = :at", at=later)
    assert passes_kept() == 0
    # The learner moves team and profession: nothing of the revoked pass goes with them.
    for args in (
        ["place-in-team", "asha@example.org", "Riverside PCN", "Oak Practice"],
        ["set-role", "asha@example.org", "trainer"],
        ["set-role", "asha@example.org", "learner"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert differences(app) == 0, args
    with app.app_context():
        profile.update_details(asha, full_name="Asha Elm", profession="gp", registration_number="")
    assert differences(app) == 0
    # A credential removed (no path does) or issued already revoked keeps the counts too.
    with app.app_context():
        session = db.session()
        row = dict(session.execute(select(Credential.__table__)).mappings().one())
        session.execute(text("DELETE FROM credential"))
        session.commit()
        assert differences(app) == 0
        session.execute(Credential.__table__.insert().values(**row))
        session.commit()
    assert differences(app) == 0 and passes_kept() == 0
    with app.app_context():
        erasure.erase(asha)
    assert differences(app) == 0


def test_a_renewal_is_not_counted_again_and_the_chart_says_so(app, client, pcn):
    from tests.web.journeys import renew

    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    pass_module(app, learner, "asha@example.org", module)
    renew(app, learner, pcn["asha"], module)
    assert differences(app) == 0
    sign_in(client, "lead@example.org")
    for url in ("/manage/", "/manage/?q=asha"):  # kept counts, and a count afresh
        page = client.get(url).text
        summary, months = module_completions(page, module)
        assert "1 completed" in summary and 'numeric">1</td>' in months, url
        assert "a renewal is not counted again here" in months
