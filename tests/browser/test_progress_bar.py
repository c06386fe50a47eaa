"""The progress bar in Chromium: green for progress, grey once the quiz is out of attempts."""

from playwright.sync_api import expect

from tests.browser.chart_colours import NON_TEXT, contrast, pixels_along, same_colour
from tests.browser.conftest import browser_sign_in
from tests.browser.quiz_steps import shot
from tests.conftest import sign_in
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_next_attempt import use_every_attempt

GREEN = (0, 127, 59)  # the bar's fill for progress (#007f3b)
NOT_PASSED = "Quiz not passed: you have used all your attempts"


def fill_and_track(page) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Return the colour of the progress bar's filled part and of its empty track, read from
    the pixels across the middle of the bar."""
    bar = page.locator("progress.lw-progress__bar")
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    share = int(bar.get_attribute("value")) / 100
    assert 0.2 < share < 0.95, share  # room to read both parts
    row = pixels_along(page, box["y"] + box["height"] / 2, box["x"], box["x"] + box["width"])
    return row[int(len(row) * share / 2)], row[int(len(row) * (1 + share) / 2)]


def test_out_of_attempts_the_progress_bar_is_not_drawn_as_good_progress(
    app, page, live_server, make_user
):
    """With every screen done the bar is green; once every attempt at the quiz is used
    without a pass, the line says so and the bar, on the module page and each screen, is
    no longer green, its fill still 3:1 against its track (WCAG 1.4.11)."""
    from app.content import catalogue

    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    email = make_user()
    finish_screens(app, email, module)
    browser_sign_in(page, live_server, email)
    pages = [f"/modules/{module.slug}/", f"/modules/{module.slug}/{module.screens[-1].slug}/"]
    page.goto(live_server + pages[0])
    fill, track = fill_and_track(page)
    assert same_colour(fill, GREEN), fill

    learner = app.test_client()
    sign_in(learner, email)
    use_every_attempt(app, learner, module)
    for path in pages:
        page.goto(live_server + path)
        expect(page.locator(".lw-progress__text")).to_contain_text(NOT_PASSED)
        fill, track = fill_and_track(page)
        shot(page, "progress-out-of-attempts" + path.replace("/", "-"), full_page=False)
        assert not same_colour(fill, GREEN, tolerance=40), (path, fill)
        assert contrast(fill, track) >= NON_TEXT, (path, fill, track)


def test_in_forced_colours_the_progress_bar_shows_how_far(app, page, live_server, make_user):
    """In forced colours (Windows' high contrast themes) the bar's filled part is drawn in a
    system colour against its track, as progress and out of attempts alike, not left as an
    empty outline whatever the percentage."""
    from app.content import catalogue

    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    email = make_user()
    finish_screens(app, email, module)
    browser_sign_in(page, live_server, email)
    page.emulate_media(forced_colors="active")
    page.goto(f"{live_server}/modules/{module.slug}/")
    fill, track = fill_and_track(page)
    shot(page, "progress-forced-colours", full_page=False)
    assert contrast(fill, track) >= NON_TEXT, (fill, track)

    learner = app.test_client()
    sign_in(learner, email)
    use_every_attempt(app, learner, module)
    page.goto(f"{live_server}/modules/{module.slug}/")
    expect(page.locator(".lw-progress__text")).to_contain_text(NOT_PASSED)
    fill, track = fill_and_track(page)
    shot(page, "progress-forced-colours-out-of-attempts", full_page=False)
    assert contrast(fill, track) >= NON_TEXT, (fill, track)
