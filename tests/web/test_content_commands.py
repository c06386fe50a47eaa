"""The trainer's commands as run from a shell: validate and both importers."""

from pathlib import Path

from .cli_helpers import run_linkwise

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


def test_validate_prints_paths_relative_to_the_project_even_inside_messages(tmp_path):
    quiz = tmp_path / "referral-routes-extra.md"
    quiz.write_text(
        "---\nid: referral-routes-extra\nmodule: referral-routes\ntitle: Extra\n"
        "kind: assessment\npass_mark: 80\nshuffle_answers: false\nshuffle_questions: false\n"
        "show_correct_answers: never\n---\nID: e-q1\nCompetencies: SPLW-4.1\nOutcomes: 1\n"
        "1.  Which route?\n*a) One\nb)  Two\n"
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
