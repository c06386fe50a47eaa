"""Knowledge rated from answers that have all expired reads "Not enough evidence" on every
page and export from the moment the last one expires, not only after the nightly re-rating."""

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.competencies import valid_for
from app.models import Evidence, utcnow
from app.services import data_rights
from app.services.rating_reads import aware
from tests.web.test_confirmation_validity import between, rerate, riverside_manager
from tests.web.test_practice import CODE, page_url, people, user_id  # noqa: F401 (a fixture)
from tests.web.test_practice_record import module, stored, take_quiz

TOP, NONE = "Secure", "Not enough evidence"
YEARS_AGO = timedelta(days=5 * 366)  # longer than SPLW's three years


def knowledge_shown(app, learner, manager) -> dict[str, str]:
    """Return what each place that shows the learner's knowledge of CODE says about it."""
    lee = user_id(app, "learner@example.org")
    row = f"<strong>{CODE}</strong>"
    lines = manager.get("/manage/export.csv").text.splitlines()
    with app.app_context():
        archive = data_rights.export_archive(lee, catalogue(), actor_id=lee)
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
    rating = next(r for r in data["competency_levels"] if r["competency"] == CODE)
    return {
        "learner's competency page": between(
            learner.get(page_url()).text, "Knowledge, from quizzes", "</dd>"
        ),
        "learner's competencies": between(learner.get("/my/competencies").text, row, "</tr>"),
        "manager's learner page": between(
            manager.get(f"/manage/learners/{lee}").text, row, "</tr>"
        ),
        # Lee's row: every competency Lee answered on has expired.
        "manager's grid": between(
            manager.get("/manage/?profession=link-worker").text, ">Lee Learner</a>", "</tr>"
        ),
        "manager's export": next(line for line in lines if f",{CODE}," in line),
        "data export": f"{rating['level']} {rating['score']} {rating['evidence_count']}",
    }


def answered_years_ago(app):
    """Move every answer back YEARS_AGO; return the moment of the latest."""
    with app.app_context():
        session = db.session()
        answers = session.scalars(select(Evidence)).all()
        for answer in answers:
            answer.recorded_at = aware(answer.recorded_at) - YEARS_AGO
        session.commit()
        return max(aware(answer.recorded_at) for answer in answers)


def test_knowledge_whose_answers_all_expired_says_not_enough_evidence_everywhere(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, _, _ = people
    manager = riverside_manager(app, make_user)
    take_quiz(app, learner, module(app), right=True)
    with app.app_context():
        competency = catalogue().competency(CODE)
        lasts = valid_for(competency, catalogue().framework(competency.framework_id))
    assert stored(app).level == TOP
    answered = answered_years_ago(app)
    # Rated when the answers were in date, as the nightly re-rating did then: the rating
    # says until when its last answer counts, which is long past.
    rerate(app, at=answered + timedelta(hours=1))
    rated = stored(app)
    assert rated.level == TOP and rated.evidence_count > 0
    assert aware(rated.knowledge_until) == lasts.after(answered) < utcnow()

    before = knowledge_shown(app, learner, manager)
    for place, shown in before.items():
        assert TOP not in shown and NONE in shown, place
    assert before["data export"] == f"{NONE} None 0"

    rerate(app)
    assert (stored(app).level, stored(app).evidence_count, stored(app).knowledge_until) == (
        NONE,
        0,
        None,
    )
    assert knowledge_shown(app, learner, manager) == before


def test_knowledge_with_an_answer_in_date_reads_as_stored(app, people, make_user):  # noqa: F811
    learner, _, _ = people
    manager = riverside_manager(app, make_user)
    take_quiz(app, learner, module(app), right=True)
    rated = stored(app)
    with app.app_context():
        latest = max(
            aware(at)
            for at in db.session().scalars(
                select(Evidence.recorded_at).where(Evidence.competency_code == CODE)
            )
        )
        competency = catalogue().competency(CODE)
        lasts = valid_for(competency, catalogue().framework(competency.framework_id))
    # Grading stores until when the answers count.
    assert aware(rated.knowledge_until) == lasts.after(latest)
    for place, shown in knowledge_shown(app, learner, manager).items():
        assert TOP in shown, place
        # The grid's row also shows the competencies Lee has no answers in.
        assert NONE not in shown or place == "manager's grid", place
