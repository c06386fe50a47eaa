"""The linkwise command line: organisations, users, roles, demo data, migrations."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from app import create_app, db
from app.cli import alembic_config
from app.content import catalogue
from app.models import AuditEvent, Base, CompetencyLevel, Organisation, User
from app.models_practice import ConfirmationClosure, ConfirmationRequest, Supervisor
from app.models_teams import Leaver, TeamMember
from app.services import manage
from tests.conftest import PRODUCTION
from tests.issuer_key import TEST_ISSUER_PEM

from .cli_helpers import run_linkwise


def test_create_org_prints_a_join_code(app, runner):
    result = runner.invoke(args=["create-org", "Northgate PCN"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        organisation = db.session().scalar(select(Organisation))
    assert organisation.join_code in result.output
    assert len(organisation.join_code) == 8


def test_create_user_with_role_and_org(app, runner):
    runner.invoke(args=["create-org", "Northgate PCN"])
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.org",
            "--name",
            "Mo Manager",
            "--role",
            "manager",
            "--org",
            "Northgate PCN",
            "--password",
            "lighthouse tides 2026",
        ],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session().scalar(select(User))
        assert (user.role, user.organisation.name) == ("manager", "Northgate PCN")


def test_a_manager_needs_an_organisation(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "m@example.org",
            "--name",
            "Mo",
            "--role",
            "manager",
            "--password",
            "lighthouse tides 2026",
        ],
    )
    assert result.exit_code != 0
    assert "must belong to an organisation" in result.output


def test_set_role_is_audit_logged_with_its_actor(app, runner, make_user):
    import getpass

    make_user()
    result = runner.invoke(args=["set-role", "learner@example.org", "trainer"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "role.changed"))
        learner_id = db.session().scalar(select(User.id))
    assert event.detail == {"old": "learner", "new": "trainer", "os_user": getpass.getuser()}
    assert (event.via, event.subject_id) == ("cli", learner_id)


def test_set_role_moving_someone_names_the_organisations_in_the_audit_log(app, runner, make_user):
    make_user(email="lee@example.org", role="manager", org="Riverside PCN")
    make_user(email="sam@example.org")  # in no organisation
    assert runner.invoke(args=["create-org", "Hillside PCN"]).exit_code == 0
    for email in ("lee@example.org", "sam@example.org"):
        moved = runner.invoke(args=["set-role", email, "manager", "--org", "Hillside PCN"])
        assert moved.exit_code == 0, moved.output
    with app.app_context():
        ids = dict(db.session().execute(select(Organisation.name, Organisation.id)).all())
        lee, sam = (
            db.session().scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.kind == "role.changed")
                .order_by(AuditEvent.id)
            )
        ).all()
    # The same role, another organisation: the event says which, from and to.
    assert (lee["old"], lee["new"]) == ("manager", "manager")
    assert {key: value for key, value in lee.items() if "organisation" in key} == {
        "old_organisation_id": ids["Riverside PCN"],
        "old_organisation": "Riverside PCN",
        "new_organisation_id": ids["Hillside PCN"],
        "new_organisation": "Hillside PCN",
    }
    assert {key: value for key, value in sam.items() if "organisation" in key} == {
        "new_organisation_id": ids["Hillside PCN"],
        "new_organisation": "Hillside PCN",
    }
    printed = runner.invoke(args=["audit", "--kind", "role.changed"]).output
    assert "old_organisation=Riverside PCN" in printed


def _levels_counted(organisation_id: int) -> tuple[dict, dict]:
    """Return the organisation's levels counted from the ratings, and as its dashboard keeps
    them."""
    counted = manage.summary(organisation_id, catalogue()).levels
    shown = manage.grid(organisation_id, catalogue())
    return counted, manage.summary(organisation_id, catalogue(), shown.framework, shown).levels


def test_set_role_moving_someone_takes_them_out_of_the_old_organisation_as_a_leaver(
    app, runner, pcn
):
    # Asha (Elm Practice) supervises in Riverside PCN: Ben's request waits for her, hers for
    # Ben. She has two competencies rated there.
    for email in ("asha@example.org", "ben@example.org"):
        assert runner.invoke(args=["set-supervisor", email]).exit_code == 0
    assert runner.invoke(args=["create-org", "Hillside PCN"]).exit_code == 0
    asha, ben = pcn["asha"], pcn["ben"]
    asked, rated = "SPLW-1.4", {"SPLW-1.1": "Secure", "SPLW-1.2": "Developing"}
    with app.app_context():
        session = db.session()
        ids = dict(session.execute(select(Organisation.name, Organisation.id)).all())
        riverside, hillside = ids["Riverside PCN"], ids["Hillside PCN"]
        for code, level in rated.items():
            session.add(
                CompetencyLevel(
                    user_id=asha,
                    organisation_id=riverside,
                    competency_code=code,
                    level=level,
                    score=50.0,
                    evidence_count=3,
                )
            )
        requests = [
            ConfirmationRequest(
                user_id=learner,
                organisation_id=riverside,
                supervisor_id=supervisor,
                competency_code=asked,
            )  # fmt: skip
            for learner, supervisor in ((ben, asha), (asha, ben))
        ]
        session.add_all(requests)
        session.commit()
        for_asha, from_asha = (request.id for request in requests)
        assert _levels_counted(riverside)[0] == {code: {rated[code]: 1} for code in rated}

    for _ in range(2):  # the second finds her moved: nothing changes
        moved = runner.invoke(
            args=["set-role", "asha@example.org", "learner", "--org", "Hillside PCN"]
        )
        assert moved.exit_code == 0, moved.output
    assert "asha@example.org is already a learner" in moved.output

    with app.app_context():
        session = db.session()
        left = session.execute(
            select(Leaver.organisation_id, Leaver.team_name, Leaver.removed_by).where(
                Leaver.user_id == asha
            )
        ).all()
        assert left == [(riverside, "Elm Practice", None)]  # the command's actor: none
        assert session.get(TeamMember, asha) is None
        # Her ratings are counted where she is now, from the ratings and as kept alike.
        assert _levels_counted(riverside) == ({}, {})
        here = {code: {rated[code]: 1} for code in rated}
        assert _levels_counted(hillside) == (here, here)
        # No longer Riverside's supervisor: should she come back, she is not one again.
        assert session.get(Supervisor, asha) is None
        closures = select(ConfirmationClosure.request_id, ConfirmationClosure.reason)
        closed = dict(session.execute(closures).all())
        assert closed == {for_asha: "supervisor", from_asha: "learner_left"}
        events = session.execute(
            select(AuditEvent.kind, AuditEvent.via, AuditEvent.detail)
            .where(AuditEvent.subject_id.in_((asha, ben)))
            .order_by(AuditEvent.id)
        ).all()
    moving = [
        (kind, via, detail.get("reason"))
        for kind, via, detail in events
        if kind in ("supervisor.removed", "practice.closed", "role.changed")
    ]
    assert moving == [
        ("supervisor.removed", "cli", "left the organisation"),
        ("practice.closed", "cli", "supervisor"),
        ("practice.closed", "cli", "learner_left"),
        ("role.changed", "cli", None),
    ]


def test_seed_demo_loads_four_accounts_once(app, runner):
    first = runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo"])
    assert "learner@example.org" in first.output
    assert "linkwise-demo-2026" in first.output
    with app.app_context():
        roles = sorted(db.session().scalars(select(User.role)).all())
    assert roles == ["admin", "learner", "manager", "trainer"]


def test_seed_demo_is_refused_in_production(database_url):
    app = create_app({**PRODUCTION, "DATABASE_URL": database_url})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output


def built_here(dialect: str):
    """Return Alembic's include_object: a model's object unless its DDL is for another dialect."""

    def include(item, name, type_, reflected, compare_to):
        rule = getattr(item, "_ddl_if", None)
        return reflected or rule is None or rule.dialect in (None, dialect)

    return include


def test_migrations_build_exactly_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": built_here(engine.dialect.name)},
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path}/m.db"
    command.upgrade(alembic_config(url), "head")
    command.downgrade(alembic_config(url), "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(alembic_config(url), "head")
    assert {"user_account", "organisation", "audit_event"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_validate_passes_the_shipped_content():
    result = run_linkwise("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr


# The only warnings the trainers' guide (section 8) calls expected while a course is written.
EXPECTED_WARNINGS = (
    r": warning: competency \S+ cannot be rated: ",
    r": warning: competency \S+ (?:may never|cannot) be rated: an attempt at each assessment "
    r"is sure to ask \d+ different questions? aligned with it",
)


def test_the_shipped_content_has_no_warning_the_guide_does_not_expect():
    result = run_linkwise("validate")
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    unexpected = [w for w in warnings if not any(re.search(p, w) for p in EXPECTED_WARNINGS)]
    assert unexpected == []
    assert result.stderr.strip() == f"0 errors, {len(warnings)} warning" + "s" * (
        len(warnings) != 1
    )


def test_validate_reports_every_planted_error_with_file_and_line():
    result = run_linkwise("validate", "tests/domain/fixtures/broken")
    assert result.returncode == 1
    broken = "tests/domain/fixtures/broken/modules"
    for expected in [
        f"{broken}/bad-yaml/module.md:4: error: invalid YAML",
        f"{broken}/faults/01-intro.md:1: error: screen is missing required key 'title'",
        f"{broken}/faults/02-pictures.md:6: error: image 'chart.svg' has no alt text",
        f"{broken}/faults/module.md:11: error: competency 'TNY-1.2' is not in any framework "
        "(did you mean 'TINY-1.2'?)",
        f"{broken}/faults/03-links.md:6: error: link 'screen:pictres'",
        f"{broken}/faults/02-twice.md:1: error: screen number 02 is also used by 02-pictures.md",
    ]:
        assert expected in result.stdout, expected


def test_validate_answers_2_on_a_usage_error():
    assert run_linkwise("validate", "/no/such/path").returncode == 2


def test_in_production_the_app_refuses_to_start_on_invalid_content_and_prints_the_lines():
    broken = {
        "LINKWISE_ENV": "production",
        "SECRET_KEY": "a-test-secret",
        "LINKWISE_BASE_URL": "https://learn.example.org",
        "LINKWISE_PRIVACY_CONTROLLER": "Example PCN",
        "LINKWISE_PRIVACY_CONTACT": "privacy@example.org",
        "LINKWISE_SMTP_URL": "smtp://127.0.0.1:1?tls=none",
        "LINKWISE_ISSUER_KEY": TEST_ISSUER_PEM,
        "LINKWISE_CONTENT_DIR": "tests/domain/fixtures/broken",
        "LINKWISE_COMPETENCIES_DIR": "tests/domain/fixtures/broken/competencies",
    }
    # The server, as `linkwise run` (gunicorn builds the app as create_app() does too).
    result = run_linkwise("run", "--port", "1", env=broken)
    assert result.returncode == 1
    assert "02-pictures.md:6: error: image 'chart.svg' has no alt text" in result.stderr
    assert "will not start" in result.stderr


def test_import_text2qti_leaves_only_competencies_and_outcomes_to_fill_in(tmp_path):
    # Named like the module's assessment, it takes that module and kind, and replaces the
    # installed assessment when validated.
    target = tmp_path / "drafts" / "referral-routes-assessment.md"
    target.parent.mkdir()  # the command makes no folder
    source = "tests/domain/quizzes/fixtures/text2qti/numbers-and-pools.txt"
    result = run_linkwise("import-text2qti", source, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "ID: referral-routes-assessment-q1" in target.read_text()
    assert "module: referral-routes\n" in target.read_text()
    assert f"run `linkwise validate {target}`" in result.stderr
    checked = run_linkwise("validate", str(target))
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert errors and all(
        "has no Competencies" in line or "has no Outcomes" in line for line in errors
    ), checked.stdout


def test_validate_covers_quizzes_and_reports_lines(tmp_path):
    quiz = tmp_path / "quizzes" / "broken.md"
    quiz.parent.mkdir()
    quiz.write_text(
        "---\nid: broken\nmodule: referral-routes\ntitle: Broken\nkind: assessment\n"
        "pass_mark: 80\nshuffle_answers: false\nshuffle_questions: false\n"
        "show_correct_answers: never\n---\nID: b-q1\nCompetencies: SPLW-4.1\n"
        "1.  Which route?\na)  One\nb)  Two\n"
    )
    result = run_linkwise("validate", str(quiz))
    assert result.returncode == 1
    assert f"{quiz}:13: error: question 1 has no correct answer" in result.stdout


def test_validate_warns_at_the_line_of_each_competency_too_few_questions_cover(tmp_path):
    # Two competencies added to a copy of the course that no module teaches yet.
    import shutil

    shutil.copytree("competencies", tmp_path / "competencies")
    shutil.copytree("content", tmp_path / "content")
    framework = tmp_path / "competencies" / "splw.yaml"
    framework.write_text(
        framework.read_text()
        + "      - code: SPLW-8.8\n        name: One\n        statement: Not taught.\n"
        + "      - code: SPLW-8.9\n        name: Two\n        statement: Not taught.\n"
    )
    installed = {
        "LINKWISE_CONTENT_DIR": str(tmp_path / "content"),
        "LINKWISE_COMPETENCIES_DIR": str(tmp_path / "competencies"),
    }
    result = run_linkwise("validate", env=installed)
    assert result.returncode == 0, result.stdout
    warnings = [line for line in result.stdout.splitlines() if "cannot be rated" in line]
    assert len(warnings) == 2 and all(w.startswith(f"{framework}:") for w in warnings), warnings
    text = framework.read_text().splitlines()
    for line in warnings:
        number, code = int(line.split(":")[1]), line.split("competency ")[1].split(" ")[0]
        assert code in text[number - 1]
