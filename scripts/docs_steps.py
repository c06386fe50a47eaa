"""The steps every screenshot journey takes: sign in, wait for a heading, save the page.

Each screenshot is taken once the page shows what its name says (its heading, its state),
so a sign-in page or an error page is never saved by mistake.
"""

import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = os.environ.get("LINKWISE_DEMO_PASSWORD") or "linkwise-demo-2026"  # seed-demo's
LEARNER = "learner@example.org"


def shoot(page, name: str) -> None:
    """Save a full-page screenshot with a 128-colour palette (each under 1 MiB).

    With 64 colours a page full of green and red lost the header's darker account box.
    """
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    Image.open(path).convert("RGB").quantize(colors=128).save(path, optimize=True)
    print(f"  {name}.png")


def heading(page, text: str) -> None:
    """Wait until the page's main heading says `text`."""
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, passing the healthcare professional question if asked."""
    page.goto(base + "/sign-in")
    pass_gate(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def pass_gate(page) -> None:
    """Say yes to the healthcare professional question, when a page asks it first."""
    if "confirm-professional" in page.url:
        page.get_by_role("button", name="I am a healthcare professional").click()
