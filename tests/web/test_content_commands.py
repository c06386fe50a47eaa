"""The trainer's commands as run from a shell: validate and both importers."""

from pathlib import Path

import pytest

from .cli_helpers import run_linkwise
from .course_files import copy_course

ROOT = Path(__file__).resolve().parents[2]
GIFT = ROOT / "tests" / "domain" / "quiz_imports" / "fixtures" / "gift"
BROKEN_TEXT2QTI = """Quiz title: Broken basics

1.  Which route is right?
a)  One
b)  Two

2.  Mixed markers here.
*a) One
[ ] Two

3.  No answers at all.

4.  How many?
=   twelve
"""


def test_import_text2qti_reports_each_error_at_the_source_line_and_writes_nothing(tmp_path):
    source = tmp_path / "bad.txt"
    source.write_text(BROKEN_TEXT2QTI)
    target = tmp_path / "out" / "referral-routes-assessment.md"
    result = run_linkwise("import-text2qti", "bad.txt", "-o", str(target), cwd=tmp_path)
    assert result.returncode == 1
    errors = [line.split(": error: ")[0] for line in result.stderr.splitlines() if "error:" in line]
    assert errors == ["bad.txt:3", "bad.txt:9", "bad.txt:11", "bad.txt:14"]
    assert "4 errors, 0 warnings; nothing was written" in result.stderr
    assert not target.exists()


def test_an_output_name_that_is_not_a_quiz_id_is_a_usage_error(tmp_path):
    source = "tests/domain/quizzes/fixtures/text2qti/referral-basics.txt"
    result = run_linkwise("import-text2qti", source, "-o", str(tmp_path / "My Quiz.md"))
    assert result.returncode == 2
    assert "'My Quiz' is not a quiz id" in result.stderr


def test_import_gift_then_validate_leaves_only_competencies_and_outcomes_to_fill_in(tmp_path):
    target = tmp_path / "referral-routes-assessment.md"
    result = run_linkwise("import-gift", str(GIFT / "written.gift"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr and "(8 questions)" in result.stderr
    checked = run_linkwise("validate", str(target))
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert sum("has no Competencies" in line for line in errors) == 8
    assert sum("has no Outcomes" in line for line in errors) == 8
    assert len(errors) == 16


def test_import_gift_prints_to_stdout_and_warnings_to_stderr():
    result = run_linkwise("import-gift", str(GIFT / "matching-and-pools.gift"), "--module", "x")
    assert result.returncode == 0
    assert result.stdout.startswith("---\nid: matching-and-pools\nmodule: x\n")
    assert "matching-and-pools.gift:3: warning: category '$course$/top/Matching'" in result.stderr


def test_import_gift_says_when_and_why_it_lowers_pick(tmp_path):
    bank = "$CATEGORY: Referrals\n\n::A::One {=a ~b}\n\n::B::Two {=c ~d}\n"
    (tmp_path / "cat.gift").write_text(bank)
    result = run_linkwise("import-gift", "cat.gift", "--pick", "5", "--module", "m", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\npick: 1\n" in result.stdout
    assert (
        "cat.gift:1: warning: category 'Referrals' becomes a pool that picks 1 of its 2 "
        "questions for each attempt; --pick 5 is lowered to 1, one fewer than its questions, "
        "so that attempts differ: change 'pick:' to suit"
    ) in result.stderr


def test_validate_prints_paths_relative_to_the_project_even_inside_messages(tmp_path):
    quiz = tmp_path / "referral-routes-extra.md"
    quiz.write_text(
        "---\nid: referral-routes-extra\nmodule: referral-routes\ntitle: Extra\n"
        "kind: assessment\npass_mark: 80\nshuffle_answers: false\nshuffle_questions: false\n"
        "show_correct_answers: never\n---\nID: e-q1\nCompetencies: SPLW-4.1\nOutcomes: 1\n"
        "1.  Which route?\na)  One\n*b) Two\n"
    )
    result = run_linkwise("validate", str(quiz))
    assert result.returncode == 1
    assert result.stdout == (
        f"{quiz}:5: error: module 'referral-routes' already has an assessment, "
        "content/quizzes/referral-routes-assessment.md: a module has one assessment at most\n"
    )
    # Run from another folder, files there are named from it and the course's from the project.
    elsewhere = run_linkwise("validate", quiz.name, cwd=tmp_path)
    assert elsewhere.stdout == result.stdout.replace(f"{quiz}", quiz.name)


def test_import_gift_reports_each_error_at_the_source_line_and_writes_nothing(tmp_path):
    from tests.domain.quiz_imports.test_gift_import import BROKEN

    (tmp_path / "broken.gift").write_text(BROKEN)
    target = tmp_path / "out" / "referral-routes-assessment.md"
    result = run_linkwise("import-gift", "broken.gift", "-o", str(target), cwd=tmp_path)
    assert result.returncode == 1
    errors = [line.split(": error: ")[0] for line in result.stderr.splitlines() if "error:" in line]
    assert errors == ["broken.gift:3", "broken.gift:7", "broken.gift:10", "broken.gift:12"]
    assert result.stderr.rstrip().endswith("nothing was written")
    assert "4 errors" in result.stderr
    assert not target.exists() and not target.parent.exists()
    assert result.stdout == ""


def test_import_gift_refuses_questions_with_no_blank_line_between_them(tmp_path):
    from tests.domain.quiz_imports.test_gift_import import RUN_ON

    bank, _, _ = RUN_ON["after-answers.gift"]
    (tmp_path / "b2.gift").write_text(bank)
    target = tmp_path / "b2.md"
    result = run_linkwise(
        "import-gift", "b2.gift", "-o", str(target), "--module", "referral-routes", cwd=tmp_path
    )
    assert result.returncode == 1
    errors = [line.split(": error: ")[0] for line in result.stderr.splitlines() if "error:" in line]
    assert errors == ["b2.gift:2", "b2.gift:3"]
    assert "a blank line is probably missing before '::B::'" in result.stderr
    assert not target.exists()


# A slip made in a copy of a shipped file by replacing text, the line it is reported at (the
# first line of the edited file holding `at`) and the message; `{callout}` is the line of the
# callout above, `{folder}` the file's folder.
SYSTEM = "modules/how-the-system-works/05-model-of-personalised-care.md"
SLIPS = {
    "callout text indented by 2 spaces": (
        "modules/referral-routes/02-medical-routes.md",
        [("    A medical referral does not mean", "  A medical referral does not mean")],
        "  A medical referral does not mean",
        "callout text is indented by 2 spaces, not 4, so it is shown after the callout at line "
        "{callout}, not in it; indent it by 4 spaces, or leave a blank line above it to end the "
        "callout",
    ),
    "unquoted callout title": (
        "modules/referral-routes/04-self-referral.md",
        [('!!! warning "Important"', "!!! warning Important")],
        "!!! warning Important",
        "callout title 'Important' is not in straight double quotes, so the callout is headed "
        "'Warning' and the title is lost; write !!! warning \"Important\"",
    ),
    "footnote mark without its footnote": (
        SYSTEM,
        [("\n[^1]: NHS England, Universal", "\nNHS England, Universal")],
        "six parts.[^1]",
        "footnote [^1] has no footnote text, so learners see '[^1]' as it is; add a line "
        "'[^1]: Source, year.' at the end of the screen",
    ),
    "footnote that nothing marks": (
        SYSTEM,
        [("six parts.[^1]", "six parts.")],
        "[^1]: NHS England, Universal",
        "footnote [^1] is never marked in the text, so it is listed under References with a "
        "back link that leads nowhere; put [^1] after what it is the source of, or delete the "
        "footnote",
    ),
    "figure with no blank line above it": (
        SYSTEM,
        [("six.\n\n![", "six.\n![")],
        "![Diagram of the comprehensive model",
        "image 'personalised-care-model.svg' has a caption but is not alone in its paragraph, "
        "so it is not shown as a figure and the caption is lost; leave a blank line before and "
        "after the image",
    ),
    "table caption with no blank line below it": (
        "modules/what-is-social-prescribing/05-roles-and-responsibilities.md",
        [("of a link worker\n\n| Role |", "of a link worker\n| Role |")],
        "Table 1: The main roles",
        "table caption 'Table 1: The main roles and responsibilities of a link worker' has no "
        "blank line after it, so the table is shown as plain text with its | signs; leave a "
        "blank line between the caption and the table",
    ),
    "raw HTML": (
        "modules/referral-routes/02-medical-routes.md",
        [("\n## ", "\nA warning in red: <script>alert('x')</script>\n\n## ")],
        "A warning in red: <script>",
        "raw HTML <script> is not allowed: the page leaves out the tags, keeping at most the "
        "text between them; write it in Markdown instead",
    ),
    "image after a link to the same file": (
        SYSTEM,
        [
            ("Figure 2 shows them", "[Figure 2](personal-care-model.svg) shows them"),
            ("](personalised-care-model.svg", "](personal-care-model.svg"),
        ],
        "![Diagram of the comprehensive model",
        "image file 'personal-care-model.svg' not found in {folder} "
        "(did you mean 'personalised-care-model.svg'?)",
    ),
    "footnote mark on a wrapped line of a quiz question": (
        "quizzes/referral-routes-assessment.md",
        [("    stopped going out after a fall.", "    stopped going out after a fall.[^1]")],
        "after a fall.[^1]",
        "footnote [^1] has no footnote text, so learners see '[^1]' as it is; add a line "
        "'[^1]: Source, year.' at the end of the question",
    ),
    "raw HTML in a knowledge check's feedback on a choice": (
        "quizzes/how-the-system-works-check-1.md",
        [("    where to start.", "    <strong>where</strong> to start.")],
        "<strong>where</strong>",
        "raw HTML <strong> is not allowed: the page leaves out the tags, keeping at most the "
        "text between them; write it in Markdown instead",
    ),
    "link in a quiz question to a screen its module does not have": (
        "quizzes/referral-routes-assessment.md",
        [
            (
                "    stopped going out after a fall.",
                "    stopped going out ([a fall](screen:falls)).",
            )
        ],
        "(screen:falls)",
        "link 'screen:falls' points to screen 'falls', which is not in module 'referral-routes'",
    ),
    "link in a knowledge check's feedback on a choice to a module that does not exist": (
        "quizzes/how-the-system-works-check-1.md",
        [("    where to start.", "    where to [start](module:referal-routes).")],
        "(module:referal-routes)",
        "link 'module:referal-routes' points to module 'referal-routes', which does not exist "
        "(did you mean 'referral-routes'?)",
    ),
    "a list in a knowledge check's choice": (
        "quizzes/how-the-system-works-check-1.md",
        [
            (
                "b)  Suggest a walking group near her home and offer to book it now",
                "b)  Suggest straight away:\n\n    - a walking group\n    - a lunch club",
            )
        ],
        "b)  Suggest straight away:",
        "a choice may use only inline Markdown (bold, italics, code and links), as the page "
        "shows it as the label of its answer, but this choice has a list; put lists, "
        "headings, quotes, tables, footnotes and further paragraphs in the question or its "
        "feedback",
    ),
    "outcome the module does not have": (
        "quizzes/referral-routes-assessment.md",
        [
            (
                "ID: rr-q22\nCompetencies: SPLW-4.1, REF-2.1\nOutcomes: 1\n",
                "ID: rr-q22\nCompetencies: SPLW-4.1, REF-2.1\nOutcomes: 9\n",
            )
        ],
        "Outcomes: 9",
        "question 1 names outcome 9 on its Outcomes: line, but module 'referral-routes' has 5 "
        "learning outcomes",
    ),
}


@pytest.mark.parametrize("name", SLIPS)
def test_validate_reports_a_slip_in_a_shipped_file_at_its_line(tmp_path, name):
    file, edits, at, message = SLIPS[name]
    course = copy_course(tmp_path)
    path = course / "content" / file
    text = path.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    lines = text.split("\n")
    line = next(number for number, shown in enumerate(lines, 1) if at in shown)
    callouts = [number for number, shown in enumerate(lines[:line], 1) if shown[:3] == "!!!"]
    expected = message.format(callout=callouts[-1] if callouts else 0, folder=path.parent)
    result = run_linkwise(
        "validate",
        env={
            "LINKWISE_CONTENT_DIR": str(course / "content"),
            "LINKWISE_COMPETENCIES_DIR": str(course / "competencies"),
        },
    )
    errors = [shown for shown in result.stdout.splitlines() if ": error: " in shown]
    assert errors == [f"{path}:{line}: error: {expected}"]
    assert result.returncode == 1


def test_a_check_that_shows_its_answer_first_is_a_warning_and_validate_still_passes(tmp_path):
    course = copy_course(tmp_path)
    path = course / "content" / "quizzes" / "how-the-system-works-check-1.md"
    text = path.read_text("utf-8")
    right = "*c) Explore what has kept her from church and what returning would mean to her\n"
    first = text.index("\na)  ") + 1
    text = text.replace(right, "")
    path.write_text(text[:first] + right + text[first:], "utf-8")
    result = run_linkwise(
        "validate",
        env={
            "LINKWISE_CONTENT_DIR": str(course / "content"),
            "LINKWISE_COMPETENCIES_DIR": str(course / "competencies"),
        },
    )
    shuffle = text.split("\n").index("shuffle_answers: false") + 1
    warnings = result.stdout.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith(
        f"{path}:{shuffle}: warning: shuffle_answers is false and the question lists its right "
        "choice first"
    )
    assert "0 errors, 1 warning\n" in result.stdout + result.stderr
    assert result.returncode == 0
