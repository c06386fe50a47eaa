"""Numbers in content files are ASCII digits: other scripts' digits are not read as numbers.

Python's `\\d` matches any script's digits and `int()` reads them, so `1٣y` used to load as
thirteen years and `SPLW-١.2` as a competency code that no one can type.
"""

from app.domain.competencies import parse_duration
from app.domain.framework_domain_files import CODE
from app.domain.module_files import SCREEN_FILE
from app.domain.quiz_imports.checked import HOUSE_NAME
from app.domain.quiz_imports.gift_parser import WEIGHT
from app.domain.quiz_imports.gift_questions import EXACT
from app.domain.scorm.manifest import _percentage


def test_a_duration_with_other_scripts_digits_is_not_a_duration():
    assert parse_duration("13y").months == 156
    assert parse_duration("1٣y") is None  # Arabic-Indic three
    assert parse_duration("１2m") is None  # fullwidth one


def test_competency_codes_and_screen_files_take_ascii_digits_only():
    assert CODE.match("SPLW-1.2")
    assert CODE.match("SPLW-١.2") is None
    assert SCREEN_FILE.match("01-welcome.md")
    assert SCREEN_FILE.match("٠١-welcome.md") is None
    assert HOUSE_NAME.match("safeguarding-check-2")
    assert HOUSE_NAME.match("safeguarding-check-٢") is None


def test_imported_numbers_take_ascii_digits_only():
    assert WEIGHT.match("%50%")
    assert WEIGHT.match("%٥٠%") is None
    assert EXACT.match("42")
    assert EXACT.match("٤٢") is None
    assert _percentage("80")
    assert not _percentage("٨٠")
