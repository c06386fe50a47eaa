"""Download names say whose file it is and what it holds, in safe ASCII."""

import re
from datetime import date

from app.domain.file_names import download_name, slug

DAY = date(2026, 12, 7)


def test_a_name_is_made_a_lower_case_ascii_slug():
    assert slug("Riverside PCN") == "riverside-pcn"
    assert slug("St Mary's & St John's (Elm) Surgery") == "st-mary-s-st-john-s-elm-surgery"
    assert slug("Zoë Ørsted-Łukasz 🌿") == "zoe-rsted-ukasz"
    assert slug('=HYPERLINK("x")\r\n"; rm') == "hyperlink-x-rm"
    assert slug("ظبي") == ""
    assert slug("a" * 50 + " b") == "a" * 40
    assert slug("abc " * 20) == slug("abc " * 20).strip("-")  # never ends on a hyphen


def test_a_download_names_the_organisation_and_its_filters_then_the_day():
    assert (
        download_name("compliance", ["Riverside PCN", "Elm Street Surgery"], DAY, "csv")
        == "linkwise-compliance-riverside-pcn-elm-street-surgery-2026-12-07.csv"
    )
    assert (
        download_name("competencies", ["Riverside PCN", "", "ظبي", "due-soon"], DAY, "csv")
        == "linkwise-competencies-riverside-pcn-due-soon-2026-12-07.csv"
    )
    name = download_name("compliance", ['"; filename=evil.exe', "x" * 300], DAY, "xlsx")
    assert re.fullmatch(r"[a-z0-9-]+\.xlsx", name) and len(name) < 120, name
