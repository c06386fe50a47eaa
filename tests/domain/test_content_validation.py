"""Every content mistake is reported with its file and line, using the broken fixture."""

from pathlib import Path

import pytest

from app.domain.catalogue import load_catalogue, validate

from .conftest import BROKEN, MODULE_MD, TINY_FRAMEWORK

FAULTS = BROKEN / "modules" / "faults"


@pytest.fixture(scope="module")
def reported():
    problems = validate([BROKEN], default_competencies_dir=Path("no-such-folder"))
    return {str(problem) for problem in problems}


def expect(path, line, severity, message):
    return f"{path}:{line}: {severity}: {message}"


def test_bad_yaml_reports_the_line_of_the_unclosed_bracket(reported):
    assert (
        expect(
            BROKEN / "modules/bad-yaml/module.md",
            4,
            "error",
            "invalid YAML in front matter: the '[' on line 4 starts a list that is never "
            "closed: if the value is text, put the whole value in quotes; if it is a list, "
            "close it with ']'",
        )
        in reported
    )


def test_missing_title_reports_line_1(reported):
    assert (
        expect(FAULTS / "01-intro.md", 1, "error", "screen is missing required key 'title'")
        in reported
    )


def test_missing_alt_text_reports_screen_line(reported):
    assert (
        expect(
            FAULTS / "02-pictures.md",
            6,
            "error",
            "image 'chart.svg' has no alt text; describe it inside ![...]",
        )
        in reported
    )


def test_missing_image_file_reports_its_line(reported):
    assert (
        expect(
            FAULTS / "02-pictures.md", 8, "error", f"image file 'missing.svg' not found in {FAULTS}"
        )
        in reported
    )


def test_figure_without_figure_number_is_a_warning(reported):
    assert (
        expect(
            FAULTS / "02-pictures.md",
            10,
            "warning",
            "figure title 'The chart, without a figure number' should start 'Figure N:'",
        )
        in reported
    )


def test_duplicate_screen_number_reports_the_second_file(reported):
    assert (
        expect(
            FAULTS / "02-twice.md", 1, "error", "screen number 02 is also used by 02-pictures.md"
        )
        in reported
    )


def test_broken_screen_link_suggests_the_nearest_screen(reported):
    assert (
        expect(
            FAULTS / "03-links.md",
            6,
            "error",
            "link 'screen:pictres' points to screen 'pictres', which is not in module "
            "'faults' (did you mean 'pictures'?)",
        )
        in reported
    )


def test_broken_module_link_suggests_the_nearest_module(reported):
    assert (
        expect(
            FAULTS / "03-links.md",
            6,
            "error",
            "link 'module:bad-yam' points to module 'bad-yam', which does not exist "
            "(did you mean 'bad-yaml'?)",
        )
        in reported
    )


def test_unknown_competency_code_suggests_the_nearest_code(reported):
    assert (
        expect(
            FAULTS / "module.md",
            11,
            "error",
            "competency 'TNY-1.2' is not in any framework (did you mean 'TINY-1.2'?)",
        )
        in reported
    )


def test_wrong_type_reports_the_key_line(reported):
    assert (
        expect(
            FAULTS / "module.md",
            5,
            "error",
            "'estimated_minutes' must be a whole number, not 'ten'",
        )
        in reported
    )


def test_unknown_front_matter_key_is_a_warning(reported):
    assert (
        expect(FAULTS / "module.md", 12, "warning", "unknown key 'colour' in module.md is ignored")
        in reported
    )


def test_bad_screen_filename_is_an_error(reported):
    assert (
        expect(
            FAULTS / "notes.md",
            1,
            "error",
            "screen file 'notes.md' must be named like "
            "'01-screen-slug.md' (number, hyphen, lowercase slug)",
        )
        in reported
    )


def test_broken_content_yields_no_catalogue():
    result = load_catalogue([FAULTS], [TINY_FRAMEWORK])
    assert result.catalogue is None
    assert result.errors and result.warnings


def check(course, files, slug="tiny"):
    folder = course(files, slug)
    return [
        (Path(p.path).name, p.line, p.severity, p.message)
        for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems
    ]


def test_missing_front_matter_reports_line_1(course):
    assert check(course, {"01-a.md": "Just text.\n"}) == [
        (
            "01-a.md",
            1,
            "error",
            "missing front matter: start the file with a '---' line, "
            "then 'title: ...', then another '---' line",
        )
    ]


def test_unclosed_front_matter_reports_line_1(course):
    assert check(course, {"01-a.md": "---\ntitle: A\n"})[0][:2] == ("01-a.md", 1)


def test_empty_front_matter_reports_line_1(course):
    assert check(course, {"01-a.md": "---\n---\nText.\n"}) == [
        ("01-a.md", 1, "error", "front matter is empty")
    ]


def test_empty_title_reports_its_line(course):
    assert check(course, {"01-a.md": "---\nmenu_title: A\ntitle:\n---\nText.\n"}) == [
        ("01-a.md", 3, "error", "'title' is empty")
    ]


def test_module_without_screens_is_an_error(course):
    assert check(course, {}) == [
        (
            "module.md",
            1,
            "error",
            "module has no screens; add files named like '01-first-screen.md' beside module.md",
        )
    ]


def test_duplicate_screen_slug_is_an_error(course):
    screen = "---\ntitle: A\n---\nText.\n"
    assert check(course, {"01-a.md": screen, "02-a.md": screen}) == [
        ("02-a.md", 1, "error", "screen slug 'a' is also used by 01-a.md")
    ]


OWN = ": give each module its own order"


def test_duplicate_module_order_is_reported_at_both_order_lines(course):
    screen = {"01-a.md": "---\ntitle: A\n---\nText.\n"}
    first, second = course(screen, "one"), course(screen, "two")
    problems = load_catalogue([first, second], [TINY_FRAMEWORK]).problems
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(first / "module.md"), 4, f"order 1 is also used by {second / 'module.md'}{OWN}"),
        (str(second / "module.md"), 4, f"order 1 is also used by {first / 'module.md'}{OWN}"),
    ]


def test_a_module_given_a_taken_order_hears_it_at_its_own_file(course, tmp_path):
    # The file just edited sorts first: the clash must be reported there, not only at the
    # other module's file, which the trainer did not touch.
    screen = {"01-a.md": "---\ntitle: A\n---\nText.\n"}
    live = course(screen, "referral-routes")
    edited = course(screen, "an-edited-module")
    problems = validate(
        [edited],
        default_competencies_dir=TINY_FRAMEWORK.parent,
        default_modules_dir=tmp_path / "modules",
        default_quizzes_dir=tmp_path / "no-quizzes",
    )
    assert [(p.path, p.line, p.message) for p in problems if "order" in p.message] == [
        (str(edited / "module.md"), 4, f"order 1 is also used by {live / 'module.md'}{OWN}"),
        (str(live / "module.md"), 4, f"order 1 is also used by {edited / 'module.md'}{OWN}"),
    ]


def test_three_modules_with_one_order_each_name_the_other_two(course):
    screen = {"01-a.md": "---\ntitle: A\n---\nText.\n"}
    one, two, three = (course(screen, slug) for slug in ("one", "two", "three"))
    problems = load_catalogue([one, two, three], [TINY_FRAMEWORK]).problems
    assert [p.message for p in problems if p.path == str(two / "module.md")] == [
        f"order 1 is also used by {one / 'module.md'} and {three / 'module.md'}{OWN}"
    ]


def test_duplicate_module_slug_is_an_error(tmp_path):
    folders = []
    for parent in ("a", "b"):
        folder = tmp_path / parent / "same"
        folder.mkdir(parents=True)
        order = "1" if parent == "a" else "2"
        (folder / "module.md").write_text(MODULE_MD.replace("order: 1", f"order: {order}"))
        (folder / "01-s.md").write_text("---\ntitle: S\n---\nText.\n")
        folders.append(folder)
    (problem,) = load_catalogue(folders, [TINY_FRAMEWORK]).problems
    assert problem.message == f"module slug 'same' is also used by {folders[0] / 'module.md'}"


def test_link_to_a_screen_in_another_module_is_checked(course):
    other = course({"01-routes.md": "---\ntitle: R\n---\nText.\n"}, "referrals")
    this = course(
        {
            "01-a.md": "---\ntitle: A\n---\n[ok](screen:referrals/routes) "
            "[bad](screen:referrals/route)\n"
        }
    )
    problems = load_catalogue([this, other], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems if p.message.startswith("link")] == [
        (
            4,
            "link 'screen:referrals/route' points to screen 'route', which is not in module "
            "'referrals' (did you mean 'routes'?)",
        )
    ]


def test_file_that_is_not_utf8_is_an_error(course):
    folder = course({"01-a.md": "---\ntitle: A\n---\nText.\n"})
    (folder / "01-a.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems] == [
        (2, "file is not UTF-8 text; save it as UTF-8")
    ]


# Slips Python-Markdown renders without a word: each is reported at its line in 04-slips.md.
SLIPS = FAULTS / "04-slips.md"


def test_callout_text_indented_by_two_spaces_falls_out_and_is_reported(reported):
    assert (
        expect(
            SLIPS,
            7,
            "error",
            "callout text is indented by 2 spaces, not 4, so it is shown after the callout at "
            "line 6, not in it; indent it by 4 spaces, or leave a blank line above it to end "
            "the callout",
        )
        in reported
    )


def test_a_callout_paragraph_indented_by_three_spaces_is_reported(reported):
    assert (
        expect(
            SLIPS,
            15,
            "error",
            "callout text is indented by 3 spaces, not 4, so it is shown after the callout at "
            "line 12, not in it; indent it by 4 spaces, or by none to end the callout",
        )
        in reported
    )


def test_an_unquoted_callout_title_is_reported(reported):
    assert (
        expect(
            SLIPS,
            9,
            "error",
            "callout title 'Important' is not in straight double quotes, so the callout is "
            "headed 'Warning' and the title is lost; write !!! warning \"Important\"",
        )
        in reported
    )


def test_a_table_caption_without_its_blank_line_is_reported(reported):
    assert (
        expect(
            SLIPS,
            19,
            "error",
            "table caption 'Table 1: Roles' has no blank line after it, so the table is shown "
            "as plain text with its | signs; leave a blank line between the caption and the "
            "table",
        )
        in reported
    )


def test_an_image_error_is_at_the_image_not_an_earlier_link_to_the_same_file(reported):
    alt = "image 'chart.svg' has no alt text; describe it inside ![...]"
    assert expect(SLIPS, 26, "error", alt) in reported
    assert expect(SLIPS, 24, "error", alt) not in reported  # the link: Print [the chart](...)


def test_a_captioned_image_sharing_its_paragraph_is_reported(reported):
    assert (
        expect(
            SLIPS,
            29,
            "error",
            "image 'chart.svg' has a caption but is not alone in its paragraph, so it is not "
            "shown as a figure and the caption is lost; leave a blank line before and after "
            "the image",
        )
        in reported
    )


def test_a_figure_caption_written_beside_the_image_is_reported(reported):
    assert (
        expect(
            SLIPS,
            32,
            "error",
            "'Figure 3: The chart once more' is written beside image 'chart.svg' with no blank "
            "line between, so it is not the image's caption and the image is not shown as a "
            "figure; put the caption in the image's title instead: "
            '![...](chart.svg "Figure 3: The chart once more")',
        )
        in reported
    )


def test_a_footnote_mark_without_its_footnote_is_reported(reported):
    assert (
        expect(
            SLIPS,
            36,
            "error",
            "footnote [^2] has no footnote text, so learners see '[^2]' as it is; add a line "
            "'[^2]: Source, year.' at the end of the screen",
        )
        in reported
    )


def test_raw_html_in_a_screen_is_reported(reported):
    assert (
        expect(
            SLIPS,
            38,
            "error",
            "raw HTML <script> is not allowed: the page leaves out the tags, keeping at most "
            "the text between them; write it in Markdown instead",
        )
        in reported
    )


def test_every_slip_in_a_screen_is_reported_not_only_the_first(reported):
    lines = sorted(int(p.split(":")[1]) for p in reported if p.startswith(f"{SLIPS}:"))
    assert lines == [7, 9, 15, 19, 26, 29, 32, 36, 38]


# A list item indented more than the one above it is silently read by YAML as more of that
# item's text: a learning outcome would be printed on certificates as two run together.
OUTCOMES = """learning_outcomes:
  - Explain what social prescribing is - and is not -
    and who it is for
   - Identify the roles in a primary care network
  - Describe a referral
"""


def test_a_mis_indented_learning_outcome_is_reported_at_its_line(course):
    module = MODULE_MD.replace("learning_outcomes: [Pass the test]\n", OUTCOMES)
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(Path(p.path).name, p.line, p.message) for p in problems] == [
        (
            "module.md",
            10,
            "this item of 'learning_outcomes' is indented more than the item on line 8, so "
            "it is read as part of that item's text; start its '-' exactly under the '-' on "
            "line 8",
        )
    ]


def test_a_mis_indented_outcome_is_read_as_its_own_outcome_for_the_other_checks(course):
    # Quizzes number the outcomes ("Outcomes: 3"): the merge must not shift their count.
    from app.domain.module_files import read_module
    from app.domain.problems import Problems

    module = MODULE_MD.replace("learning_outcomes: [Pass the test]\n", OUTCOMES)
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    draft = read_module(folder, Problems())
    assert draft.learning_outcomes == (
        "Explain what social prescribing is - and is not - and who it is for",
        "Identify the roles in a primary care network",
        "Describe a referral",
    )


def test_a_mis_indented_competency_code_is_reported_once(course):
    codes = "competencies:\n  - TINY-1.1\n    - TINY-1.2\n"
    module = MODULE_MD.replace("competencies: [TINY-1.1]\n", codes)
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [TINY_FRAMEWORK]).problems
    assert [(p.line, p.message) for p in problems] == [
        (
            10,
            "this item of 'competencies' is indented more than the item on line 9, so it is "
            "read as part of that item's text; start its '-' exactly under the '-' on line 9",
        )
    ]


# One indentation slip in a framework file is one error: it is said in our words, at the
# line PyYAML stopped, and the modules and quizzes using its codes are not all reported too.
def _framework_with(tmp_path, old, new):
    path = tmp_path / "competencies" / "tiny.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TINY_FRAMEWORK.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_mis_indented_framework_key_is_one_error_in_our_words(course, tmp_path):
    framework = _framework_with(tmp_path, "        name: Explaining", "          name: Explaining")
    module = MODULE_MD.replace("[TINY-1.1]", "[TINY-1.1, TINY-1.2, TINY-2.1]")
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [framework]).problems
    assert [(p.path, p.line, p.message) for p in problems] == [
        (
            str(framework),
            25,
            "invalid YAML: the 'key:' on this line does not fit where it is: indent it "
            "exactly like the keys beside it, check the line above has its ':', and put a "
            "value that holds ': ' in quotes; until it is mended the framework is not "
            "loaded, and modules and quizzes are checked only against the competency codes "
            "written in this file",
        )
    ]


def test_an_unknown_code_is_still_reported_when_its_framework_is_unreadable(course, tmp_path):
    framework = _framework_with(tmp_path, "    competencies:\n", "    competencies:\n\t\n")
    module = MODULE_MD.replace("[TINY-1.1]", "[TINY-1.1, TINY-9.9]")
    folder = course({"module.md": module, "01-a.md": "---\ntitle: A\n---\nText.\n"})
    problems = load_catalogue([folder], [framework]).problems
    assert [(Path(p.path).name, p.line, p.message.split(";")[0]) for p in problems] == [
        ("tiny.yaml", 21, "invalid YAML: this line has a tab: indent with spaces only"),
        (
            "module.md",
            8,
            "competency 'TINY-9.9' is not in any framework (did you mean 'TINY-2.1'?)",
        ),
    ]


def test_a_framework_list_item_indented_less_names_where_its_list_begins(tmp_path):
    from app.domain.framework_files import load_frameworks

    framework = _framework_with(tmp_path, "        name: Listening", "       name: Listening")
    (problem,) = load_frameworks([framework]).problems
    assert (problem.line, problem.message.split(";")[0]) == (
        22,
        "invalid YAML: this line is indented differently from the list that begins on line "
        "21: indent it exactly like the lines it belongs with, or check the line above is "
        "complete",
    )


# Linkwise renders no code blocks: every fence, closed or not, is reported at its opening
# line; inline code, even with three backticks on one line, is fine.
FENCES = """---
title: A
---
Run `linkwise validate` or ```linkwise validate``` first.

```
a closed block
```

~~~
a tilde block, never closed

```python
inside the tilde block
"""

ADVICE = "; to set text apart, use a callout (!!! info)"


def test_every_code_fence_is_reported_at_its_opening_line(course):
    assert check(course, {"01-a.md": FENCES}) == [
        (
            "01-a.md",
            6,
            "error",
            "Linkwise pages show no code blocks: the block from line 6 to line 8 would show "
            "as ordinary text with its ``` marks or run into one line; take the ``` lines out"
            + ADVICE,
        ),
        (
            "01-a.md",
            10,
            "error",
            "the code block opened at line 10 is not closed, and Linkwise pages show no code "
            "blocks: learners would see its ~~~ as text; take the ~~~ lines out" + ADVICE,
        ),
    ]


def test_inline_code_is_not_a_fence(course):
    screen = "---\ntitle: A\n---\nRun ```linkwise validate``` or `make run`.\n"
    assert check(course, {"01-a.md": screen}) == []


def test_a_table_a_screen_would_show_as_text_is_an_error_at_its_line(course):
    screen = (
        "---\ntitle: Roles\n---\n## Who does what\n\nTable 1: Roles\n\n| Role | What |\n"
        "| --- |\n| Listener | Listens |\n"
    )
    assert check(course, {"01-a.md": screen}) == [
        (
            "01-a.md",
            8,
            "error",
            "table is shown as plain text, | signs and all: its heading row has 2 cells but "
            "the '---' line under it has 1; write one '---' for each heading: | --- | --- |",
        )
    ]


@pytest.mark.parametrize("body", ["", "\n\n", "<!-- text to come -->\n"])
def test_a_screen_with_only_a_title_is_a_warning(course, body):
    assert check(course, {"01-a.md": f"---\ntitle: Only a title\n---\n{body}"}) == [
        (
            "01-a.md",
            1,
            "warning",
            "screen has no text under its front matter, so learners see only its title; write "
            "what the screen teaches below the closing '---' line",
        )
    ]
