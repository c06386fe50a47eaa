"""The Nu HTML checker the page tests use finds errors at their lines, and only errors."""

import shutil

import pytest

from tests.nu_checker import NuChecker, error_lines, nu_errors, running_checker

VALID = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A valid page</title>
</head>
<body>
<main>
<h1>Valid</h1>
<section><p>A section with no heading is worth a warning, not an error.</p></section>
<p>A paragraph with <span>a span</span> in it.</p>
</main>
</body>
</html>
"""

INVALID = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
</head>
<body>
<p id="twice">One</p>
<p id="twice">Two</p>
<div>Closed twice</div></div>
<span><p>A paragraph in a span</p></span>
</body>
</html>
"""


def test_each_error_is_reported_at_its_line_and_valid_html_reports_nothing(tmp_path):
    assert nu_errors({"valid": VALID, "invalid": INVALID}, tmp_path) == [
        "invalid.html:5: Element “head” is missing a required instance of child element “title”.",
        "invalid.html:8: Duplicate ID “twice”.",
        "invalid.html:9: Stray end tag “div”.",
        "invalid.html:10: Element “p” not allowed as child of element “span” in this context."
        " (Suppressing further errors from this subtree.)",
    ]
    assert (tmp_path / "invalid.html").read_text() == INVALID


def test_warnings_are_not_errors():
    messages = running_checker().messages(VALID.encode(), "text/html; charset=utf-8")
    assert [(m["type"], m["message"].split(".")[0]) for m in messages] == [
        ("info", "Section lacks heading")
    ]
    assert error_lines("valid", messages) == []


def test_a_document_the_checker_cannot_check_fails_the_test():
    messages = running_checker().messages(b"Plain words", "text/plain")
    with pytest.raises(RuntimeError, match="could not check notes.html: .*Non-XML Content-Type"):
        error_lines("notes", messages)


def test_a_checker_that_does_not_start_fails_with_what_it_said():
    with pytest.raises(RuntimeError, match=r"the Nu HTML checker stopped \(exit code 1\)"):
        NuChecker(shutil.which("false")).wait_until_ready()
