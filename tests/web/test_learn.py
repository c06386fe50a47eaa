"""Learning through modules: My learning, module pages, gated screens, progress, preview."""

import threading

import pytest
from markupsafe import escape
from sqlalchemy import event, func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Completion
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.quiz_helpers import answer_fields, attempt_form


@pytest.fixture
def course(app):
    """Return the shipped catalogue."""
    with app.app_context():
        return catalogue()


@pytest.fixture
def module(course):
    """Return the first module of the shipped course."""
    return course.modules[0]


def screen_url(module, screen) -> str:
    return f"/modules/{module.slug}/{screen.slug}/"


def complete(client, module, screen):
    return post_form(client, screen_url(module, screen), {}, page=f"/modules/{module.slug}/")


def completions(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Completion.id)))


def test_my_learning_lists_every_module_as_not_started(signed_in, course):
    page = signed_in.get("/modules/").text
    for module in course.modules:
        assert module.title in page
        assert f"about {module.estimated_minutes} minutes" in page
    assert page.count("Not started") == len(course.modules)


def test_learning_pages_need_the_gate_then_sign_in(client, module):
    url = screen_url(module, module.screens[0])
    assert client.get(url).location == f"/confirm-professional?next={url}"
    client.set_cookie("linkwise_professional", "yes")
    assert client.get(url).location.startswith("/sign-in?next=")


def test_module_page_shows_outcomes_cpd_time_and_menu(signed_in, module):
    page = signed_in.get(f"/modules/{module.slug}/").text
    for outcome in module.learning_outcomes:
        assert outcome.replace("'", "&#39;") in page
    assert f"{module.cpd_minutes} minutes" in page
    for screen in module.screens:
        assert screen.menu_title.replace("'", "&#39;") in page
    assert "Start module" in page


def test_every_locked_screen_redirects_to_the_first_incomplete_and_hides_its_content(
    signed_in, course
):
    for module in course.modules:
        first = module.screens[0]
        for screen in module.screens[1:]:
            response = signed_in.get(screen_url(module, screen))
            assert response.status_code == 302, screen.slug
            assert response.location == screen_url(module, first)
            assert screen.html not in response.text
        page = signed_in.get(screen_url(module, first)).text
        assert "screens open in order" in page
        if len(module.screens) > 2:  # asked for a screen two on: named as a screen
            assert f"Complete the screen “{escape(first.title)}” first" in page


def test_following_the_link_to_the_next_screen_says_to_select_next_first(signed_in, module):
    # Each screen ends "Next, you will look at [the next screen]": a learner who follows
    # that link before pressing Next is told how to go on, not to complete a screen they
    # are reading.
    first, second = module.screens[:2]
    response = signed_in.get(screen_url(module, second))
    assert response.location == screen_url(module, first)
    page = signed_in.get(screen_url(module, first)).text
    assert f"Select Next at the end of this screen to go on to “{second.title}”" in page
    assert "screens open in order" in page
    assert f"Complete “{first.title}” first" not in page


def test_completing_a_screen_opens_the_next_and_moves_the_progress_line(signed_in, module):
    first, second = module.screens[:2]
    assert "(0% complete)" in signed_in.get(screen_url(module, first)).text
    response = complete(signed_in, module, first)
    assert response.location == screen_url(module, second)
    page = signed_in.get(screen_url(module, second)).text
    percent = len(first.item_keys) * 100 // len(module.item_keys)
    assert f"({percent}% complete)" in page
    assert second.html in page


def answer_check(client, module, screen, *, right=True):
    fields = {}
    for question in screen.knowledge_check.questions:
        fields.update(answer_fields(question, right=right))
    return post_form(
        client, screen_url(module, screen) + "check", fields, page=screen_url(module, screen)
    )


def test_progress_message_changes_as_the_learner_goes(app, signed_in, module):
    messages = []
    for screen in module.screens:
        page = signed_in.get(screen_url(module, screen)).text
        messages.append(page.split('class="lw-progress__text"')[1].split("</p>")[0])
        if screen.knowledge_check:
            answer_check(signed_in, module, screen)
        complete(signed_in, module, screen)
    assert "Ready to start" in messages[0]
    assert any("Well done, you&#39;re getting there" in m for m in messages)
    before_quiz = signed_in.get(f"/modules/{module.slug}/").text
    assert "(100% complete)" not in before_quiz
    if module.assessment:
        attempt_url = post_form(signed_in, f"/modules/{module.slug}/quiz/", {}).location
        with app.app_context():
            attempt = (
                db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
            )
        data = attempt_form(module.assessment, attempt.selection, right=True)
        post_form(signed_in, attempt_url, {**data, "action": "submit"})
    final = signed_in.get(f"/modules/{module.slug}/").text
    assert "Well done, you&#39;ve completed this module" in final
    assert "(100% complete)" in final
    assert "Completed" in signed_in.get("/modules/").text


def test_the_last_screens_button_says_it_goes_to_the_quiz(signed_in, module):
    assert module.assessment
    *before, last = module.screens
    for screen in before:
        if screen.knowledge_check:
            answer_check(signed_in, module, screen)
        complete(signed_in, module, screen)
    if last.knowledge_check:
        answer_check(signed_in, module, last)
    page = signed_in.get(screen_url(module, last)).text
    assert ">Next: end-of-module quiz<" in page and "Finish module" not in page
    assert complete(signed_in, module, last).location == f"/modules/{module.slug}/quiz/"


def test_double_submission_and_two_tabs_count_once(app, signed_in, module):
    first = module.screens[0]
    token = csrf_token(signed_in, screen_url(module, first))
    for _ in range(3):
        signed_in.post(screen_url(module, first), data={"csrf_token": token})
    assert completions(app) == 1


def test_concurrent_completions_record_one_row(app, client, make_user, module):
    sign_in(client, make_user())
    first = module.screens[0]
    token = csrf_token(client, screen_url(module, first))
    cookie = client.get_cookie("linkwise_session").value
    statuses = []

    def send():
        tab = app.test_client()
        tab.set_cookie("linkwise_session", cookie)
        statuses.append(tab.post(screen_url(module, first), data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 6
    assert completions(app) == 1


def test_completing_a_locked_screen_records_nothing(app, signed_in, module):
    response = complete(signed_in, module, module.screens[2])
    assert response.status_code == 302
    assert completions(app) == 0


def test_continue_resumes_at_the_first_incomplete_screen(signed_in, module):
    complete(signed_in, module, module.screens[0])
    complete(signed_in, module, module.screens[1])
    page = signed_in.get("/modules/").text
    assert "Continue where you left off" in page
    assert f'href="{screen_url(module, module.screens[2])}"' in page


def test_trainers_preview_any_screen_without_creating_progress(app, client, make_user, module):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    last = module.screens[-1]
    page = client.get(screen_url(module, last)).text
    assert "Preview" in page
    assert last.html in page
    complete(client, module, last)
    assert completions(app) == 0


def test_a_screen_view_costs_at_most_two_queries(app, signed_in, module):
    statements = []
    engine = app.extensions["linkwise.engine"]

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert signed_in.get(screen_url(module, module.screens[0])).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 2


def test_a_screen_shows_only_its_own_learners_completions(app, signed_in, make_user, module):
    # The learner and their completions are read in one statement: one learner's progress
    # never opens a screen for another, and a session ended elsewhere still signs out.
    first, second = module.screens[:2]
    complete(signed_in, module, first)
    other = app.test_client()
    sign_in(other, make_user("other@example.org"))
    assert other.get(screen_url(module, second)).location == screen_url(module, first)
    assert signed_in.get(screen_url(module, second)).status_code == 200
    elsewhere = app.test_client()
    sign_in(elsewhere, "learner@example.org")
    post_form(elsewhere, "/sign-out", {}, page="/")
    assert signed_in.get(screen_url(module, second)).status_code == 302


def test_unknown_module_or_screen_answers_404(signed_in, module):
    assert signed_in.get("/modules/no-such-module/").status_code == 404
    assert signed_in.get(f"/modules/{module.slug}/no-such-screen/").status_code == 404
    assert signed_in.get(f"/modules/{module.slug}/media/nothing.svg").status_code == 404
    # A screen's URL names the module whose completions are read with the learner: one
    # that is no module is a 404, and a NUL byte (which PostgreSQL refuses as text) is
    # refused as unreadable, its error page never reading it.
    first = module.screens[0].slug
    assert signed_in.get(f"/modules/no-such-module/{first}/").status_code == 404
    for slug in ("%00", "a%00b"):
        assert signed_in.get(f"/modules/{slug}/{first}/").status_code == 400


def test_figures_are_served_beside_their_module(signed_in, course):
    module = next(m for m in course.modules if m.media)
    name = next(iter(module.media))
    response = signed_in.get(f"/modules/{module.slug}/media/{name}")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]


def test_competency_framework_page_shows_every_code(client, course):
    client.set_cookie("linkwise_professional", "yes")
    page = client.get("/competencies/").text
    for competency in course.competencies:
        assert competency.code in page


def checked_screen(course):
    return next((m, s) for m in course.modules for s in m.screens if s.knowledge_check)


def reach(client, module, screen):
    """Complete every screen before this one, answering their knowledge checks."""
    for earlier in module.screens[: module.screens.index(screen)]:
        if earlier.knowledge_check:
            answer_check(client, module, earlier)
        complete(client, module, earlier)


def test_a_knowledge_check_must_be_answered_before_going_on(app, signed_in, course):
    module, screen = checked_screen(course)
    reach(signed_in, module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    assert "Check your knowledge" in page and 'id="knowledge-check-form"' in page
    response = complete(signed_in, module, screen)
    assert response.location.endswith("#knowledge-check")
    assert "Answer the knowledge check" in signed_in.get(screen_url(module, screen)).text
    following = module.next_screen(screen.slug)
    if following:
        assert signed_in.get(screen_url(module, following)).status_code == 302


def test_answering_a_knowledge_check_wrongly_still_completes_the_screen(app, signed_in, course):
    module, screen = checked_screen(course)
    reach(signed_in, module, screen)
    response = answer_check(signed_in, module, screen, right=False)
    assert response.status_code == 302
    page = signed_in.get(response.location).text
    assert "Not correct" in page
    with app.app_context():
        keys = set(db.session().scalars(select(Completion.item_key)))
    assert set(screen.item_keys) <= keys
    assert complete(signed_in, module, screen).status_code == 302


def test_a_tampered_knowledge_check_answer_changes_nothing(app, signed_in, course):
    module, screen = checked_screen(course)
    reach(signed_in, module, screen)
    question = screen.knowledge_check.questions[0]
    before = completions(app)
    response = post_form(
        signed_in,
        screen_url(module, screen) + "check",
        {f"q.{question.id}": "zz"},
        page=screen_url(module, screen),
    )
    assert response.status_code == 400
    assert "Question 1: choose one of the options" in response.text
    assert completions(app) == before


def test_continue_leads_to_the_quiz_once_every_screen_is_done(signed_in, module):
    for screen in module.screens:
        if screen.knowledge_check:
            answer_check(signed_in, module, screen)
        complete(signed_in, module, screen)
    quiz = f'href="/modules/{module.slug}/quiz/"'
    last_screen = f'href="{screen_url(module, module.screens[-1])}"'
    mine = signed_in.get("/modules/").text
    resume = mine.split("Continue where you left off")[1].split("</a>")[0]
    assert f"{module.title}: End-of-module quiz" in resume
    assert quiz in resume and last_screen not in resume
    page = signed_in.get(f"/modules/{module.slug}/").text
    button = page.split("Continue module")[0].rsplit("<a ", 1)[1]
    assert quiz in button and last_screen not in button
