"""A credential signed after the module's competencies changed: it names what was certified.

A certificate issued before credentials existed gets its credential later (`linkwise
issue-credentials`). By then a trainer may have mapped the module to another competency:
the credential names only the supervisors' confirmations of the competencies the
certificate recorded, as it aligns only to those.
"""

from datetime import datetime

import pytest
from sqlalchemy import delete, select

from app import db
from app.content import catalogue
from app.models import Organisation, User
from app.models_credentials import Credential
from app.services import credentials
from tests.conftest import sign_in
from tests.web import course_files
from tests.web.confirmations import decided_request
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_credentials import payload


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: it edits a module's competencies."""
    return course_files.copy_course(tmp_path / "copy")


def confirm(app, email: str, code: str) -> None:
    """Record a supervisor's confirmation of the learner's practice in `code`, long ago."""
    with app.app_context():
        session = db.session()
        learner = session.scalar(select(User.id).where(User.email == email))
        org = session.scalar(select(Organisation.id).where(Organisation.name == "Riverside PCN"))
        decided_request(
            session,
            user_id=learner,
            organisation_id=org,
            competency_code=code,
            requested_at=datetime(2026, 1, 5),
            decided_by_name="Dr Pat Supervisor",
            decided_at=datetime(2026, 1, 5),
        )
        session.commit()


def test_a_credential_signed_later_names_no_confirmation_of_a_competency_mapped_since(
    app, client, make_user, module, course
):
    with app.app_context():
        found = catalogue()
        framework = found.framework(found.competency(module.competency_codes[0]).framework_id)
        codes = module.competency_codes
        added = next(c.code for c in framework.competencies if c.code not in codes)
    email = make_user(org="Riverside PCN")
    sign_in(client, email)
    confirm(app, email, module.competency_codes[0])
    confirm(app, email, added)
    pass_module(app, client, email, module)
    # The certificate came before credentials did; meanwhile the module took on `added`.
    with app.app_context():
        db.session().execute(delete(Credential))
        db.session().commit()
    module_file = course / "content" / "modules" / module.slug / "module.md"
    course_files.edit(module_file, "competencies: [", f"competencies: [{added}, ")
    course_files.reload(app)
    with app.app_context():
        assert added in catalogue().module(module.slug).competency_codes
        assert credentials.issue_missing() == 1

    claims = payload(client.get(f"/modules/{module.slug}/credential.jwt").text)
    aligned = [a["targetCode"] for a in claims["credentialSubject"]["achievement"]["alignment"]]
    practice = [e["name"] for e in claims["evidence"] if e["genre"] == "Supervisor confirmation"]
    assert added not in aligned
    assert practice == [f"Practice confirmed: {module.competency_codes[0]}"]
