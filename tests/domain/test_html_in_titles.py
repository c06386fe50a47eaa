"""Raw HTML in a title or description is an error at its front matter line.

Titles are escaped, not rendered, so learners would see the tags as typed.
"""

from pathlib import Path

from app.domain.catalogue import load_catalogue
from app.domain.quiz_imports import import_text2qti
from app.domain.quizzes import parse_quiz

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .quizzes.conftest import KNOWN_CODES, PATH

QUIZ = """---
id: check
module: referral-routes
title: "Check <script>alert('T')</script>"
description: Read <b>this</b> first
kind: knowledge-check
pass_mark: 0
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-pass
---
ID: check-q1
1.  Which?
a)  That
*b) This
"""
SAID = "which is not allowed: the page shows the tags as typed, as plain text; take them out"


def test_html_in_a_quizs_title_and_description_is_an_error_at_its_line():
    result = parse_quiz(QUIZ, PATH, KNOWN_CODES)
    assert result.quiz is None
    assert [str(p) for p in result.problems] == [
        f"{PATH}:4: error: 'title' holds raw HTML <script>, {SAID}",
        f"{PATH}:5: error: 'description' holds raw HTML <b>, {SAID}",
    ]


def test_a_less_than_sign_in_a_title_is_not_html():
    result = parse_quiz(
        QUIZ.replace("<script>alert('T')</script>", "a < b").replace("<b>this</b>", "this"),
        PATH,
        KNOWN_CODES,
    )
    assert result.problems == ()


def test_html_in_a_modules_title_and_summary_and_a_screens_titles_is_an_error(course):
    module = MODULE_MD.replace("title: Tiny", "title: Tiny <em>one</em>").replace(
        "summary: A module", "summary: <i>A</i> module"
    )
    screen = "---\ntitle: One <br>\nmenu_title: <u>One</u>\n---\nText.\n"
    folder = course({"module.md": module, "01-one.md": screen})
    found = [
        (Path(p.path).name, p.line, p.message.split(",")[0])
        for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems
        if "raw HTML" in p.message
    ]
    assert found == [
        ("01-one.md", 2, "'title' holds raw HTML <br>"),
        ("01-one.md", 3, "'menu_title' holds raw HTML <u>"),
        ("module.md", 2, "'title' holds raw HTML <em>"),
        ("module.md", 3, "'summary' holds raw HTML <i>"),
    ]


def test_import_text2qti_reports_html_in_the_title_at_its_line():
    text = (
        "Quiz title: Check <script>alert('T')</script>\n"
        "Quiz description: Read <b>this</b><script>alert('D')</script>\n\n"
        "1.  Which?\n*a) This\nb)  That\n"
    )
    imported = import_text2qti(text, source="t.txt", quiz_id="check", module="m")
    assert [str(p) for p in imported.problems if p.is_error] == [
        f"t.txt:1: error: 'title' holds raw HTML <script>, {SAID}",
    ]
    # text2qti shows its description's HTML as a page does: the import keeps the words the
    # page shows, as plain text, and names what it leaves behind, at the line.
    assert [str(p) for p in imported.problems if "description" in p.message] == [
        "t.txt:2: warning: <script> in 'Quiz description:' is left out: pages show none",
        "t.txt:2: warning: a Linkwise quiz description is plain text, shown as typed: it keeps "
        "the words text2qti shows, not their formatting: bold on 'this'",
    ]
    assert "\ndescription: Read this\n" in imported.text


def test_import_text2qti_warns_about_shuffle_answers_at_its_line():
    text = "Quiz title: Check\nShuffle answers: false\n\n1.  Which?\n*a) This\nb)  That\n"
    imported = import_text2qti(text, source="t1.txt", quiz_id="check", module="m")
    shuffle = [p for p in imported.problems if "shuffle_answers is false" in p.message]
    assert [p.line for p in shuffle] == [2]
