"""The framework page's "rule of its own" lines follow the course as it is loaded now."""

import pytest

from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)

OWN_RULE = "Knowing the routes for immediate risk</a> has a rule of its own"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: it edits a framework file."""
    return course_files.copy_course(tmp_path / "copy")


def test_a_competencys_own_rule_on_the_framework_page_follows_a_reloaded_framework(
    app, client, course
):
    client.set_cookie("linkwise_professional", "yes")
    page = client.get("/competencies/").text
    assert f"{OWN_RULE}: it is met with knowledge rated Secure" in page
    assert "Its evidence counts for 1 year." in page
    course_files.edit(
        course / "competencies" / "referrer.yaml",
        "        valid_for: 1y\n",
        "        valid_for: 2y\n",
    )
    course_files.reload(app)
    page = client.get("/competencies/").text
    assert "Its evidence counts for 2 years." in page and "counts for 1 year." not in page
