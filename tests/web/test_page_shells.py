"""Screens put together around a stored shell: the page a full render gives, for each learner."""

import re
from dataclasses import replace

import pytest

from app.content import catalogue
from app.models import User
from tests.conftest import csrf_token, sign_in
from tests.web.test_learn import answer_check, checked_screen, complete, reach, screen_url


@pytest.fixture
def course(app):
    """Return the shipped catalogue."""
    with app.app_context():
        return catalogue()


def page(app, client, url: str, *, shells: bool = True) -> str:
    """Return a page as served; with shells off it is rendered whole, as before shells."""
    app.config["PAGE_SHELLS"] = shells
    try:
        response = client.get(url)
    finally:
        app.config["PAGE_SHELLS"] = True
    assert response.status_code == 200, url
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.text)  # a new nonce every request


def without_token(html: str) -> str:
    """Return the page with its CSRF tokens blanked: two renders may straddle the second
    a token is signed with."""
    return re.sub(r'(name="csrf_token" value=)"[^"]+"', r'\1""', html)


def assert_same_as_full_render(app, client, url: str) -> str:
    from_shell = page(app, client, url)
    assert without_token(from_shell) == without_token(page(app, client, url, shells=False))
    return from_shell


def test_a_screen_from_its_shell_is_the_page_a_full_render_gives(app, signed_in, course):
    module = course.modules[0]
    for screen in module.screens[:3]:
        assert_same_as_full_render(app, signed_in, screen_url(module, screen))
        if screen.knowledge_check:
            answer_check(signed_in, module, screen)
        complete(signed_in, module, screen)
    # Going back: the earlier screens now show this learner's further progress.
    for screen in module.screens[:3]:
        assert_same_as_full_render(app, signed_in, screen_url(module, screen))


def test_a_knowledge_check_before_and_after_answering_matches_a_full_render(app, signed_in, course):
    module, screen = checked_screen(course)
    reach(signed_in, module, screen)
    url = screen_url(module, screen)
    before = assert_same_as_full_render(app, signed_in, url)
    assert "Answer this question to complete the screen" in before
    answered = answer_check(signed_in, module, screen).location
    # The feedback right after answering is this request's own, rendered whole.
    assert "Your answer is saved" in page(app, signed_in, answered)
    after = assert_same_as_full_render(app, signed_in, url)
    assert "You have answered this knowledge check" in after


def test_a_trainers_preview_matches_a_full_render(app, client, make_user, course):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    module = course.modules[0]
    for screen in (module.screens[0], module.screens[-1]):
        shown = assert_same_as_full_render(app, client, screen_url(module, screen))
        assert "Preview." in shown


def test_learners_on_one_shell_each_see_only_their_own_name_progress_and_token(
    app, client, make_user, course
):
    module = course.modules[0]
    first = module.screens[0]
    other = app.test_client()
    sign_in(client, make_user(email="ada@example.org", full_name="Ada Lovelace"))
    sign_in(other, make_user(email="grace@example.org", full_name="Grace Hopper"))
    # At the same place in the module, they share the menu and progress line, not the rest.
    page(app, client, screen_url(module, first))
    assert "Grace Hopper" in assert_same_as_full_render(app, other, screen_url(module, first))
    complete(client, module, first)
    ada = page(app, client, screen_url(module, first))
    grace = page(app, other, screen_url(module, first))
    assert "Ada Lovelace" in ada and "Ada Lovelace" not in grace
    assert "Grace Hopper" in grace and "Grace Hopper" not in ada
    assert "(0% complete)" in grace and "(0% complete)" not in ada
    assert without_token(grace) == without_token(
        page(app, other, screen_url(module, first), shells=False)
    )
    tokens = {re.findall(r'name="csrf_token" value="([^"]+)"', html)[-1] for html in (ada, grace)}
    assert len(tokens) == 2
    # Each token is the one that learner's own forms must carry.
    assert csrf_token(other, screen_url(module, first)) in grace


def test_a_shell_is_never_stored_with_a_learners_details(app, client, make_user, course):
    sign_in(client, make_user(email="ada@example.org", full_name="Ada Lovelace"))
    module = course.modules[0]
    client.get(screen_url(module, module.screens[0]))
    shells = app.extensions["linkwise.page_shells"]
    assert shells
    with app.app_context():
        from app import db

        session_token = db.session().query(User.session_token).scalar()
    for shell in shells.values():
        stored = "".join(shell.pieces) + "".join(shell.parts.values())
        for secret in ("Ada Lovelace", "ada@example.org", session_token):
            assert secret not in stored


def test_edited_content_shows_at_once(app, signed_in, course):
    module = course.modules[0]
    first = module.screens[0]
    url = screen_url(module, first)
    assert first.title in page(app, signed_in, url)
    # What the dev server's reload does: a new catalogue, with new objects throughout.
    edited_screen = replace(first, title="An edited title", html="<p>Edited words.</p>")
    edited = replace(module, screens=(edited_screen, *module.screens[1:]))
    with app.app_context():
        new = replace(catalogue(), modules=(edited, *catalogue().modules[1:]))
    app.extensions["linkwise.catalogue"] = new
    shown = assert_same_as_full_render(app, signed_in, url)
    assert "An edited title" in shown and "Edited words." in shown
    assert first.html not in shown
