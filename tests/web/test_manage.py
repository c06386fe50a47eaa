"""Managers see their own organisation only: summary, grid, drill-down, export."""

import csv
import io
import re
import secrets
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, event, insert, select

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.domain.dates import uk_today
from app.models import AuditEvent, CompetencyLevel, Completion, Organisation, User
from app.services import account_admin, manage
from app.services.seed_copy import copy_rows
from tests.conftest import sign_in


def add_learners(app, org_name: str, count: int, start: int = 0) -> list[int]:
    """Insert learners with a level in every competency, quickly (one shared hash)."""
    with app.app_context():
        session = db.session()
        org = session.scalar(select(Organisation).where(Organisation.name == org_name))
        if org is None:
            org = account_admin.create_organisation(org_name)
        codes = [c.code for c in catalogue().competencies]
        users = [
            User(
                email=f"{org.join_code.lower()}-{n}@example.org",
                full_name=f"Learner {n:03d}",
                password_hash="scrypt:none",
                profession="link-worker",
                role="learner",
                organisation_id=org.id,
                professional_confirmed_at=datetime.now(UTC),
                professional_confirmed_as="link-worker",
                session_token=secrets.token_hex(8),
            )
            for n in range(start, start + count)
        ]
        session.add_all(users)
        session.flush()
        now = datetime.now(UTC)
        levels = [
            {
                "user_id": u.id,
                "organisation_id": org.id,
                "competency_code": code,
                "level": ["Secure", "Developing", "Not yet"][(u.id + i) % 3],
                "score": 50.0,
                "evidence_count": 3,
                "last_evidence_at": now,
            }
            for u in users
            for i, code in enumerate(codes)
        ]
        insert_levels(session, levels)
        session.commit()
        return [u.id for u in users]


def insert_levels(session, levels: list[dict]) -> None:
    """Insert competency levels in bulk: COPY on PostgreSQL, one executemany on SQLite.

    A thousand learners have 44,000 levels. The unit of work reads every id back, and spent
    seconds building its thousand-row statements; an INSERT a row on PostgreSQL runs the
    counts' statement triggers once a row, where COPY (the seeder's, app/services/seed_copy.py)
    runs them once. Columns left out take the table's defaults either way.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(CompetencyLevel), levels)
        return
    columns = tuple(levels[0])
    copy_rows(
        session.connection(),
        CompetencyLevel,
        columns,
        [tuple(level[name] for name in columns) for level in levels],
    )


@pytest.fixture
def manager(app, client, make_user):
    """Return a client signed in as the manager of Riverside PCN."""
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    return client


def test_the_dashboard_shows_the_organisation_only(app, manager):
    add_learners(app, "Riverside PCN", 3)
    add_learners(app, "Hillside PCN", 2)
    page = manager.get("/manage/").text
    assert "Riverside PCN" in page and "Hillside PCN" not in page
    assert "3 learners" in page
    assert "Learner 000" in page
    assert "Levels by domain" in page and 'role="img"' in page


def test_grid_filters_sorts_and_pages(app, manager):
    add_learners(app, "Riverside PCN", 30)
    first = manager.get("/manage/").text
    assert "page 1 of 2" in first and "Learner 000" in first and "Learner 029" not in first
    last = manager.get("/manage/?sort=-name").text
    assert last.index("Learner 029") < last.index("Learner 028")
    with app.app_context():
        module = catalogue().modules[0]
        # The learners are link workers: their grid shows the link worker framework's codes.
        shown = [c for c in module.competency_codes if c.startswith("SPLW-")]
    filtered = manager.get(f"/manage/?module={module.slug}").text
    assert filtered.count('class="nhsuk-table__header lw-grid__code"') == len(shown)
    assert "0 learners" in manager.get("/manage/?profession=gp").text


def test_drilling_into_a_learner_outside_the_organisation_answers_404(app, manager):
    ours = add_learners(app, "Riverside PCN", 1)
    theirs = add_learners(app, "Hillside PCN", 1)
    assert manager.get(f"/manage/learners/{ours[0]}").status_code == 200
    assert manager.get(f"/manage/learners/{theirs[0]}").status_code == 404


def test_export_streams_one_row_per_learner_and_competency_and_is_audited(app, manager):
    add_learners(app, "Riverside PCN", 2)
    add_learners(app, "Hillside PCN", 2)
    response = manager.get("/manage/export.csv")
    assert response.mimetype == "text/csv"
    # Named for the organisation and dated, as the compliance download is: two downloads of
    # two organisations, or on two days, keep apart.
    today = uk_today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="linkwise-competencies-riverside-pcn-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    with app.app_context():
        # One row per competency of the framework for the learner's profession (link worker).
        framework = catalogue().framework_for("link-worker")
        codes = len(framework.competencies)
        names = {c.code: c.name for c in framework.competencies}
        audited = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "export.competencies")
        )
    # Plain headers and profession names, as the compliance download and the pages give them.
    assert rows[0] == [
        "Learner",
        "Email",
        "Profession",
        "Team",
        "Competency",
        "Competency name",
        "Knowledge",
        "Knowledge rating score (%)",
        "Quiz answers counted",
        "Last quiz answer",
        "Practice",
        "Confirmed by",
        "Confirmed on",
        "Confirmation valid until",
        "Met",
        "Met until",
        "Retired",
        "Last known name",
    ]
    assert {row[2] for row in rows[1:]} == {"Social prescribing link worker"}
    assert {row[3] for row in rows[1:]} == {"No team"}  # as the compliance download says
    assert all(row[5] == names[row[4]] for row in rows[1:])  # each code with its name
    assert {tuple(row[16:]) for row in rows[1:]} == {("", "")}  # none retired
    assert {tuple(row[11:14]) for row in rows[1:]} == {("", "", "")}  # none confirmed
    assert len(rows) - 1 == 2 * codes
    assert {row[9] for row in rows[1:]} == {today}  # last evidence, as a UTC date
    assert {row[7] for row in rows[1:]} == {"50.0"}
    assert not any("hillside" in r[1].lower() for r in rows[1:])
    assert audited is not None and audited.detail == {"organisation": "Riverside PCN"}


def test_learners_and_trainers_get_404(client, make_user):
    sign_in(client, make_user())
    assert client.get("/manage/").status_code == 404
    assert client.get("/manage/export.csv").status_code == 404


def test_dashboard_query_count_does_not_grow_with_learners(app, manager):
    def queries():
        statements = []
        engine = app.extensions["linkwise.engine"]
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert manager.get("/manage/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    add_learners(app, "Riverside PCN", 5)
    few = queries()
    add_learners(app, "Riverside PCN", 60, start=5)
    assert queries() == few


def test_module_completions_are_counted_by_month_for_the_organisation_only(app, manager):
    ours = add_learners(app, "Riverside PCN", 3)
    theirs = add_learners(app, "Hillside PCN", 1)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        passed = quiz_key(module.assessment.id)
        session = db.session()
        for user_id, key, at in (
            # 11:59pm BST: the last minute of the UK's September (months are UK months).
            (ours[0], passed, datetime(2026, 9, 30, 22, 59)),
            (ours[1], passed, datetime(2026, 10, 1, 0, 1)),
            (ours[2], passed, datetime(2026, 10, 15)),
            (theirs[0], passed, datetime(2026, 10, 2)),  # another organisation
            (ours[0], module.screen_item_keys[0], datetime(2026, 8, 1)),  # a screen, not a module
        ):
            session.add(
                Completion(user_id=user_id, module_slug=module.slug, item_key=key, completed_at=at)
            )
        session.commit()
        riverside = session.scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )
        counted = manage.summary(riverside, catalogue())
    # Every month from the first through this one (tests/web/test_dashboard_months.py).
    assert counted.completions_by_month[:2] == [(date(2026, 9, 1), 1), (date(2026, 10, 1), 2)]
    assert not any(count for _, count in counted.completions_by_month[2:])
    assert counted.completed[module.slug] == 3
    page = manager.get("/manage/").text
    assert '<td class="nhsuk-table__cell">October\u00a02026</td>' in page  # on one line
    # Each month's bar has the month and its count beside it, as text of the page.
    chart = page[page.index("Modules completed for the first time each month</figcaption>") :]
    chart = chart.split("</figure>")[0]
    labels = re.findall(r'<dt class="lw-bars__label">([^<]+)</dt>', chart)
    counts = re.findall(r'<span class="lw-bars__text">([^<]+)</span>', chart)
    shown = list(zip(labels, counts, strict=True))
    assert shown[:2] == [("September 2026", "1"), ("October 2026", "2")]
    assert len(shown) == len(counted.completions_by_month)


def test_a_rating_few_learners_hold_is_still_drawn_in_its_domain_bar(app, manager):
    """One learner rated among 120 is under 1 % of each bar: each rating there is drawn at
    least 2 % wide, so the 2 px gaps between parts cannot hide it."""
    learners = add_learners(app, "Riverside PCN", 120)
    with app.app_context():
        session = db.session()
        session.execute(delete(CompetencyLevel).where(CompetencyLevel.user_id.in_(learners[1:])))
        session.commit()
    page = manager.get("/manage/").text
    bars = re.findall(r'<svg class="lw-levels__bar".*?</svg>', page, re.S)
    assert bars
    for bar in bars:
        # Each part's width is a percentage of its bar, written to 3 decimals.
        parts = re.findall(
            r'width="([\d.]+)%" height="100%" class="lw-bar [^"]*"><title>([^:]+): (\d+)</title>',
            bar,
        )
        held = [(float(width), name) for width, name, n in parts if int(n) > 0]
        assert len(held) >= 2, bar  # a few rated, most without enough evidence
        assert all(width >= 2 for width, _ in held), held
        assert sum(width for width, _ in held) == pytest.approx(100, abs=0.01)


def test_counts_of_a_thousand_or_more_are_written_with_commas(app, manager):
    add_learners(app, "Riverside PCN", 1001)
    page = manager.get("/manage/").text
    assert '<dd class="nhsuk-summary-list__value">1,001</dd>' in page
    assert "1,001 learners; page 1 of" in page
