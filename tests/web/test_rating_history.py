"""Every change of a rating's standing is appended to rating_change with its cause and the
framework version it was rated by (migration 0046), whichever code wrote the rating; a
re-rating that changes nothing appends nothing, and `recompute-levels` writes only what
changed, so a rating a framework's earlier rules gave stays on record after the rules change.
"""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from app import db
from app.content import catalogue
from app.domain.competencies.rules_stamp import framework_of
from app.domain.content import Catalogue
from app.models import CompetencyLevel, RatingChange, utcnow
from app.services import dashboard_counts, rating_history, rating_recompute
from bench import drill_checks
from tests.web import test_revoked_pass_evidence as revoked
from tests.web.test_revoked_pass_evidence import OWN_RULE, revoke_on_the_command_line

# That file's fixtures: the safeguarding module, and a GP who passed its quiz.
module, passed = revoked.module, revoked.passed


def history(app, learner: int, code: str = OWN_RULE) -> list[tuple]:
    """Return the learner's rating_change rows in one competency, oldest first."""
    with app.app_context():
        return [
            (r.cause, r.rules and framework_of(r.rules), r.level, r.met, r.practice)
            for r in db.session().scalars(
                select(RatingChange)
                .where(RatingChange.user_id == learner, RatingChange.competency_code == code)
                .order_by(RatingChange.id)
            )
        ]


def changes(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(RatingChange))


def stored(app, learner: int) -> dict[str, tuple]:
    with app.app_context():
        return {
            r.competency_code: (r.level, r.met, r.cause, framework_of(r.rules), r.rated_at)
            for r in db.session().scalars(
                select(CompetencyLevel).where(CompetencyLevel.user_id == learner)
            )
        }


def edited(course: Catalogue, framework: str, version=None, minimum_evidence=None) -> Catalogue:
    """Return the course with one framework given another version, or another rule."""

    def changed(f):
        if version is not None:
            f = replace(f, version=version)
        if minimum_evidence is not None:
            f = replace(f, attainment=replace(f.attainment, minimum_evidence=minimum_evidence))
        return f

    return Catalogue(
        course.modules, tuple(changed(f) if f.id == framework else f for f in course.frameworks)
    )


def stricter(course: Catalogue) -> Catalogue:
    """Return the course with the referrer framework's next version asking for 50 answers."""
    return edited(course, "referrer", version="9.9", minimum_evidence=50)


def recompute(app, course=None) -> None:
    with app.app_context():
        rating_recompute.recompute_levels(course or catalogue())
        assert dashboard_counts.differences(db.session().connection()) == 0


def test_a_grade_records_each_rating_it_makes_with_its_cause_and_rules(app, passed):
    with app.app_context():
        version = catalogue().framework("referrer").version
    graded = ("graded", f"referrer {version}", "Secure", True, "Not started")
    assert history(app, passed) == [graded]
    # One row a competency rated, each matching the rating as it stands.
    now = stored(app, passed)
    with app.app_context():
        rows = db.session().execute(
            select(RatingChange.competency_code, RatingChange.level, RatingChange.met).where(
                RatingChange.user_id == passed
            )
        )
        assert sorted(rows) == sorted((code, s[0], s[1]) for code, s in now.items())


def test_recompute_leaves_unchanged_ratings_as_they_were_and_records_nothing(app, passed):
    before, count = stored(app, passed), changes(app)
    recompute(app)
    recompute(app)
    # Not rewritten: when and why each was rated stay those of the grade.
    assert stored(app, passed) == before
    assert changes(app) == count


def test_a_rule_change_re_rates_but_the_earlier_rating_stays_on_record(app, passed):
    with app.app_context():
        version = catalogue().framework("referrer").version
        harder = stricter(catalogue())
    recompute(app, harder)
    after = stored(app, passed)[OWN_RULE]
    assert after[0] == "Not enough evidence" and after[1] is False
    assert after[2:4] == ("recomputed", "referrer 9.9")
    assert history(app, passed) == [
        ("graded", f"referrer {version}", "Secure", True, "Not started"),
        ("recomputed", "referrer 9.9", "Not enough evidence", False, "Not started"),
    ]
    # The rules put back: the learner is rated as before, and that is appended too.
    recompute(app)
    assert [row[:3] for row in history(app, passed)] == [
        ("graded", f"referrer {version}", "Secure"),
        ("recomputed", "referrer 9.9", "Not enough evidence"),
        ("recomputed", f"referrer {version}", "Secure"),
    ]


def test_a_new_version_is_recorded_so_a_later_change_is_not_blamed_on_it(app, passed):
    with app.app_context():
        course = catalogue()
        version = course.framework("referrer").version
        renumbered = edited(course, "referrer", version="9.9")
    recompute(app, renumbered)
    assert stored(app, passed)[OWN_RULE][3] == "referrer 9.9"
    # Re-rated by the new version, the standing as it was: appended all the same.
    assert history(app, passed) == [
        ("graded", f"referrer {version}", "Secure", True, "Not started"),
        ("recomputed", "referrer 9.9", "Secure", True, "Not started"),
    ]
    with app.app_context():
        said = [change.said for change in rating_history.history(passed, OWN_RULE, course)]
    assert said[0].startswith(f"Framework updated from version {version} to 9.9:")
    # Years later the answers have expired: the framework did not change this time.
    with app.app_context():
        rating_recompute.recompute_levels(renumbered, now=utcnow() + timedelta(days=5 * 365))
        later = rating_history.history(passed, OWN_RULE, course)[0]
    assert later.cause == "recomputed" and later.framework == "referrer 9.9"
    assert not later.said.startswith("Framework updated")
    assert later.level != "Secure"


def test_a_revocation_that_leaves_nothing_to_rate_is_recorded_as_a_rating_removed(
    app, runner, passed, module
):
    revoke_on_the_command_line(app, runner, passed, module)
    assert OWN_RULE not in stored(app, passed)
    rows = history(app, passed)
    # Taken away by the revocation, which the history names.
    assert [row[0] for row in rows] == ["graded", "revoked"]
    assert rows[-1][2:] == (None, None, None)


def test_every_seeded_rating_begins_its_history_whether_the_load_ran_triggers_or_not(app, runner):
    # On PostgreSQL the seeder's load skips the triggers; it writes the first rows itself.
    for _ in range(2):  # a top-up adds the new learners' histories, not the earlier again
        result = runner.invoke(args=["seed-demo", "--learners", "60", "--seed", "7"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            session = db.session()
            level, change = CompetencyLevel, RatingChange
            rated = session.execute(
                select(level.user_id, level.competency_code, level.level, level.met)
            ).all()
            begun = session.execute(
                select(change.user_id, change.competency_code, change.level, change.met)
            ).all()
            assert rated and sorted(begun) == sorted(rated)
            assert set(session.scalars(select(change.cause))) == {"seeded"}
            assert None not in set(session.scalars(select(change.rules)))


def test_a_rule_changed_without_a_new_version_is_said_to_be_so(app, passed):
    with app.app_context():
        course = catalogue()
        version = course.framework("referrer").version
        quietly = edited(course, "referrer", minimum_evidence=50)
    recompute(app, quietly)
    with app.app_context():
        latest, first = rating_history.history(passed, OWN_RULE, course)
    assert first.framework == latest.framework == f"referrer {version}"
    assert latest.rules != first.rules  # the stamps tell the rules apart
    assert latest.level == "Not enough evidence"
    assert latest.said.startswith(
        f"Framework’s rules changed, its version number ({version}) left as it was:"
    )


def test_the_drill_finds_a_rating_whose_history_does_not_end_in_it(app, passed):
    # The drill's count (bench/drill_checks.py): 0 as the triggers keep it, 1 once a rating
    # is changed with its history left behind (as a write with the triggers off would).
    with app.app_context():
        session = db.session()
        assert drill_checks._histories(session) == 0
        session.execute(
            update(CompetencyLevel)
            .where(CompetencyLevel.user_id == passed, CompetencyLevel.competency_code == OWN_RULE)
            .values(level="Developing")
        )
        last = session.scalar(
            select(func.max(RatingChange.id)).where(
                RatingChange.user_id == passed, RatingChange.competency_code == OWN_RULE
            )
        )
        session.execute(delete(RatingChange).where(RatingChange.id == last))
        assert drill_checks._histories(session) == 1
        session.rollback()
