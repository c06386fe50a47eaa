"""Control characters in what people write in their own words (a reflection, a supervisor's
comments and action plan) are quietly taken out, NUL among them: the text is kept and saved,
never answered with the site-wide "could not read that"."""

import pytest
from sqlalchemy import select

from app import db
from app.flask_app import FormParser
from app.models_practice import ConfirmationDecision, SelfAssessment
from tests.conftest import post_form
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    decide,
    page_url,
    people,
    self_assess,
    the_request,
)
from tests.web.test_practice_record import ask

TYPED = "I met Mrs B\x00 at home\x07 and we\x1b made a plan.\nThen\tI rang her GP\x7f\x85."
KEPT = "I met Mrs B at home and we made a plan.\nThen\tI rang her GP."


def test_a_nul_in_a_reflection_is_taken_out_and_the_rest_saved(app, people):  # noqa: F811
    learner, _, _ = people
    response = self_assess(learner, "4", "after", TYPED)
    assert response.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(SelfAssessment.reflection)) == KEPT
    assert "could not read that" not in learner.get(page_url()).text


def test_an_error_elsewhere_on_the_form_keeps_the_reflection_typed(people):  # noqa: F811
    learner, _, _ = people
    response = self_assess(learner, "", "after", TYPED)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert f">{KEPT}</textarea>" in response.text


def test_a_supervisors_comments_and_action_plan_lose_their_control_characters(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    response = decide(sue, the_request(app), outcome="returned", comments=TYPED, action_plan=TYPED)
    assert response.status_code == 302
    with app.app_context():
        decision = db.session().scalar(select(ConfirmationDecision))
    assert (decision.comments, decision.action_plan) == (KEPT, KEPT)


def test_a_nul_outside_free_text_is_still_refused(people):  # noqa: F811
    learner, _, _ = people
    response = post_form(
        learner,
        f"{page_url()}/self-assessment",
        {"confidence": "4\x00", "stage": "after", "reflection": "fine"},
        page=page_url(),
    )
    assert response.status_code == 400 and "could not read that" in response.text


@pytest.mark.parametrize("mimetype", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_the_parser_cleans_only_free_text(mimetype):
    from io import BytesIO

    from werkzeug.datastructures import ImmutableMultiDict

    from app.flask_app import _free_text_cleaned

    if mimetype == "multipart/form-data":
        body = (
            b'--x\r\nContent-Disposition: form-data; name="comments"\r\n\r\na\x00b\x07\r\n'
            b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nc\x00d\r\n--x--\r\n'
        )
        options = {"boundary": "x"}
    else:
        body, options = b"comments=a%00b%07&email=c%00d", {}
    _, form, _ = FormParser(cls=ImmutableMultiDict).parse(
        BytesIO(body), mimetype, len(body), options
    )
    assert list(form.items(multi=True)) == [("comments", "ab"), ("email", "c\x00d")]
    assert _free_text_cleaned([("reason", "\u202eright to left\u202c")]) == [
        ("reason", "\u202eright to left\u202c")  # not a control character: shown isolated
    ]
