"""The guide's worked examples of both importers do what the guide says, word for word.

Each example is read from docs/authoring.md itself: its source file, the commands with
what they print, and the quiz file written; the commands are run in a fresh folder.
"""

import re
from pathlib import Path

from tests.conftest import PROJECT_ROOT

from .cli_helpers import run_linkwise

GUIDE = PROJECT_ROOT / "docs" / "authoring.md"


def blocks(heading: str) -> list[str]:
    """Return the fenced blocks of the guide's section under this heading, in order."""
    text = GUIDE.read_text("utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n### ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    return re.findall(r"\n```[a-z]*\n(.*?)\n```", section, flags=re.S)


def words(text: str) -> str:
    """Return text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def replay(transcript: str, folder: Path) -> None:
    """Run each `$ linkwise ...` line of a transcript in folder; check what it prints."""
    runs = re.split(r"^\$ linkwise ", transcript, flags=re.M)[1:]
    assert runs, transcript
    for run in runs:
        command, _, expected = run.partition("\n")
        result = run_linkwise(*command.split(), cwd=folder)
        assert words(result.stdout + result.stderr) == words(expected), command
        assert result.returncode == (1 if " error: " in expected else 0), command


def test_the_text2qti_example_reports_its_error_then_writes_the_quiz_shown(tmp_path):
    usage, source, first, second, written = blocks(
        "### Bringing in a text2qti quiz: `linkwise import-text2qti`"
    )
    assert usage.startswith("linkwise import-text2qti FILE")
    (tmp_path / "referral-quiz.txt").write_text(source + "\n")
    (tmp_path / "drafts").mkdir()  # as the guide says: the command makes no folder
    replay(first, tmp_path)
    assert not any((tmp_path / "drafts").iterdir())
    unmarked = "\nb)  Contact the link worker service himself\n"
    assert unmarked in source
    marked = source.replace(unmarked, "\n*b) Contact the link worker service himself\n")
    (tmp_path / "referral-quiz.txt").write_text(marked + "\n")
    replay(second, tmp_path)
    assert (tmp_path / "drafts" / "referral-routes-check-3.md").read_text() == written + "\n"


def test_the_gift_example_warns_at_its_lines_and_writes_the_quiz_shown(tmp_path):
    usage, source, run, written = blocks(
        "### Bringing in a Moodle question bank: `linkwise import-gift`"
    )
    assert usage.startswith("linkwise import-gift FILE")
    (tmp_path / "system-bank.gift").write_text(source + "\n")
    (tmp_path / "drafts").mkdir()
    replay(run, tmp_path)
    quiz = tmp_path / "drafts" / "how-the-system-works-assessment.md"
    assert quiz.read_text() == written + "\n"
    # What the guide says validate then asks for: both lines, for each of the 3 questions.
    checked = run_linkwise("validate", "drafts/how-the-system-works-assessment.md", cwd=tmp_path)
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 6 and checked.returncode == 1
    assert sum("has no Competencies" in e for e in errors) == 3
    assert sum("has no Outcomes" in e for e in errors) == 3


def test_the_complete_worked_example_validates_as_the_guide_says(tmp_path):
    from tests.web.course_files import copy_course

    text = GUIDE.read_text("utf-8")
    start = text.index("\n## 10. A complete worked example\n")
    section = text[start : text.index("\n## 11.", start)]
    files = re.findall(r"\n`(content/[^`]+)`:\n\n```[a-z]*\n(.*?)\n```", section, flags=re.S)
    assert [name.rsplit("/", 1)[1] for name, _ in files] == [
        "module.md",
        "01-carers-needs.md",
        "02-connecting-carers.md",
        "carer-routes.svg",
    ]
    root = copy_course(tmp_path)
    for name, body in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body + "\n", "utf-8")
    result = run_linkwise(
        "validate",
        "content/modules/working-with-carers",
        cwd=root,
        env={
            "LINKWISE_CONTENT_DIR": str(root / "content"),
            "LINKWISE_COMPETENCIES_DIR": str(root / "competencies"),
            "LINKWISE_CONTENT_CACHE": "off",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " error: " not in result.stdout + result.stderr


def test_the_worked_example_sends_immediate_danger_to_999_first():
    # Trainers copy the guide's example: its safety callout must not put immediate danger
    # on the same-day safeguarding route (a reviewer found "at risk ... the same day").
    text = GUIDE.read_text("utf-8")
    start = text.index("\n## 10. A complete worked example\n")
    screen = text[
        text.index("`content/modules/working-with-carers/02-connecting-carers.md`", start) :
    ]
    callout = words(
        screen[screen.index('!!! warning "Important"') : screen.index("Next, you will")]
    )
    assert "If anyone is in immediate danger, call 999." in callout
    assert callout.index("call 999") < callout.index("the same day")


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def test_the_guide_counts_the_assessments_the_course_ships():
    said = re.search(r"and the (\w+) assessments in `content/quizzes/`", words(GUIDE.read_text()))
    shipped = list((PROJECT_ROOT / "content" / "quizzes").glob("*-assessment.md"))
    assert said and NUMBER_WORDS.index(said.group(1)) == len(shipped)


def test_the_guide_says_the_shipped_course_has_the_warnings_validate_gives():
    assert "The shipped course validates with no warnings at all." in words(GUIDE.read_text())
    result = run_linkwise("validate")
    assert result.returncode == 0 and result.stderr.strip() == "0 errors, 0 warnings"
