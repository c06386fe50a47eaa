"""The grid's page order: by name either way, or the most competencies met first."""

from tests.web.test_manage_standing import PEOPLE, manager  # noqa: F401 (the fixture)


def in_order(page: str) -> list[str]:
    found = {name: page.index(name) for name in PEOPLE if name in page}
    return sorted(found, key=found.get)


def test_the_grid_sorts_by_name_and_by_competencies_met(manager):  # noqa: F811
    assert in_order(manager.get("/manage/?framework=splw").text) == [
        "Due Dan", "Expired Eve", "Lapsed Len", "Met Mary", "Waiting Wes"
    ]  # fmt: skip
    assert in_order(manager.get("/manage/?framework=splw&sort=-name").text) == [
        "Waiting Wes", "Met Mary", "Lapsed Len", "Expired Eve", "Due Dan"
    ]  # fmt: skip
    # Met and due soon both count as met; ties by name.
    assert in_order(manager.get("/manage/?framework=splw&sort=competent").text) == [
        "Due Dan", "Met Mary", "Expired Eve", "Lapsed Len", "Waiting Wes"
    ]  # fmt: skip


def test_pages_sorted_by_competencies_met_follow_one_order_across_pages(app):
    import random
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from app import db
    from app.content import catalogue
    from app.models import CompetencyLevel, Organisation, User
    from app.services import manage
    from tests.web.test_manage import add_learners

    ids = add_learners(app, "Riverside PCN", 70)
    chance = random.Random(4)
    with app.app_context():
        session = db.session()
        framework = catalogue().framework_for("link-worker")
        codes = [c.code for c in framework.competencies]
        lapsed = datetime.now(UTC) - timedelta(days=1)
        # A third of the learners meet a few competencies; some of those met have lapsed.
        for user_id in chance.sample(ids, 25):
            for code in chance.sample(codes, chance.randint(1, 4)):
                until = lapsed if chance.random() < 0.2 else None
                session.execute(
                    update(CompetencyLevel)
                    .where(
                        CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code == code
                    )
                    .values(met=True, met_until=until)
                )
        session.commit()
        met = {user_id: 0 for user_id in ids}
        for user_id, _ in session.execute(
            select(CompetencyLevel.user_id, CompetencyLevel.id).where(
                CompetencyLevel.met.is_(True),
                CompetencyLevel.met_until.is_(None),
                CompetencyLevel.competency_code.in_(codes),
            )
        ):
            met[user_id] += 1
        names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
        expected = sorted(ids, key=lambda user_id: (-met[user_id], names[user_id], user_id))
        organisation = session.scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )
        shown = []
        for page in (1, 2, 3):
            found = manage.grid(organisation, catalogue(), page=page, sort="competent")
            shown += [learner.id for learner in found.learners]
    assert any(met.values()) and shown == expected
