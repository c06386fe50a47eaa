"""Dates read one way across the product: templates format them through the named filters
of app/jinja.py (`day`, `short_day`, `day_time`, `time_of_day`), never a format of their own."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"

# A format spelled in a template: strftime, isoformat, or a str.format-style date spec.
OWN_FORMAT = re.compile(r"\.strftime\(|\.isoformat\(|%-?[dbBYHMS]\b")

# Owned by another change under way at the time of writing; each moves to the filters with
# it. Take a file off this list as soon as it is clean: the test says when one is.
NOT_YET = {
    "certificates/certificate.html",
    "certificates/verify.html",
    "learn/module.html",
    "learn/my_learning.html",
    "quiz/_next.html",
}


def _own_formats() -> dict[str, list[str]]:
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".txt", ".jinja", ".xml"):
            name = path.relative_to(TEMPLATES).as_posix()
            lines = [
                f"{number}: {line.strip()[:120]}"
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if OWN_FORMAT.search(line)
            ]
            if lines:
                found[name] = lines
    return found


def test_no_template_spells_a_date_format_of_its_own():
    drifting = {name: lines for name, lines in _own_formats().items() if name not in NOT_YET}
    assert drifting == {}, "format dates with |day, |short_day, |day_time or |time_of_day"


def test_every_file_still_waiting_for_the_filters_still_needs_them():
    assert set(_own_formats()) >= NOT_YET, "take the clean ones off NOT_YET"
