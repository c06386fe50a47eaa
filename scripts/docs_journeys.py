"""The journeys `make screenshots` takes through the site, one browser context per person.

The learner's journey is in docs_learner_journey.py; the staff's pages and the sign-in
limits are here; docs_steps.py has the steps they share (see there how a screenshot waits
for its page).
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

# Run as a file, it still finds its sibling modules and says how to take the screenshots.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.docs_learner_journey import first_visit, learning, verify_certificate  # noqa: E402
from scripts.docs_steps import LEARNER, heading, pass_gate, shoot, sign_in  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def take_all(base: str, env: dict, folder: Path, chromium: str) -> None:
    """Take every screenshot, the ones that block signing in last."""
    from app import create_app

    app = create_app()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:

            def person():
                return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

            learner = person()
            first_visit(learner, base, folder)
            learning(learner, base, app)
            verify_certificate(person(), learner)
            staff_pages(person, base)
            print(linkwise_top_up(env))
            big_dashboard(person(), base)
            too_many_attempts(person(), base)
        finally:
            browser.close()


def staff_pages(person, base: str) -> None:
    """The trainer's competencies, the administrator's audit log, the manager's dashboard."""
    trainer = person()
    sign_in(trainer, base, "trainer@example.org")
    trainer.goto(base + "/competencies/")
    expect(trainer.get_by_role("heading", level=1)).to_be_visible()
    shoot(trainer, "competencies")

    admin = person()
    admin.goto(base + "/sign-in")
    pass_gate(admin)
    admin.get_by_label("Email address").fill("admin@example.org")
    admin.get_by_label("Password", exact=True).fill("wrong password here")
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", name="There is a problem")).to_be_visible()
    sign_in(admin, base, "admin@example.org")
    # At 1280 pixels the header gathers an administrator's last links into a menu.
    admin.goto(base + "/admin/audit")
    heading(admin, "Audit log")
    admin.get_by_label("Event", exact=True).select_option("sign_in.failure")
    admin.get_by_role("button", name="Filter").click()
    expect(admin.get_by_role("cell", name="sign_in.failure").first).to_be_visible()
    shoot(admin, "audit-log")

    manager = person()
    sign_in(manager, base, "manager@example.org")
    manager.get_by_role("link", name="Your organisation").first.click()
    expect(manager.get_by_role("heading", name="Demo Primary Care Network")).to_be_visible()
    shoot(manager, "manage-dashboard")
    manager.get_by_label("Search by name or email").fill(LEARNER)
    manager.get_by_role("button", name="Apply").click()
    manager.get_by_role("link", name="Lee Learner").first.click()
    heading(manager, "Lee Learner")
    shoot(manager, "manage-learner")


def big_dashboard(manager, base: str) -> None:
    """The manager's dashboard once the organisation has 5,000 learners."""
    sign_in(manager, base, "manager@example.org")
    manager.goto(base + "/manage/")
    # The figures count the learners of one framework "of your N learners".
    yours = re.search(r"of your (\d+) learners", manager.locator("main").inner_text())
    if not yours or int(yours.group(1)) < 5000:
        raise RuntimeError("the dashboard does not count 5,000 learners in the organisation")
    shoot(manager, "manage-dashboard-5000-learners")


def linkwise_top_up(env: dict) -> str:
    """Top the demo organisation up to 5,000 learners, as `seed-demo` does, and re-rate."""
    from bench.server import linkwise

    seeded = linkwise(env, "seed-demo", "--learners", "5000", "--top-up")
    return seeded.strip() + "\n" + linkwise(env, "recompute-levels").strip()


def too_many_attempts(page, base: str) -> None:
    """Guess at one account until this device is stopped, then at many until the address is."""

    def fail(email: str) -> None:
        page.goto(base + "/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill("not my password at all")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    page.goto(base + "/sign-in")
    pass_gate(page)
    for _ in range(10):
        fail(LEARNER)
        if page.get_by_text("too many attempts from this device").count():
            break
    heading(page, "Too many attempts")
    shoot(page, "too-many-attempts-device")
    for n in range(40):
        fail(f"colleague{n}@example.org")
        if page.get_by_text("too many attempts from your internet connection").count():
            break
    heading(page, "Too many attempts")
    shoot(page, "too-many-attempts-network")


if __name__ == "__main__":
    sys.exit("Run scripts/docs_screenshots.py (`make screenshots`).")
