"""A title too long to read at a glance is a warning at its line; the course still loads."""

from pathlib import Path

from app.domain.catalogue import load_catalogue

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .test_value_shapes import ASSESSMENT, QUESTION, Course, as_file

LONG = "A screen about " + "the many needs of carers " * 20  # 515 characters
WARNING = (
    "characters long: keep a title to 65 characters or fewer, so it is read at a glance and "
    "not cut short in a browser tab; put the detail in the text below it"
)


def warnings(result) -> list[str]:
    """Return the warnings of titles (an assessment this small is also warned of coverage)."""
    found = [p for p in result.warnings if "characters long" in p.message]
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in found]


def test_a_long_screen_title_and_menu_title_are_warnings_at_their_lines(tmp_path):
    screen = f"---\ntitle: {LONG.strip()}\nmenu_title: {'M' * 66}\n---\nText.\n"
    result = Course(tmp_path).load(screen=screen)
    assert result.catalogue is not None
    assert warnings(result) == [
        f"01-a.md:2: 'title' is {len(LONG.strip())} {WARNING}",
        f"01-a.md:3: 'menu_title' is 66 {WARNING}",
    ]


def test_a_long_module_title_and_quiz_title_are_warnings(tmp_path):
    module = MODULE_MD.replace("title: Tiny", f"title: {'T' * 70}", 1)
    quiz = as_file({**ASSESSMENT, "title": "Q" * 80}, QUESTION)
    result = Course(tmp_path).load(module=module, assessment=quiz)
    assert result.catalogue is not None
    assert sorted(warnings(result)) == [
        f"module.md:2: 'title' is 70 {WARNING}",
        f"tiny-assessment.md:4: 'title' is 80 {WARNING}",
    ]


def test_a_title_of_65_characters_passes(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "module.md").write_text(MODULE_MD)
    (folder / "01-a.md").write_text(f"---\ntitle: {'T' * 65}\n---\nText.\n")
    assert load_catalogue([folder], [TINY_FRAMEWORK]).problems == ()
