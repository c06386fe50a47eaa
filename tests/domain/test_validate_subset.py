"""Validating some files checks them as part of the installed course, and every error once."""

import shutil
from pathlib import Path

import pytest

from app.domain.catalogue import validate

ROOT = Path(__file__).resolve().parents[2]

QUIZ = """---
id: {id}
module: {module}
title: A quiz written by a test
kind: {kind}
pass_mark: {pass_mark}
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-each-submission
---
"""
CHOICE = """ID: {id}
Competencies: {codes}
Outcomes: 1
1.  Which route?
a)  One
*b) Two
"""


@pytest.fixture
def site(tmp_path):
    """Return a copy of the shipped course, installed under tmp_path."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "competencies", tmp_path / "competencies")
    return tmp_path


def check(site: Path, *paths: Path) -> list[str]:
    """Validate the named paths against the installed copy; return what would be printed."""
    problems = validate(
        paths,
        default_competencies_dir=site / "competencies",
        default_modules_dir=site / "content" / "modules",
        default_quizzes_dir=site / "content" / "quizzes",
    )
    return [str(problem).removeprefix(f"{site}/") for problem in problems]


def quiz(folder: Path, quiz_id: str, body: str, kind="assessment", module="referral-routes"):
    """Write a quiz file and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    pass_mark = 80 if kind == "assessment" else 0
    path = folder / f"{quiz_id}.md"
    path.write_text(QUIZ.format(id=quiz_id, module=module, kind=kind, pass_mark=pass_mark) + body)
    return path


def test_a_second_assessment_is_reported_when_only_the_quizzes_are_checked(site):
    quizzes = site / "content" / "quizzes"
    quiz(quizzes, "referral-routes-extra", CHOICE.format(id="x-q1", codes="SPLW-4.1"))
    expected = (
        "content/quizzes/referral-routes-extra.md:5: error: module 'referral-routes' already "
        f"has an assessment, {site}/content/quizzes/referral-routes-assessment.md: "
        "a module has one assessment at most"
    )
    assert check(site, quizzes) == [expected]
    assert check(site, quizzes / "referral-routes-extra.md") == [expected]


def test_a_quiz_file_anywhere_is_checked_against_the_installed_course(site):
    draft = quiz(
        site / "drafts", "referral-routes-assessment", CHOICE.format(id="d-q1", codes="SPLW-9.9")
    )
    problems = check(site, draft)
    # It replaces the installed assessment of the same name, so it clashes with nothing.
    assert problems == [
        "drafts/referral-routes-assessment.md:12: error: question 1 has an unknown competency: "
        "competency 'SPLW-9.9' is not in any framework (did you mean 'SPLW-8.4'?)",
    ]


def test_a_knowledge_check_holds_one_question_of_the_three_types_the_guide_allows(site):
    body = CHOICE.format(id="k-q1", codes="SPLW-4.1") + (
        "\nID: k-q2\nType: ordering\n2.  Put these in order.\n1)  First\n2)  Second\n"
    )
    path = quiz(site / "content" / "quizzes", "referral-routes-check-2", body, "knowledge-check")
    assert check(site, path) == [
        "content/quizzes/referral-routes-check-2.md:19: error: question 2 is an ordering "
        "question, but a knowledge check asks one of: single-choice, true-false, "
        "multiple-answers",
        "content/quizzes/referral-routes-check-2.md:20: error: a knowledge check holds exactly "
        "one question, but this file has 2: move the others to their own knowledge checks or "
        "to the module's assessment",
    ]


def test_a_question_may_only_give_evidence_for_its_modules_competencies(site):
    body = CHOICE.format(id="k-q1", codes="SPLW-4.1, SPLW-8.1")
    path = quiz(site / "content" / "quizzes", "referral-routes-check-2", body, "knowledge-check")
    (problem,) = check(site, path)
    assert problem.startswith(
        "content/quizzes/referral-routes-check-2.md:12: error: question 1 gives evidence for "
        "SPLW-8.1, which module 'referral-routes' does not list: use one of "
    )
    assert "SPLW-4.1" in problem
    assert problem.endswith("or add SPLW-8.1 to the module's competencies in its module.md")


def test_an_unknown_code_is_one_error_not_also_a_missing_competencies_line(site):
    body = CHOICE.format(id="a-q1", codes="SPLW-9.9")
    path = quiz(site / "content" / "quizzes", "referral-routes-assessment", body)
    problems = check(site, path)
    assert [p for p in problems if "error" in p] == [
        "content/quizzes/referral-routes-assessment.md:12: error: question 1 has an unknown "
        "competency: competency 'SPLW-9.9' is not in any framework (did you mean 'SPLW-8.4'?)"
    ]


def test_a_duplicate_screen_slug_does_not_hide_the_screens_other_mistakes(site):
    module = site / "content" / "modules" / "referral-routes"
    (module / "10-summary.md").write_text(
        "---\ntitle: Again\nknowledge_check: no-such-check\n---\n## Body\n"
    )
    problems = check(site, module / "10-summary.md")
    assert (
        "content/modules/referral-routes/10-summary.md:1: error: screen slug 'summary' is "
        "also used by 09-summary.md" in problems
    )
    assert (
        "content/modules/referral-routes/10-summary.md:3: error: knowledge check "
        "'no-such-check' is not a quiz file"
    ) in problems


def test_a_broken_knowledge_check_is_not_also_called_missing_from_its_screen(site):
    path = site / "content" / "quizzes" / "referral-routes-check-2.md"
    path.write_text(path.read_text().replace("*b) Act through", "b)  Act through"))
    problems = check(site, site / "content")
    # The error sits on the question's numbered line, wherever the file now puts it.
    line = (
        path.read_text()
        .splitlines()
        .index(next(x for x in path.read_text().splitlines() if x.startswith("1.  ")))
    )
    assert problems == [
        f"content/quizzes/referral-routes-check-2.md:{line + 1}: error: question 1 has no "
        "correct answer: mark one choice with *a)",
    ] + [p for p in problems if "warning" in p]


def test_a_broken_quiz_still_has_its_module_checked(site):
    path = quiz(
        site / "content" / "quizzes",
        "stray-check",
        "1.  No answers\n",
        "knowledge-check",
        "no-such-module",
    )
    assert check(site, path) == [
        "content/quizzes/stray-check.md:3: error: module 'no-such-module' does not exist",
        "content/quizzes/stray-check.md:11: error: question 1 has no ID: add a line like "
        "'ID: stray-check-q1' before it",
        "content/quizzes/stray-check.md:11: error: question 1 has no answers: add choices 'a)' "
        "with the right one '*a)', ticks '[ ]' and '[*]', accepted answers '*   answer' or a "
        "number '= 42'",
    ]


def test_a_knowledge_check_goes_on_one_screen_and_every_check_on_some_screen(site):
    module = site / "content" / "modules" / "referral-routes"
    screen = module / "08-case-scenarios.md"
    screen.write_text(
        screen.read_text().replace("---\n", "---\nknowledge_check: referral-routes-check-1\n", 1)
    )
    problems = check(site, screen)
    assert problems == [
        "content/modules/referral-routes/08-case-scenarios.md:2: error: knowledge check "
        "'referral-routes-check-1' is already on "
        f"{module}/05-a-good-referral.md: a knowledge check goes on one screen only",
    ]
    screen.write_text((ROOT / screen.relative_to(site)).read_text())
    other = module / "06-scope-and-safety.md"
    other.write_text(other.read_text().replace("knowledge_check: referral-routes-check-2\n", ""))
    assert check(site, other) == [
        "content/quizzes/referral-routes-check-2.md:1: warning: knowledge check "
        "'referral-routes-check-2' is on no screen, so learners never see it: add "
        "'knowledge_check: referral-routes-check-2' to the front matter of the screen it checks"
    ]


def test_naming_files_reports_every_error_anywhere_but_only_their_own_warnings(site):
    # The framework's own warnings (competencies no module lists) are not the quizzes'.
    framework = site / "competencies" / "splw.yaml"
    framework.write_text(
        framework.read_text()
        + "      - code: SPLW-8.9\n        name: Untaught\n        statement: Not in any module.\n"
    )
    assert any("SPLW-8.9" in p and "warning" in p for p in check(site))
    assert check(site, site / "content" / "quizzes") == []
    screen = site / "content" / "modules" / "how-the-system-works" / "01-link-workers-in-the-nhs.md"
    screen.write_text("no front matter\n")
    assert check(site, site / "content" / "quizzes") == [
        "content/modules/how-the-system-works/01-link-workers-in-the-nhs.md:1: error: missing "
        "front matter: start the file with a '---' line, then 'title: ...', then another '---' "
        "line"
    ]


def test_broken_front_matter_does_not_hide_the_mistakes_in_the_body(site):
    screen = site / "content" / "modules" / "referral-routes" / "09-summary.md"
    text = screen.read_text()
    screen.write_text(
        text.replace("title: ", "title: Summary: ", 1).replace(
            "](screen:a-good-referral)", "](screen:a-good-refferal)"
        )
    )
    problems = check(site, screen)
    assert [p.split(": error: ")[1][:40] for p in problems] == [
        "invalid YAML in front matter: the 'key:'",
        "link 'screen:a-good-refferal' points to ",
    ]


def test_a_module_folder_without_module_md_is_one_error_at_the_folder_and_no_other_is(site):
    folder = site / "content" / "modules" / "carers"
    folder.mkdir()
    (folder / "Module.md").write_text("---\ntitle: Working with carers\n---\nAbout carers.\n")
    screen = folder / "01-carers-needs.md"
    screen.write_text("---\ntitle: Carers' needs\n---\n## Who\n\nText.\n")
    misnamed = "content/modules/carers: error: no module.md (found Module.md): rename it module.md"
    assert [p for p in check(site) if ": error: " in p] == [misnamed]
    # Named, the folder or any file in it is that one error: its screen is no quiz.
    for named in (folder, screen, folder / "Module.md"):
        assert check(site, named) == [misnamed], named
    (folder / "Module.md").unlink()
    assert check(site, screen) == [
        "content/modules/carers: error: no module.md (found 01-carers-needs.md): add "
        "module.md, or the folder is not read as a module"
    ]

    # Not modules: a module's own folder of pictures, a quiz named like a screen in drafts.
    pictures = site / "content" / "modules" / "referral-routes" / "pictures"
    pictures.mkdir()
    (pictures / "01-map.md").write_text("Notes on the map.\n")
    draft = quiz(
        site / "drafts", "01-referral-routes-assessment", CHOICE.format(id="d-q1", codes="SPLW-4.1")
    )
    shutil.rmtree(folder)
    assert [p for p in check(site) if ": error: " in p] == []
    assert not any("no module.md" in p for p in check(site, draft))


def test_a_screen_outside_its_module_folder_is_one_error_naming_the_screen_of_its_name(site):
    draft = site / "drafts" / "02-medical-routes.md"
    draft.parent.mkdir()
    installed = site / "content" / "modules" / "referral-routes" / "02-medical-routes.md"
    shutil.copy(installed, draft)
    new = draft.with_name("11-carers-routes.md")
    shutil.copy(installed, new)
    inside = "a screen is checked only as part of its module, from inside the module's folder"
    assert check(site, draft) == [
        f"drafts/02-medical-routes.md:1: error: this is a screen, not a quiz: {inside} (the "
        f"folder with module.md); save it in place of {installed}, the screen of this name, "
        "and name that file"
    ]
    # Not "quiz front matter is missing required key 'id'" and a score more.
    assert check(site, new) == [
        f"drafts/11-carers-routes.md:1: error: this is a screen, not a quiz: {inside} (the "
        "folder with module.md); save it in its module's folder, beside module.md, and name "
        "it there"
    ]


def test_a_quiz_named_like_a_screen_is_still_checked_as_a_quiz(site):
    body = CHOICE.format(id="x-q1", codes="SPLW-4.1")
    draft = quiz(site / "drafts", "01-first-check", body, kind="knowledge-check")
    assert check(site, draft) == [
        "drafts/01-first-check.md:1: warning: knowledge check '01-first-check' is on no screen, "
        "so learners never see it: add 'knowledge_check: 01-first-check' to the front matter of "
        "the screen it checks"
    ]
