"""What the submit drill checks in the database once the requests are answered.

Each count is something that must never happen. The grade is recomputed from the stored
answers and the attempt's own question versions; levels are recomputed from the stored
evidence with the rating function; two counts read the log the drill's triggers wrote; the
dashboard's kept counts are compared with a recount of the ratings.
"""

from collections import Counter, defaultdict

TRIGGERS = """
CREATE TABLE drill_grading (attempt_id integer, xid bigint DEFAULT txid_current(),
  at timestamptz DEFAULT clock_timestamp());
CREATE TABLE drill_violation (kind text, attempt_id integer,
  at timestamptz DEFAULT clock_timestamp());

CREATE FUNCTION drill_attempt_graded() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'in-progress' AND NEW.status = 'graded' THEN
    INSERT INTO drill_grading (attempt_id) VALUES (NEW.id);
  ELSIF OLD.status = 'graded' AND (NEW.status, NEW.points, NEW.percent, NEW.passed,
        NEW.submitted_at) IS DISTINCT FROM (OLD.status, OLD.points, OLD.percent, OLD.passed,
        OLD.submitted_at) THEN
    INSERT INTO drill_violation (kind, attempt_id) VALUES ('graded-again', NEW.id);
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER drill_attempt_graded BEFORE UPDATE ON attempt
  FOR EACH ROW EXECUTE FUNCTION drill_attempt_graded();

-- An answer written to an attempt that another transaction graded (and committed: only
-- then is its drill_grading row visible here).
CREATE FUNCTION drill_answer_written() RETURNS trigger AS $$
DECLARE
  target integer := COALESCE(NEW.attempt_id, OLD.attempt_id);
BEGIN
  IF EXISTS (SELECT 1 FROM drill_grading g WHERE g.attempt_id = target
             AND g.xid <> txid_current()) THEN
    INSERT INTO drill_violation (kind, attempt_id) VALUES ('answer-after-grading', target);
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;
CREATE TRIGGER drill_answer_written BEFORE INSERT OR UPDATE OR DELETE ON answer
  FOR EACH ROW EXECUTE FUNCTION drill_answer_written();
"""


def install_triggers(app) -> None:
    """Add the logging triggers to the drill's own database."""
    with app.extensions["linkwise.engine"].begin() as connection:
        connection.exec_driver_sql(TRIGGERS)


def count_faults(app) -> dict[str, int]:
    """Read the database and count what must never happen (the 5xx count is the drill's)."""
    from sqlalchemy import func, select, text

    from app import db
    from app.models import Attempt
    from app.services import dashboard_counts

    with app.app_context():
        session = db.session()
        gradings = Counter(session.scalars(text("SELECT attempt_id FROM drill_grading")).all())
        violations = Counter(session.scalars(text("SELECT kind FROM drill_violation")).all())
        graded = session.scalars(select(Attempt).where(Attempt.status == "graded")).all()
        waiting = session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.status == "in-progress")
        )
        not_reproduced, late, evidence_wrong, evidence_rows = _attempts(session, graded)
        levels_wrong, levels = _levels(session)
        duplicates, uncertified = _certificates(session)
        unsigned, shared_places = _credentials(session)
        counts_wrong = dashboard_counts.differences(session.connection())
        started_twice = _started_twice(session)
        histories_wrong = _histories(session)
    print(
        f"drill: {waiting} attempts not graded: every submit they got came from a form older "
        "than an answer saved since, so it showed the latest answers instead",
        flush=True,
    )
    print(
        f"drill: {len(graded)} attempts graded, {evidence_rows} evidence rows, {levels} "
        f"competency levels; answers written to a graded attempt: "
        f"{violations['answer-after-grading']}, saved after its grading time: {late}",
        flush=True,
    )
    return {
        # The drill starts each quiz three times at once and never again: one attempt each.
        "quizzes started more than once by starts at once": started_twice,
        "attempts graded more than once": sum(1 for n in gradings.values() if n > 1)
        + violations["graded-again"],
        "graded attempts whose answers do not reproduce the grade": not_reproduced,
        # Two views of one fault (writes logged by the trigger, rows timed after grading).
        "answer rows changed after grading": max(violations["answer-after-grading"], late),
        "evidence rows missing or duplicated": evidence_wrong,
        "competency levels different from a recomputation": levels_wrong,
        "attempts with more than one certificate": duplicates,
        "passing final-quiz attempts without a certificate": uncertified,
        "certificates without one signed credential": unsigned,
        "credentials sharing a status list place": shared_places,
        "dashboard counts that differ from a recount": counts_wrong,
        "ratings whose history does not end in them": histories_wrong,
    }


def _attempts(session, graded) -> tuple[int, int, int, int]:
    """Grade each graded attempt again from its stored answers and versions; check evidence."""
    from sqlalchemy import select

    from app.domain.quizzes.attempts import grade
    from app.models import Answer, Evidence
    from app.services import quizzes

    answers, evidence = defaultdict(list), defaultdict(list)
    for row in session.scalars(select(Answer)):
        answers[row.attempt_id].append(row)
    for row in session.scalars(select(Evidence)):
        evidence[row.attempt_id].append(row)
    not_reproduced = late = evidence_wrong = 0
    for attempt in graded:
        shown = quizzes.questions_of(attempt).shown
        rows = answers[attempt.id]
        values = {row.question_id: row.response.get("value") for row in rows}
        again = grade(shown, values, attempt.quiz_settings["pass_mark"])
        marks = {m.question.id: m.points for m in again.marked}
        if (
            abs(again.points - attempt.points) > 1e-9
            or (again.percent, again.passed) != (attempt.percent, attempt.passed)
            or any(abs((r.points or 0) - marks.get(r.question_id, 0)) > 1e-9 for r in rows)
        ):
            not_reproduced += 1
        late += sum(1 for row in rows if row.saved_at > attempt.submitted_at)
        expected = Counter(
            (item.question.id, code) for item in shown for code in item.question.competencies
        )
        found = Counter((row.question_id, row.competency_code) for row in evidence[attempt.id])
        evidence_wrong += sum(((expected - found) + (found - expected)).values())
    return not_reproduced, late, evidence_wrong, sum(len(rows) for rows in evidence.values())


def _levels(session) -> tuple[int, int]:
    """Count stored levels that differ from rating each learner's evidence afresh.

    Evidence counts unless its attempt is a pass a revocation withdrew (revoked_pass).
    """
    from sqlalchemy import exists, select

    from app.content import catalogue
    from app.domain.competencies import Evidence as Result
    from app.domain.competencies import attainment
    from app.models import CompetencyLevel, Evidence, RevokedPass
    from app.services import quizzes

    course = catalogue()
    results = defaultdict(list)
    for user_id, code, score, at, question_id, quiz_id in session.execute(
        select(
            Evidence.user_id,
            Evidence.competency_code,
            Evidence.score,
            Evidence.recorded_at,
            Evidence.question_id,
            Evidence.quiz_id,
        ).where(~exists().where(RevokedPass.attempt_id == Evidence.attempt_id))
    ):
        results[user_id, code].append(Result(score, quizzes.aware(at), question_id, quiz_id))
    stored = {(r.user_id, r.competency_code): r for r in session.scalars(select(CompetencyLevel))}
    wrong = sum(1 for key in stored if key not in results)
    for key, found in results.items():
        rated = attainment(found, course.framework(course.competency(key[1]).framework_id))
        row = stored.get(key)
        if (
            row is None
            or (row.level, row.evidence_count) != (rated.level, rated.evidence_count)
            or (row.score is None) != (rated.score is None)
            or (row.score is not None and abs(row.score - rated.score) > 1e-6)
        ):
            wrong += 1
    return wrong, len(stored)


def _histories(session) -> int:
    """Count ratings whose latest rating_change row is missing or stands otherwise, and
    histories whose latest row says a rating stands where none does (migration 0046)."""
    from sqlalchemy import func, select

    from app.models import CompetencyLevel, RatingChange

    latest = select(func.max(RatingChange.id)).group_by(
        RatingChange.user_id, RatingChange.competency_code
    )
    last = {
        (r.user_id, r.competency_code): (r.level, r.practice, r.met, r.expired)
        for r in session.scalars(select(RatingChange).where(RatingChange.id.in_(latest)))
    }
    stored = {
        (r.user_id, r.competency_code): (r.level, r.practice, r.met, r.expired)
        for r in session.scalars(select(CompetencyLevel))
    }
    wrong = sum(1 for key, standing in stored.items() if last.get(key) != standing)
    # A history whose last row is a rating taken away has no level: nothing stands now.
    return wrong + sum(1 for key, row in last.items() if key not in stored and row[0] is not None)


def _certificates(session) -> tuple[int, int]:
    """Count attempts certified twice, and passes of a module's quiz left without a certificate.

    A learner holds a certificate for each pass (a renewal earns its own), so several for
    one module are right; two for one attempt, or none for a pass, are not.
    """
    from sqlalchemy import func, select

    from app.models import Attempt, Certificate
    from app.services import passes

    duplicates = session.scalar(
        select(func.count()).select_from(
            select(Certificate.attempt_id)
            .group_by(Certificate.attempt_id)
            .having(func.count() > 1)
            .subquery()
        )
    )
    uncertified = session.scalar(
        select(func.count())
        .select_from(Attempt)
        .outerjoin(Certificate, Certificate.attempt_id == Attempt.id)
        .where(
            Attempt.status == "graded",
            Attempt.passed.is_(True),
            passes.KIND == passes.ASSESSMENT,
            Certificate.id.is_(None),
        )
    )
    return duplicates, uncertified


def _credentials(session) -> tuple[int, int]:
    """Count certificates lacking a signed credential, and status list places used twice."""
    from sqlalchemy import func, select

    from app.models import Certificate
    from app.models_credentials import Credential

    unsigned = session.scalar(
        select(func.count())
        .select_from(Certificate)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(Certificate.withdrawn_at.is_(None))
        .where((Credential.id.is_(None)) | (Credential.jwt == ""))
    )
    shared = session.scalar(
        select(func.count()).select_from(
            select(Credential.status_list)
            .group_by(Credential.status_list, Credential.status_index)
            .having(func.count() > 1)
            .subquery()
        )
    )
    return unsigned, shared


def _started_twice(session) -> int:
    """Count the learners' quizzes that have more than one attempt."""
    from sqlalchemy import func, select

    from app.models import Attempt

    per_quiz = (
        select(Attempt.user_id, Attempt.quiz_id)
        .group_by(Attempt.user_id, Attempt.quiz_id)
        .having(func.count() > 1)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(per_quiz))
