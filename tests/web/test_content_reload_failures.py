"""On the development server, content that makes Linkwise itself fail while reading it is
shown like an error in the content: never a 500, never silently the old content."""

import logging

from app import create_app
from app.domain import module_files
from tests.web import course_files


def test_a_failure_reading_a_saved_file_is_shown_there_and_tried_again_after_the_next_save(
    database_url, tmp_path, monkeypatch, caplog
):
    root = course_files.copy_course(tmp_path)
    dev = create_app(
        {
            "LINKWISE_ENV": "development",
            "WATCH_CONTENT": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": root / "content",
            "COMPETENCIES_DIR": root / "competencies",
        }
    )
    client = dev.test_client()
    assert "The course content has errors" not in client.get("/").text
    module = root / "content" / "modules" / "referral-routes" / "module.md"
    course_files.edit(module, "title: Referral routes", "title: Referral routes today")

    read_fields = module_files._module_fields

    def fails(draft, source):
        if draft.slug == "referral-routes":
            raise AttributeError("an attribute Linkwise expected")
        read_fields(draft, source)

    monkeypatch.setattr(module_files, "_module_fields", fails)
    with caplog.at_level(logging.ERROR):
        first, second = client.get("/"), client.get("/")
    for page in (first, second):
        assert page.status_code == 200
        assert "The course content has errors" in page.text
        assert (
            "content/modules/referral-routes/module.md: error: Linkwise failed while reading "
            "this file (AttributeError: an attribute Linkwise expected)" in page.text
        )
        assert "Referral routes" in page.text and "Referral routes today" not in page.text
    assert "Traceback" in caplog.text and "(while reading " in caplog.text
    monkeypatch.undo()
    course_files.edit(module, "title: Referral routes today", "title: Referral routes now")
    page = client.get("/").text
    assert "The course content has errors" not in page and "Referral routes now" in page
    dev.extensions["linkwise.engine"].dispose()


def development_app(database_url, root):
    return create_app(
        {
            "LINKWISE_ENV": "development",
            "WATCH_CONTENT": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": root / "content",
            "COMPETENCIES_DIR": root / "competencies",
        }
    )


def test_a_server_started_on_broken_content_says_it_has_no_version_to_show_not_the_last_one(
    database_url, tmp_path, caplog
):
    root = course_files.copy_course(tmp_path)
    module = root / "content" / "modules" / "referral-routes" / "module.md"
    course_files.edit(module, "title: Referral routes", "title: [Referral routes")
    with caplog.at_level(logging.ERROR):
        dev = development_app(database_url, root)
    page = dev.test_client().get("/").text
    assert "The course content has errors" in page
    assert "content/modules/referral-routes/module.md:2: error: invalid YAML" in page
    assert "last version" not in page
    assert "the site started while the content had these errors" in page.lower()
    assert "no modules, quizzes or competency frameworks appear until every error is fixed" in page
    assert "shows none of the course until they are fixed" in caplog.text
    assert "last version" not in caplog.text
    # Pages that show the course would state what they leave out as fact ("no longer in the
    # course", "no framework applies"): they say they need the content instead.
    for url in ("/modules/", "/my/competencies", "/competencies/", "/manage/", "/author/quizzes"):
        held = dev.test_client().get(url)
        assert held.status_code == 503, url
        assert "This page needs the course content" in held.text
        assert "content/modules/referral-routes/module.md:2: error: invalid YAML" in held.text
    for url in ("/", "/privacy", "/sign-in"):
        assert dev.test_client().get(url).status_code == 200
    # Once fixed, the course is served; a later slip keeps that version, and says so.
    course_files.edit(module, "title: [Referral routes", "title: Referral routes")
    client = dev.test_client()
    assert "The course content has errors" not in client.get("/").text
    course_files.edit(module, "title: Referral routes", "title: [Referral routes")
    page = client.get("/").text
    assert "The site is showing the last version of the content that had none" in page
    dev.extensions["linkwise.engine"].dispose()
