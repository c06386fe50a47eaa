"""Dates read one way across the product: templates format them through the named filters
of app/jinja.py (`day`, `short_day`, `day_time`, `time_of_day`), never a format of their own."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"

# A format spelled in a template: strftime, isoformat, or a str.format-style date spec.
OWN_FORMAT = re.compile(r"\.strftime\(|\.isoformat\(|%-?[dbBYHMS]\b")


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
    assert _own_formats() == {}, "format dates with |day, |short_day, |day_time or |time_of_day"
