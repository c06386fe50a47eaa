"""Generated demo learners: how many, where, repeatable, and rated as the app would rate them."""

import gc
import json
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from app import create_app, db
from app.config import PROJECT_ROOT
from app.content import catalogue, load
from app.domain.competencies import Evidence, attainment
from app.domain.content import quiz_key
from app.domain.seeding import Course, learners
from app.models import Attempt, Certificate, CompetencyLevel, Completion, Organisation, User
from app.models import Evidence as EvidenceRow
from app.services import seed_batches, seeding
from tests.conftest import DEMO_PASSWORD, PRODUCTION, sign_in

DEMO_ORGANISATION = "Demo Primary Care Network"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def course():
    """Return the shipped course as the generator sees it, without an app."""
    result = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies")
    return Course(result.catalogue)


def seed(runner, *args):
    """Run seed-demo with these arguments and return its output, failing on an error."""
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def utc(moment: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite hands back naive UTC times)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def learners_in(organisation: str) -> int:
    """Count the seeded learners (not the demo accounts) in an organisation."""
    return db.session().scalar(
        select(func.count(User.id))
        .join(Organisation)
        .where(Organisation.name == organisation, User.email.like("learner-%"))
    )


def test_seeding_learners_adds_them_to_the_demo_organisation(app, runner):
    output = seed(runner, "--learners", "200", "--seed", "7")
    assert "learner@example.org" in output  # the demo accounts come first, as before
    assert "Added 200 learners" in output and "learners a minute" in output
    with app.app_context():
        assert learners_in(DEMO_ORGANISATION) == 200
        assert db.session().scalar(select(func.count(EvidenceRow.id))) > 0
        professions = set(db.session().scalars(select(User.profession)))
    assert {"link-worker", "practice-nurse", "gp", "pharmacist"} <= professions


def test_seeding_the_same_seed_twice_adds_more_learners(app, runner):
    seed(runner, "--learners", "200", "--seed", "7")
    seed(runner, "--learners", "200", "--seed", "7")
    with app.app_context():
        emails = db.session().scalars(select(User.email).where(User.email.like("learner-%")))
        assert len(set(emails)) == 400
        assert learners_in(DEMO_ORGANISATION) == 400


def test_stored_levels_equal_attainment_of_the_stored_evidence(app, runner):
    seed(runner, "--learners", "200", "--seed", "3")
    with app.app_context():
        session, course = db.session(), catalogue()
        user_ids = session.scalars(
            select(CompetencyLevel.user_id).distinct().order_by(CompetencyLevel.user_id).limit(40)
        ).all()
        assert user_ids
        evidence = defaultdict(list)
        rows = session.execute(
            select(EvidenceRow.user_id, EvidenceRow.competency_code, EvidenceRow.score)
            .add_columns(EvidenceRow.recorded_at, EvidenceRow.question_id, EvidenceRow.quiz_id)
            .where(EvidenceRow.user_id.in_(user_ids))
        )
        # A rating counts different questions: each result names the one it answers.
        for user_id, code, score, at, question_id, quiz_id in rows:
            evidence[user_id, code].append(Evidence(score, utc(at), question_id, quiz_id))
        levels = session.scalars(
            select(CompetencyLevel).where(CompetencyLevel.user_id.in_(user_ids))
        ).all()
    assert {(level.user_id, level.competency_code) for level in levels} == set(evidence)
    for level in levels:
        found = evidence[level.user_id, level.competency_code]
        framework = course.framework(course.competency(level.competency_code).framework_id)
        expected = attainment(found, framework)
        assert (level.level, level.evidence_count) == (expected.level, expected.evidence_count)
        assert level.score == pytest.approx(expected.score)
        assert utc(level.last_evidence_at) == max(e.at for e in found)


def test_each_attempt_has_evidence_for_every_competency_of_the_questions_drawn(app, runner):
    seed(runner, "--learners", "100", "--seed", "4")
    with app.app_context():
        session, course = db.session(), catalogue()
        attempts = session.scalars(select(Attempt)).all()
        drawn = defaultdict(list)
        for attempt_id, question_id, code in session.execute(
            select(EvidenceRow.attempt_id, EvidenceRow.question_id, EvidenceRow.competency_code)
        ):
            drawn[attempt_id].append((question_id, code))
    assert attempts
    for attempt in attempts:
        quiz = course.module(attempt.module_slug).assessment
        expected = [
            (entry["question"], code)
            for entry in attempt.selection
            for code in quiz.question(entry["question"]).competencies
        ]
        assert sorted(drawn[attempt.id]) == sorted(expected)
        assert attempt.status == "graded" and attempt.passed == (attempt.percent >= quiz.pass_mark)


def test_seeded_progress_follows_the_gating_order(app, runner):
    seed(runner, "--learners", "150", "--seed", "5")
    with app.app_context():
        session, course = db.session(), catalogue()
        done = defaultdict(set)
        for user_id, slug, key in session.execute(
            select(Completion.user_id, Completion.module_slug, Completion.item_key)
        ):
            done[user_id, slug].add(key)
        attempts = session.execute(select(Attempt.user_id, Attempt.module_slug, Attempt.passed))
        passed = {(user_id, slug) for user_id, slug, ok in attempts if ok}
        certificates = set(session.execute(select(Certificate.user_id, Certificate.module_slug)))
    states = set()
    for (user_id, slug), keys in done.items():
        module = course.module(slug)
        screens = [key for key in module.screen_item_keys if key in keys]
        assert screens == list(module.screen_item_keys[: len(screens)])  # always a prefix
        assert (quiz_key(module.assessment.id) in keys) == ((user_id, slug) in passed)
        states.add(
            "passed" if (user_id, slug) in passed else len(screens) == len(module.screen_item_keys)
        )
    assert certificates == passed
    assert states == {"passed", True, False}  # some finished, some part way, some passed


def test_seeded_certificates_record_their_holder_and_module_as_issuing_does(app, runner):
    seed(runner, "--learners", "40", "--seed", "5")
    with app.app_context():
        course = catalogue()
        rows = db.session().execute(select(Certificate, User).join(User)).all()
    assert rows
    for certificate, user in rows:
        module = course.module(certificate.module_slug)
        assert (
            certificate.holder_name,
            certificate.holder_profession,
            certificate.holder_registration_number,
        ) == (user.full_name, user.profession, user.registration_number)
        assert (certificate.module_title, certificate.cpd_minutes) == (
            module.title,
            module.cpd_minutes,
        )
        assert certificate.learning_outcomes == list(module.learning_outcomes)
        assert certificate.competencies == [
            [code, course.competency(code).name] for code in module.competency_codes
        ]
        # Who the module named as its clinical reviewer, as a certificate issued now records.
        assert certificate.clinical_reviewer == module.provenance.clinical_reviewer


def test_seeding_into_another_organisation_creates_it(app, runner):
    seed(runner, "--learners", "50", "--seed", "1", "--org", "Northgate PCN")
    with app.app_context():
        assert learners_in("Northgate PCN") == 50
        assert learners_in(DEMO_ORGANISATION) == 0
        organisation_ids = set(db.session().scalars(select(EvidenceRow.organisation_id)))
        northgate = db.session().scalar(
            select(Organisation.id).where(Organisation.name == "Northgate PCN")
        )
    assert organisation_ids == {northgate}


def test_seeded_learners_sign_in_with_the_demo_password(app, runner, client):
    seed(runner, "--learners", "5", "--seed", "9")
    response = sign_in(client, "learner-9-3@example.org", app.config["DEMO_PASSWORD"])
    assert response.status_code == 302


def test_seeding_learners_is_refused_in_production(database_url):
    app = create_app({**PRODUCTION, "DATABASE_URL": database_url})
    result = app.test_cli_runner().invoke(args=["seed-demo", "--learners", "10", "--seed", "1"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 0
    app.extensions["linkwise.engine"].dispose()


def test_the_same_seed_draws_the_same_learners_and_another_seed_others(course):
    first = list(learners(course, 1, 1, 30, NOW))
    assert first == list(learners(course, 1, 1, 30, NOW))
    assert first[10:] == list(learners(course, 1, 11, 20, NOW))  # however the run is split
    others = list(learners(course, 2, 1, 30, NOW))
    assert [a.full_name for a in first] != [b.full_name for b in others]


def test_drawing_makes_no_reference_cycles_so_batches_draw_with_the_collector_off(course):
    # Batches are drawn with the cycle collector off: that is only safe while drawing
    # leaves nothing for it to find, and the collector is on again afterwards.
    gc.collect()
    with seed_batches.no_cycle_collection():
        assert not gc.isenabled()
        drawn = list(learners(course, 3, 1, 40, NOW))
        del drawn
        assert gc.collect() == 0
    assert gc.isenabled()


def test_several_processes_draw_the_same_learners_and_every_reference_holds(app):
    with app.app_context():
        report = seeding.seed_learners(
            150, 11, DEMO_PASSWORD, "Parallel PCN", batch_size=40, workers=3
        )
        session = db.session()
        people = dict(
            session.execute(
                select(User.email, User.profession)
                .join(Organisation)
                .where(Organisation.name == "Parallel PCN")
            ).all()
        )
        evidence = session.scalar(
            select(func.count(EvidenceRow.id))
            .join(User, User.id == EvidenceRow.user_id)
            .join(Organisation)
            .where(Organisation.name == "Parallel PCN")
        )
        evidence_astray = session.scalar(
            select(func.count(EvidenceRow.id))
            .outerjoin(Attempt, Attempt.id == EvidenceRow.attempt_id)
            .where((Attempt.id.is_(None)) | (Attempt.user_id != EvidenceRow.user_id))
        )
        certificates_astray = session.scalar(
            select(func.count(Certificate.code))
            .outerjoin(Attempt, Attempt.id == Certificate.attempt_id)
            .where((Attempt.id.is_(None)) | (Attempt.user_id != Certificate.user_id))
        )
        rows_astray = [
            session.scalar(
                select(func.count(model.id))
                .outerjoin(User, User.id == model.user_id)
                .where(User.id.is_(None))
            )
            for model in (Attempt, Completion, CompetencyLevel)
        ]
        expected = list(learners(Course(catalogue()), 11, 1, 150, NOW))
    assert report.learners == 150 and report.rows["user_account"] == 150
    # Professions are drawn first, before anything that depends on the time of the run.
    assert people == {learner.email: learner.profession for learner in expected}
    assert report.rows["evidence"] == evidence > 0
    assert evidence_astray == certificates_astray == 0
    assert rows_astray == [0, 0, 0]


def test_seeded_attempts_have_the_answers_grading_would_have_written(app, runner):
    from app.models import Answer
    from app.services.item_stats import item_report

    seed(runner, "--learners", "40", "--seed", "5")
    with app.app_context():
        session = db.session()
        attempts = session.scalars(select(Attempt)).all()
        assert attempts
        for attempt in attempts:
            answers = session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
            shown = {entry["question"]: entry["version"] for entry in attempt.selection}
            assert {a.question_id: a.question_version for a in answers} == shown
            assert sum(a.points for a in answers) == pytest.approx(attempt.points)
        report = item_report(attempts[0].quiz_id)
        assert report.attempts == sum(1 for a in attempts if a.quiz_id == attempts[0].quiz_id)
        assert all(row.figures.answered for row in report.questions)


def test_top_up_adds_only_the_learners_missing(app, runner):
    seed(runner, "--learners", "3", "--top-up")
    seed(runner, "--learners", "5", "--top-up")
    seed(runner, "--learners", "5", "--top-up")
    with app.app_context():
        assert learners_in(DEMO_ORGANISATION) == 5


def indexes_and_constraints() -> dict:
    """Return every index and unique constraint of the seeded tables, as the database has them."""
    inspector = inspect(db.engine())

    def text(found) -> str:  # a partial index's condition as its SQL
        return json.dumps(found, sort_keys=True, default=str)

    return {
        table: (
            sorted(map(text, inspector.get_indexes(table))),
            sorted(map(text, inspector.get_unique_constraints(table))),
            text(inspector.get_pk_constraint(table)),
        )
        for table in seeding.TABLES
    }


def test_seeding_into_empty_tables_leaves_every_index_and_constraint_as_it_was(app):
    with app.app_context():
        before = indexes_and_constraints()
        report = seeding.seed_learners(80, 4, DEMO_PASSWORD, "Index PCN", batch_size=20)
        db.session().close()
        after = indexes_and_constraints()
    assert report.rows["evidence"] > 0
    assert after == before


def test_a_seed_that_fails_part_way_leaves_whole_batches_and_every_index(app, monkeypatch):
    drawn = seed_batches.dependent_rows

    def fail_on_the_second_batch(*args):
        rows = drawn(*args)
        fail_on_the_second_batch.batches += 1
        if fail_on_the_second_batch.batches == 2:
            raise RuntimeError("the second batch fails")
        return rows

    fail_on_the_second_batch.batches = 0
    monkeypatch.setattr(seed_batches, "dependent_rows", fail_on_the_second_batch)
    with app.app_context():
        before = indexes_and_constraints()
        with pytest.raises(RuntimeError):
            seeding.seed_learners(80, 4, DEMO_PASSWORD, "Failing PCN", batch_size=20, workers=1)
        db.session().rollback()
        after = indexes_and_constraints()
        kept = learners_in("Failing PCN")
    assert after == before
    assert kept in (0, 20)  # all or nothing, or each batch whole (SQLite's own transactions)
