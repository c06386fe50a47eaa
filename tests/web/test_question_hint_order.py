"""A question whose type has a hint ("Select all that apply") shows it, as the NHS error
pattern does, after the question and before its error, and is described by both in that
order. The error once came first, and the hint described nothing."""

from app.content import catalogue
from tests.conftest import post_form
from tests.question_order import expected, order_in_html
from tests.web.test_learn import reach, screen_url

MODULE = "referral-routes"  # its first knowledge check asks for every right answer ticked


def test_a_blank_check_shows_its_hint_then_its_error(app, signed_in):
    with app.app_context():
        module = catalogue().module(MODULE)
    screen = next(s for s in module.screens if s.knowledge_check)
    reach(signed_in, module, screen)
    question = screen.knowledge_check.questions[0]
    assert question.type_name == "multiple-answers"
    page = screen_url(module, screen)
    assert order_in_html(signed_in.get(page).text, question.id) == expected(True, False)
    blank = post_form(signed_in, page + "check", {question.marker_field: "1"}, page=page)
    assert blank.status_code == 400
    assert order_in_html(blank.text, question.id) == expected(True)
