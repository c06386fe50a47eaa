"""Browser fixtures: the app served on a free port, Debian's Chromium, axe-core."""

import contextlib
import functools
import json
import logging
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.browser import chromium

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# A hidden field of a form as the templates write it: its name and value.
HIDDEN_FIELD = r'<input (?=[^>]*type="hidden")[^>]*name="([^"]+)"[^>]*value="([^"]*)"'
WCAG_RULES = {"type": "tag", "values": WCAG_TAGS}
# How often a test server's loop looks whether it has been asked to stop: shutdown() waits
# for that look, and socketserver's default of half a second made up most of a short
# test's teardown. A look costs microseconds.
SERVER_POLL = 0.01
# Only the violations come back: the passes, with every node they checked, took longer to
# send from the page than axe took to check it. The same rules run either way. Where the
# page's own server serves axe-core (AXE_PATH), the page loads it first if it has not yet.
RUN_AXE = """async ([source, only]) => {
  if (source && typeof window.axe?.run !== "function") {
    const script = document.createElement("script");
    await new Promise((loaded, failed) => {
      script.onload = loaded;
      script.onerror = () => failed(new Error(`axe-core did not load from ${source}`));
      script.src = source;
      document.documentElement.append(script);
    }).finally(() => script.remove());
  }
  return (await axe.run(document, {runOnly: only, resultTypes: ["violations"]})).violations;
}"""
# Where the test servers (live_server) serve axe-core beside the app: a page loads it from
# there as a script of its own origin, which its content security policy allows, and the
# browser context keeps it in its cache. Sent into each page by evaluate() instead, its
# 650 KB cost about as much time as the check itself.
AXE_PATH = "/__tests__/axe.min.js"
AXE_SERVED_AT: set[str] = set()  # the origins of the test servers running


# A browser journey runs once, on SQLite, unless marked both_databases: what it does to the
# database is tested on PostgreSQL as well by tests/web, which is far quicker than Chromium.
# The journeys kept on both are the record's own: a quiz failed, passed and certified, a
# module left and continued, and two tabs answering or revoking at once.
ONCE = pytest.mark.skip(
    reason="a browser journey runs once, on SQLite; tests/web test its database work on both"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.browser)
        params = getattr(item, "callspec", None) and item.callspec.params
        on_postgresql = params and params.get("database_url") == "postgresql"
        if on_postgresql and not item.get_closest_marker("both_databases"):
            item.add_marker(ONCE)


@pytest.fixture(scope="session")
def browser():
    """Start Debian's Chromium once for the run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright, CHROMIUM, CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the app on a free local port for the length of a test, and axe-core's script
    at AXE_PATH."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, with_axe(app), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SERVER_POLL}, daemon=True
    )
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in emails and certificates point here, as LINKWISE_BASE_URL would in production.
    app.config["BASE_URL"] = url
    AXE_SERVED_AT.add(url)
    yield url
    AXE_SERVED_AT.discard(url)
    server.shutdown()
    thread.join()


def with_axe(app):
    """Wrap the app so that it answers AXE_PATH with axe-core's script, cached a day."""

    body = axe_source().encode("utf-8")

    def serve(environ, start_response):
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "max-age=86400"),
            ],
        )
        return [body]

    return serve


@contextlib.contextmanager
def fresh_page(browser, javascript: bool = True):
    """Open a page in a fresh browser context (no cookies), with JavaScript on or off."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """Open a fresh browser context (no cookies) and a page in it."""
    with fresh_page(browser) as page:
        yield page


@pytest.fixture
def no_js_page(browser):
    """Open a page with JavaScript switched off."""
    with fresh_page(browser, javascript=False) as page:
        yield page


def browser_sign_in(page, live_server: str, email: str, password: str | None = None) -> None:
    """Sign in with the sign-in form's fields, in the page's browser context, and open the
    signed-in page it leads to.

    The form is sent from the context, not typed into: the app's own sign-in answers it and
    sets the session cookie, which the context keeps for its pages, but no page draws the
    form or waits for it. The tests of signing in itself use the form (test_first_visit,
    test_account_journey, test_throttled).
    """
    from tests.conftest import DEMO_PASSWORD

    form = page.request.get(live_server + "/sign-in")
    hidden = dict(re.findall(HIDDEN_FIELD, form.text()))
    assert "csrf_token" in hidden, f"no CSRF token on the sign-in page ({form.status})"
    fields = {**hidden, "email": email, "password": password or DEMO_PASSWORD}
    signed_in = page.request.post(live_server + "/sign-in", form=fields)
    assert signed_in.ok and signed_in.url != form.url, f"{email} was not signed in"
    page.goto(signed_in.url)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@functools.cache
def axe_source() -> str:
    """Return axe-core's script, read once per test process."""
    return AXE.read_text("utf-8")


# Whether the page runs scripts: the HTML parser keeps a <noscript>'s content as text where
# scripts run and as elements where they do not (evaluate() itself works in both).
SCRIPTS_RUN = """() => {
    const probe = document.createElement("div");
    probe.innerHTML = "<noscript><p></p></noscript>";
    return probe.querySelector("noscript p") === null;
}"""


def axe_violations(page, rules: dict = WCAG_RULES) -> list[dict]:
    """Run axe-core's WCAG 2.2 A and AA rules (or those named) on a page or frame and return
    the violations."""
    # axe answers through a promise that a page with JavaScript off never settles: the
    # check would wait for ever rather than fail.
    assert page.evaluate(SCRIPTS_RUN), (
        f"{page.url}: JavaScript is off in this page, so axe cannot run in it; "
        "call assert_accessible_without_javascript(page, browser) instead"
    )
    address = urlsplit(page.url)
    origin = f"{address.scheme}://{address.netloc}"
    if origin in AXE_SERVED_AT:
        return page.evaluate(RUN_AXE, [origin + AXE_PATH, rules])
    # Elsewhere the script (650 KB) is put in once per document, not again for each check.
    if not page.evaluate("typeof window.axe?.run === 'function'"):
        # evaluate() runs outside the page's content security policy, unlike a script tag.
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE, [None, rules])


def assert_accessible(page) -> None:
    """Fail with a readable list when axe-core finds any violation."""
    violations = axe_violations(page)
    summary = [
        {"rule": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert not violations, f"{page.url}: " + json.dumps(summary, indent=1)


def assert_accessible_as_shown(page, browser, javascript: bool) -> None:
    """Run axe-core on the page as its reader has it: with JavaScript on, or off."""
    if javascript:
        assert_accessible(page)
    else:
        assert_accessible_without_javascript(page, browser)


def assert_accessible_without_javascript(page, browser) -> None:
    """Run axe-core on what a page with JavaScript off shows.

    Scripts cannot run in that page, axe's included: the same HTML is served again, its
    own scripts left out, to a page that can run axe, with the same styles. All of them: the
    template's inline one marks the body `js-enabled`, and the header's styles then leave
    its overflowing links for the module script to gather into a menu; on a 320 px window
    they showed white on grey, as no reader without JavaScript sees them.
    """
    # A click that navigates returns once the new page commits, before it has loaded.
    page.wait_for_load_state()
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S)
    url = page.url
    checker = checker_page(browser)
    checker.set_viewport_size(page.viewport_size)
    checker.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    try:
        checker.goto(url)
        assert_accessible(checker)
    finally:
        checker.unroute(url)
        # Left on a blank page: the next check's address may differ from this one by its
        # fragment alone, and a goto there would not load the page again.
        checker.goto("about:blank")


@functools.cache
def checker_page(browser):
    """Open, once for the browser, the page that runs axe on what pages without JavaScript
    show: a context and its page cost more to open than a check takes."""
    return browser.new_context().new_page()
