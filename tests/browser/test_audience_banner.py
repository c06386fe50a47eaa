"""The audience banner sits in a landmark, just under the NHS header, on a phone and a desktop."""

import pytest

from tests.browser.conftest import axe_violations, browser_sign_in

BANNER = ".lw-audience-banner"


def region_violations(page) -> list:
    """Return axe-core's "region" findings: content outside every landmark (best practice)."""
    found = axe_violations(page, {"type": "rule", "values": ["region"]})
    return [node["target"] for rule in found for node in rule["nodes"]]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_audience_banner_is_in_a_landmark_under_the_header(
    browser, live_server, make_user, width
):
    make_user(email="lee@example.org")
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for signed_in in (False, True):
            if signed_in:
                browser_sign_in(page, live_server, "lee@example.org")
            page.goto(live_server + "/")
            assert region_violations(page) == []
            banner = page.get_by_role("region", name="Who this site is for")
            assert banner.inner_text().strip() == (
                "This site is intended for healthcare professionals only."
            )
            header = page.locator("header.nhsuk-header").bounding_box()
            shown = page.locator(BANNER).bounding_box()
            # Straight under the header, as wide as the window, its text on one or more lines.
            assert abs(shown["y"] - (header["y"] + header["height"])) < 1
            assert shown["width"] == pytest.approx(width, abs=1)
    finally:
        context.close()
