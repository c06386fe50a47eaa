"""A value YAML cannot build (a `!!python/...` tag, say) is one error at its line: not again
as an empty, missing or mistyped value of the key that holds it."""

import pytest

from app.domain.framework_files import load_frameworks
from app.domain.quizzes import parse_quiz

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .test_content_validation import check

TAG = "!!python/object:os.system x"
INVALID = (
    "invalid value: could not determine a constructor for the tag "
    "'tag:yaml.org,2002:python/object:os.system'"
)


def test_a_screen_title_that_cannot_be_built_is_one_error_not_also_empty(course):
    screen = f"---\ntitle: {TAG}\n---\n## Text\n\nBody.\n"
    assert check(course, {"01-a.md": screen}) == [("01-a.md", 2, "error", INVALID)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Tiny", f"title: {TAG}"),
        ("order: 1", f"order: {TAG}"),
        ("learning_outcomes: [Pass the test]", f"learning_outcomes: [{TAG}]"),
        ('version: "1.0"', f"version: {TAG}"),
    ],
)
def test_a_module_value_that_cannot_be_built_is_one_error(course, old, new):
    files = {"module.md": MODULE_MD.replace(old, new), "01-a.md": "---\ntitle: A\n---\nBody.\n"}
    line = MODULE_MD.split("\n").index(old) + 1
    assert check(course, files) == [("module.md", line, "error", INVALID)]


def test_a_quiz_setting_that_cannot_be_built_is_one_error():
    quiz = (
        "---\nid: q\nmodule: m\ntitle: Q\nkind: knowledge-check\npass_mark: 0\n"
        f"shuffle_answers: {TAG}\nshuffle_questions: false\n"
        "show_correct_answers: after-each-submission\n---\nID: q1\n1.  Which?\n*a) One\nb)  Two\n"
    )
    result = parse_quiz(quiz, "q.md", competencies_required=False)
    assert [str(p) for p in result.problems] == [f"q.md:7: error: {INVALID}"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("threshold: 80", f"threshold: {TAG}"),
        ("latest_weight: 0.65", f"latest_weight: {TAG}"),
    ],
)
def test_a_framework_value_that_cannot_be_built_is_one_error(tmp_path, old, new):
    text = TINY_FRAMEWORK.read_text()
    path = tmp_path / "tiny.yaml"
    path.write_text(text.replace(old, new))
    line = next(n for n, written in enumerate(text.split("\n"), 1) if old in written)
    assert [str(p) for p in load_frameworks([path]).problems] == [
        f"{path}:{line}: error: {INVALID}"
    ]
