"""A graded attempt is named by the title its module had when it was taken.

A module renamed after a learner passed its quiz: the attempt's result page and the
manager's quiz results name it as it was taken, and say what the module is called now.
"""

import pytest

from tests.conftest import sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_quiz_renewal_pages import quiz_url, words
from tests.web.test_revoked_attempt_labels import attempt_url, quiz_results

NEW_TITLE = "Social prescribing basics"
ASHA = "asha@example.org"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests rename its first module."""
    return course_files.copy_course(tmp_path)


@pytest.fixture
def renamed(app, client, course, pcn, module):
    """Asha, signed in, passed the module's quiz; the module was renamed since."""
    sign_in(client, ASHA)
    pass_module(app, client, ASHA, module)
    path = course / "content" / "modules" / module.slug / "module.md"
    course_files.edit(path, f"title: {module.title}", f"title: {NEW_TITLE}")
    course_files.reload(app)
    return client


def test_the_result_page_names_the_module_as_the_attempt_was_taken(app, renamed, pcn, module):
    page = words(renamed.get(attempt_url(app, module, pcn["asha"], 1)).text)
    assert f"you have completed {module.title} (now called {NEW_TITLE})." in page
    # The quiz page is about the module as it is now.
    assert NEW_TITLE in words(renamed.get(quiz_url(module)).text)


def test_the_managers_quiz_results_name_the_module_as_the_attempt_was_taken(
    app, renamed, pcn, module
):
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    [row] = quiz_results(manager.get(f"/manage/learners/{pcn['asha']}").text)
    assert row.startswith(f"{module.title} now called {NEW_TITLE} 1 ")
