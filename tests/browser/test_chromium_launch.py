"""The test browser runs with Playwright's disabled features and ours, in the one switch
Chromium reads."""

from tests.browser.chromium import (
    DISABLE_FEATURES,
    UNUSED_FEATURES,
    browser_command_line,
    disabled_features,
)

# A few of the features Playwright turns off for automation to behave (see its source).
PLAYWRIGHTS = {"HttpsUpgrades", "PaintHolding", "MediaRouter", "DestroyProfileOnBrowserClose"}


def test_one_switch_holds_both_lists(browser):
    command_line = browser_command_line()
    switches = [arg for arg in command_line if arg.startswith(DISABLE_FEATURES)]
    assert len(switches) == 1
    assert PLAYWRIGHTS | set(UNUSED_FEATURES) <= disabled_features(command_line)


def test_the_last_switch_is_the_one_read():
    command_line = ["chromium", "--disable-features=A,B", "--no-sandbox", "--disable-features=C"]
    assert disabled_features(command_line) == {"C"}
    assert disabled_features(["chromium"]) == set()
