"""Launch Debian's Chromium for the tests, with the features nothing here uses turned off.

Chromium 156 opens the address bar's suggestion popup as a WebUI page, in a renderer of its
own, for every window: about a third of what a fresh browser context costs, and no test has
an address bar. Turning it off takes `--disable-features`, but Chromium reads only the last
such switch and Playwright passes its own list (HTTPS upgrades, paint holding, ...), which a
second switch would silently undo. So the browser is started once to read Playwright's list
from its command line, then started again with one switch holding both lists.
"""

import os
from pathlib import Path

DISABLE_FEATURES = "--disable-features="
# The omnibox popup and its AI-mode twin: each a WebUI renderer per window, never used here.
# The spare renderer: Chromium starts one ahead of the next navigation to a new site, and a
# test's pages, in a fresh context each, seldom use it. It was a third of the renderers a run
# started; without it Chromium spent about 6% less CPU on a fresh context and two loads, and
# 3% less on four browser test files (interleaved runs).
UNUSED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "SpareRendererForSitePerProcess")


def launch(playwright, executable: str, args: list[str]):
    """Start Chromium with `args`, and UNUSED_FEATURES disabled beside Playwright's own."""
    browser = playwright.chromium.launch(executable_path=executable, args=args)
    theirs = disabled_features_switch(browser_command_line())
    browser.close()
    switch = f"{theirs}," if theirs else DISABLE_FEATURES
    return playwright.chromium.launch(
        executable_path=executable,
        args=[*args, switch + ",".join(UNUSED_FEATURES)],
        ignore_default_args=[theirs] if theirs else None,
    )


def disabled_features_switch(command_line: list[str]) -> str | None:
    """The last `--disable-features=` switch of a command line: the one Chromium reads."""
    switches = [arg for arg in command_line if arg.startswith(DISABLE_FEATURES)]
    return switches[-1] if switches else None


def disabled_features(command_line: list[str]) -> set[str]:
    """The features a Chromium started with this command line runs without."""
    switch = disabled_features_switch(command_line) or DISABLE_FEATURES
    return {name for name in switch.removeprefix(DISABLE_FEATURES).split(",") if name}


def browser_command_line() -> list[str]:
    """The command line of the Chromium browser process this process started (through
    Playwright's driver): the one descendant Playwright talks to over a pipe."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone while being read
        children.setdefault(parent, []).append(int(entry.name))
    waiting, found = [os.getpid()], []
    while waiting:
        pid = waiting.pop()
        for child in children.get(pid, []):
            try:
                argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--remote-debugging-pipe" in argv:
                # Not below it: a child the browser has forked and not yet given its own
                # program shows the browser's command line for that moment (a loaded
                # machine's run once found two).
                found.append([arg.decode() for arg in argv if arg])
            else:
                waiting.append(child)
    if len(found) != 1:
        raise RuntimeError(f"expected one Chromium started by this process, found {len(found)}")
    return found[0]
