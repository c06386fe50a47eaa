"""Where the quiz's autosave says an answer was not saved, in each way it can be refused.

An invalid answer is refused by the app (a 400 naming the question): its error shows at the
question, as the NHS error pattern has it, and its status, a polite live region, says why.
The error summary comes with Save or Submit, not while the learner types: focus stays in the
field. Any other refusal the app gives (a 4xx with its reason), a service that answers with
a proxy's error page, and a lost connection are each said by the question and at the top of
the form, and cleared once the answers are saved.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import fill_in, questions_on_screen, shot, start_quiz
from tests.browser.test_quiz_journey import prepare, seed_showing

THROTTLED = '{"error": "too many attempts: wait and try again"}'
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"

# Each status right after its question, the top message first in the form, the inline error
# inside the question's fieldset after its legend and before its fields.
PLACES = """([id, error]) => {
  const group = document.querySelector(`[data-question="${id}"]`);
  const form = group.closest("form");
  const status = form.querySelector(`[data-status-for="${id}"]`);
  const message = form.querySelector("[data-autosave-message]");
  const first = form.querySelector("[data-question]");
  const fieldset = group.querySelector("fieldset");
  const inline = error && document.getElementById(error);
  const field = fieldset.querySelector("input:not([type=hidden]), select");
  const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING);
  return {
    status: status.previousElementSibling === group,
    message: after(first, message) && message.getAttribute("role") === "status",
    inline: !inline || (inline.parentElement === fieldset
      && after(inline, fieldset.querySelector("legend")) && after(field, inline)),
  };
}"""


def placed(page, question, error: str | None = None) -> dict:
    """Return which of the messages about the question are where they belong."""
    return page.evaluate(PLACES, [question.id, error])


def test_a_refused_autosave_says_why_by_its_question_and_is_announced(
    app, page, live_server, make_user
):
    email, module = prepare(app, make_user)
    app.config["QUIZ_SEED"] = seed_showing(module.assessment, "numeric")
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    found = questions_on_screen(app)
    number = next(q for q in found if q.type_name == "numeric")
    place = found.index(number) + 1
    others = [q for q in found if q.type_name not in ("numeric", "ordering")][:4]
    assert len(others) == 4, [q.type_name for q in found]
    message = page.locator("[data-autosave-message]")
    status = {q.id: page.locator(f'[data-status-for="{q.id}"]') for q in [number, *others]}
    every = {"status": True, "message": True, "inline": True}

    # A 429 with its reason, a proxy's 502 page: answered here; the rest reach the app.
    refusal = {"as": None}

    def answer(route):
        if route.request.method == "POST" and refusal["as"] == "throttled":
            route.fulfill(status=429, content_type="application/json", body=THROTTLED)
        elif route.request.method == "POST" and refusal["as"] == "proxy":
            route.fulfill(status=502, content_type="text/html", body=PROXY_PAGE)
        else:
            route.continue_()

    page.route(re.compile(re.escape(page.url.split("#")[0]) + "$"), answer)

    # Invalid: the error at its question, the reason in its live status, focus left alone.
    field = page.locator(f'[name="q.{number.id}"]')
    field.fill("about twelve")
    error = page.locator(f"#question-{number.id}-error")
    reason = f"Question {place}: enter a number, like 42 or 1.5"
    expect(error).to_have_text(f"Error: {reason}")
    expect(page.locator(f"#question-{number.id}-group")).to_have_class(re.compile("error"))
    expect(field).to_have_class(re.compile("nhsuk-input--error"))
    expect(page.locator(f"#question-{number.id}")).to_have_attribute(
        "aria-describedby", re.compile(f"question-{number.id}-error")
    )
    expect(status[number.id]).to_have_text(f"Not saved. Error: {reason}")
    expect(status[number.id]).to_have_attribute("aria-live", "polite")
    expect(field).to_be_focused()
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(message).to_have_text("")
    assert placed(page, number, f"question-{number.id}-error") == every
    shot(page, "inline-error-js")

    # Refused with a reason (throttled): said by the question and at the top, until saved.
    refusal["as"] = "throttled"
    fill_in(page, others[0], others[0].example_answer(True))
    said = "Not saved: too many attempts: wait and try again."
    expect(status[others[0].id]).to_have_text(said)
    expect(status[others[0].id]).to_have_class(re.compile("lw-autosave-status--unsaved"))
    expect(message).to_have_text(said)
    assert placed(page, others[0]) == every
    refusal["as"] = None
    fill_in(page, others[1], others[1].example_answer(True))
    for question in others[:2]:
        expect(status[question.id]).to_have_text("Answer saved")
    expect(message).to_have_text("")

    # A proxy's error page, then no connection at all: waiting, and said so.
    refusal["as"] = "proxy"
    fill_in(page, others[2], others[2].example_answer(True))
    expect(status[others[2].id]).to_have_text(
        "Not saved yet: the service is unavailable. This answer will be sent again shortly."
    )
    expect(message).to_have_text(
        "Not saved yet: 1 answer is waiting because the service is unavailable. "
        "Keep this page open: it will be sent again shortly."
    )
    # axe, before the connection goes: its script is fetched from the app.
    assert_accessible(page)
    refusal["as"] = None
    page.context.set_offline(True)
    fill_in(page, others[3], others[3].example_answer(True))
    lost = (
        "Not saved yet: the connection was lost. "
        "This answer will be sent again when the connection is back."
    )
    for question in others[2:]:
        expect(status[question.id]).to_have_text(lost)
        expect(status[question.id]).to_have_class(re.compile("lw-autosave-status--unsaved"))
        assert placed(page, question) == every
    expect(message).to_have_text(
        "Not saved yet: 2 answers are waiting because the connection was lost. "
        "Keep this page open: they will be sent again when the connection is back."
    )
    shot(page, "autosave-refused")

    # Back online: both are sent at once, not at the timer's next tick, and all is cleared.
    page.context.set_offline(False)
    for question in others[2:]:
        expect(status[question.id]).to_have_text("Answer saved", timeout=3_000)
    expect(message).to_have_text("")
    field.fill(number.example_answer(True))
    expect(error).to_have_count(0)
    expect(status[number.id]).to_have_text("Answer saved")
    expect(page.locator(f"#question-{number.id}")).not_to_have_attribute(
        "aria-describedby", re.compile("error")
    )

    # Signed out in another tab: the app's reason, as given.
    page.context.clear_cookies()
    fill_in(page, number, number.example_answer(False))
    said = "Not saved: you have been signed out: sign in again, then reopen this page."
    expect(status[number.id]).to_have_text(said)
    expect(message).to_have_text(said)
