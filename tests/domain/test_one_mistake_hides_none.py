"""`linkwise validate` reports every mistake in one run, each once, where it is to be fixed.

One mistake must not hide another (a trainer would otherwise fix files in rounds), nor be
echoed at every line that depends on it.
"""

from pathlib import Path

from app.domain.catalogue import load_catalogue
from app.domain.framework_files import load_frameworks, unknown_code_message

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .test_validate_subset import CHOICE, check, quiz, site  # noqa: F401  (site is a fixture)

ASSESSMENT = "content/quizzes/referral-routes-assessment.md"
CHECK = "content/quizzes/referral-routes-check-1.md"
MODULE = "content/modules/referral-routes/module.md"


def _edit(site: Path, name: str, *changes: tuple[str, str]) -> list[str]:  # noqa: F811
    """Apply each (old, new) change once to a file of the site; return its lines before."""
    path = site / name
    text = path.read_text("utf-8")
    lines = text.splitlines()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    return lines


def _line(lines: list[str], text: str) -> int:
    return lines.index(text) + 1


def test_a_question_without_a_right_answer_hides_no_outcome_or_screen_of_another(site):  # noqa: F811
    lines = _edit(
        site,
        ASSESSMENT,
        ("*b) Refer him herself", "b)  Refer him herself"),
        (
            "Outcomes: 1\nScreens: how-people-reach-a-link-worker\n2.",
            "Outcomes: 7\nScreens: how-people-reach-a-worker\n2.",
        ),
    )
    outcomes = _line(lines, "ID: rr-q23") + 2
    assert check(site) == [
        f"{ASSESSMENT}:29: error: question 1 has no correct answer: mark one choice with *a)",
        f"{ASSESSMENT}:{outcomes}: error: question 2 names outcome 7 on its Outcomes: line, "
        "but module 'referral-routes' has 5 learning outcomes",
        f"{ASSESSMENT}:{outcomes + 1}: error: question 2 names screen "
        "'how-people-reach-a-worker' in 'Screens:', which is not a screen of module "
        "'referral-routes' (did you mean 'how-people-reach-a-link-worker'?)",
    ]


def test_a_knowledge_check_with_errors_still_has_its_outcomes_and_screens_checked(site):  # noqa: F811
    lines = _edit(
        site,
        CHECK,
        ("Outcomes: 3\nScreens: a-good-referral,", "Outcomes: 7\nScreens: a-good-referal,"),
        ("[*] That she needs an interpreter", "[ ] That she needs an interpreter"),
        ("[*] That Ms J agreed", "[ ] That Ms J agreed"),
        ("[*] The best time", "[ ] The best time"),
    )
    outcomes = _line(lines, "Outcomes: 3")
    problems = check(site)
    assert [p.split(": error: ")[0] for p in problems] == [
        f"{CHECK}:{outcomes}",
        f"{CHECK}:{outcomes + 1}",
        f"{CHECK}:{outcomes + 2}",
    ]
    assert "names outcome 7" in problems[0]
    assert "names screen 'a-good-referal'" in problems[1]
    assert "has no correct answer" in problems[2]


def test_an_empty_competencies_list_is_one_error_not_one_per_question(site):  # noqa: F811
    lines = _edit(site, MODULE, ("competencies: [SPLW-1.5, ", "competencies:\nx: [SPLW-1.5, "))
    line = _line(lines, next(t for t in lines if t.startswith("competencies:")))
    problems = [p for p in check(site) if ": error: " in p]
    assert problems == [
        f"{MODULE}:{line}: error: 'competencies' must be a list: under the 'competencies:' "
        "line, write each item on a line of its own starting '  - '"
    ]


def test_an_empty_flow_competencies_list_is_one_error(site):  # noqa: F811
    lines = _edit(site, MODULE, ("competencies: [SPLW-1.5, SPLW-4.1,", "competencies: []\nx: ["))
    line = _line(lines, next(t for t in lines if t.startswith("competencies:")))
    assert [p for p in check(site) if ": error: " in p] == [
        f"{MODULE}:{line}: error: 'competencies' must have at least one item"
    ]


def test_a_second_assessment_is_reported_at_the_newcomer_though_it_sorts_first(site):  # noqa: F811
    quizzes = site / "content" / "quizzes"
    newcomer = quiz(
        quizzes, "referral-routes-assessment-2", CHOICE.format(id="x", codes="SPLW-4.1")
    )
    assert newcomer.name < "referral-routes-assessment.md"
    assert check(site) == [
        "content/quizzes/referral-routes-assessment-2.md:5: error: module 'referral-routes' "
        f"already has an assessment, {quizzes}/referral-routes-assessment.md: a module has one "
        "assessment at most"
    ]


def test_of_two_assessments_without_the_modules_name_the_later_by_name_is_reported(site):  # noqa: F811
    quizzes = site / "content" / "quizzes"
    (quizzes / "referral-routes-assessment.md").rename(quizzes / "referral-routes-quiz.md")
    _edit(
        site,
        "content/quizzes/referral-routes-quiz.md",
        ("id: referral-routes-assessment", "id: referral-routes-quiz"),
    )
    quiz(quizzes, "referral-routes-a-draft", CHOICE.format(id="x", codes="SPLW-4.1"))
    assert check(site) == [
        "content/quizzes/referral-routes-quiz.md:5: error: module 'referral-routes' already has "
        f"an assessment, {quizzes}/referral-routes-a-draft.md: a module has one assessment at "
        "most"
    ]


def test_a_tab_in_module_front_matter_hides_no_unknown_competency_code(site):  # noqa: F811
    lines = _edit(
        site,
        MODULE,
        ("  - Describe the routes", "\t- Describe the routes"),
        ("SPLW-4.1, SPLW-4.2", "SPLW-4.1, SPLW-4.9"),
    )
    codes = _line(lines, next(t for t in lines if t.startswith("competencies:")))
    # The quizzes are not checked against a list that could not be read: no echoes.
    assert check(site) == [
        f"{MODULE}:10: error: invalid YAML in front matter: this line has a tab: indent with "
        "spaces only",
        f"{MODULE}:{codes}: error: competency 'SPLW-4.9' is not in any framework (did you mean "
        "'SPLW-4.4'?)",
    ]


def test_codes_in_a_block_list_of_unreadable_front_matter_are_checked_at_their_lines(course):
    module = MODULE_MD.replace("title: Tiny", "title: Tiny\n\tsummary: x").replace(
        "competencies: [TINY-1.1]", "competencies:\n  - TINY-1.1\n  - TINY-7.7\nother: TINY-8.8"
    )
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems] == [
        (3, "invalid YAML in front matter: this line has a tab: indent with spaces only"),
        (11, "competency 'TINY-7.7' is not in any framework (did you mean 'TINY-2.1'?)"),
    ]


def test_a_tab_in_a_framework_hides_no_competency_code_used_twice(tmp_path):
    text = TINY_FRAMEWORK.read_text()
    path = tmp_path / "tiny.yaml"
    path.write_text(
        text.replace("      - code: TINY-1.2", "      - code: TINY-1.1").replace(
            "        name: Routes", "\tname: Routes"
        )
    )
    problems = load_frameworks([path]).problems
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (
            24,
            f"competency code 'TINY-1.1' is also used at {path}:21: codes are unique across all "
            "frameworks, so give this competency a code of its own",
        ),
        (32, "invalid YAML: this line has a tab: indent with spaces only"),
    ]


def test_a_code_in_an_unreadable_framework_is_also_checked_against_other_frameworks(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(TINY_FRAMEWORK.read_text().replace("id: tiny", "id: other\n\tx: 1"))
    problems = load_frameworks([TINY_FRAMEWORK, path]).problems
    assert [(p.path, p.line) for p in problems if "also used at" in p.message] == [
        (str(path), line) for line in (22, 25, 32)
    ]


def test_a_required_key_written_with_a_capital_is_one_error_naming_the_key(course):
    module = MODULE_MD.replace("title: Tiny", "Title: Tiny")
    screen = "---\nTITLE: A\nmenu-title: B\n---\nText.\n"
    folder = course({"module.md": module, "01-a.md": screen})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(Path(p.path).name, p.line, p.severity, p.message) for p in problems] == [
        (
            "01-a.md",
            2,
            "error",
            "key 'TITLE' should be 'title': screen is missing required key 'title', and a key "
            "is read only in lower case",
        ),
        (
            "01-a.md",
            3,
            "warning",
            "unknown key 'menu-title' in screen is ignored (did you mean 'menu_title'?)",
        ),
        (
            "module.md",
            2,
            "error",
            "key 'Title' should be 'title': module.md is missing required key 'title', and a "
            "key is read only in lower case",
        ),
    ]


def test_a_misspelt_required_key_is_one_error_naming_the_key(course):
    module = MODULE_MD.replace("summary:", "sumary:")
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems] == [
        (3, "key 'sumary' should be 'summary': module.md is missing required key 'summary'")
    ]


def test_learning_outcomes_not_written_as_a_list_shows_the_shape_of_one(course):
    module = MODULE_MD.replace("learning_outcomes: [Pass the test]", "learning_outcomes: Pass")
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems] == [
        (
            7,
            "'learning_outcomes' must be a list: under the 'learning_outcomes:' line, write each "
            "item on a line of its own starting '  - '",
        )
    ]


def test_an_unknown_code_suggests_the_nearest_code_of_its_own_domain():
    codes = load_frameworks(sorted((Path(__file__).parents[2] / "competencies").glob("*.yaml")))
    known = codes.codes - {"SPLW-1.2"}
    assert unknown_code_message("SPLW-1.2", known) == (
        "competency 'SPLW-1.2' is not in any framework (did you mean 'SPLW-1.1'?)"
    )
    assert unknown_code_message("SPLW-4.9", known).endswith("(did you mean 'SPLW-4.4'?)")
    # No domain 9: the closest spelling in the framework.
    assert unknown_code_message("SPLW-9.1", known).endswith("(did you mean 'SPLW-8.1'?)")
