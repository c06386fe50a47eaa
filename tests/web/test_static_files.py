"""Static files: versioned URLs everywhere, gzipped for clients that take it, 304 when unchanged."""

import gzip
import re

import pytest

from app import static_files
from app.config import PROJECT_ROOT

CSS = "nhsuk/nhsuk-frontend.min.css"
SCRIPT = "js/linkwise.mjs"
DESIGN_SYSTEM = "nhsuk/nhsuk-frontend.min.js"
STATIC_URL = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")


def test_text_assets_are_gzipped_for_clients_that_accept_it(client):
    original = (PROJECT_ROOT / "static" / CSS).read_bytes()
    response = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.vary
    assert gzip.decompress(response.data) == plain(client, CSS)
    assert len(response.data) < len(original) / 5


def test_clients_that_do_not_accept_gzip_get_the_file_as_it_is(client):
    for headers in ({}, {"Accept-Encoding": "gzip;q=0, identity"}):
        response = client.get(f"/static/{SCRIPT}", headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.data.startswith(b"// Progressive enhancement only")


def test_images_are_not_recompressed(client):
    response = client.get(
        "/static/nhsuk/assets/images/nhsuk-icon-180.png", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [(CSS, "gzip"), (CSS, "identity"), (SCRIPT, "gzip"), ("nhsuk/assets/images/favicon.ico", "")],
)
def test_revalidating_an_unchanged_file_answers_304(client, filename, encoding):
    headers = {"Accept-Encoding": encoding}
    first = client.get(f"/static/{filename}", headers=headers)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(
        f"/static/{filename}", headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get(f"/static/{filename}", headers={**headers, "If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.data == first.data


def test_each_encoding_has_its_own_etag(client):
    zipped = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip"})
    as_is = client.get(f"/static/{CSS}")
    assert zipped.headers["ETag"] != as_is.headers["ETag"]
    # A tag for the other encoding does not stand for these bytes.
    crossed = client.get(
        f"/static/{CSS}",
        headers={"Accept-Encoding": "gzip", "If-None-Match": as_is.headers["ETag"]},
    )
    assert crossed.status_code == 200


def test_current_versions_are_cached_for_a_year_and_others_revalidated(client):
    url = versioned_url(client, CSS)
    versioned = client.get(url)
    assert versioned.cache_control.max_age == 365 * 24 * 60 * 60
    assert versioned.cache_control.immutable and versioned.cache_control.public
    assert not versioned.cache_control.no_cache
    revalidated = client.get(url, headers={"If-None-Match": versioned.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.cache_control.immutable
    for stale in (f"/static/{CSS}", f"/static/{CSS}?v=abc123"):
        plain_response = client.get(stale)
        assert plain_response.cache_control.no_cache and not plain_response.cache_control.max_age


def test_every_static_url_in_a_page_is_versioned_and_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    urls = STATIC_URL.findall(page)
    assert {f"/static/{CSS}", f"/static/{SCRIPT}"} <= {url.split("?")[0] for url in urls}
    assert any("favicon" in url for url in urls) and any("manifest" in url for url in urls)
    for url in urls:
        assert "?v=" in url, url
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert response.cache_control.immutable, url


def test_the_script_imports_the_design_system_by_its_versioned_url(client):
    script = plain(client, SCRIPT).decode()
    imported = re.search(r'from "([^"]+)"', script)[1]
    assert imported == f"../nhsuk/nhsuk-frontend.min.js?v={version(DESIGN_SYSTEM)}"
    response = client.get(f"/static/nhsuk/{imported.removeprefix('../nhsuk/')}")
    assert response.status_code == 200 and response.cache_control.immutable


def test_stylesheet_images_and_manifest_icons_are_versioned(client):
    css = plain(client, CSS).decode()
    images = re.findall(r"url\(([^)]+)\)", css)
    assert images and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in images)
    manifest = plain(client, "nhsuk/assets/manifest.json").decode()
    icons = re.findall(r'"src": "([^"]+)"', manifest)
    assert icons and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in icons)


def test_changing_an_imported_file_changes_the_version_of_the_file_importing_it(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "js" / "main.mjs").write_text('import { go } from "../lib/go.js";\ngo();\n')
    (tmp_path / "lib" / "go.js").write_text("export function go() {}\n")
    (tmp_path / "page.css").write_text('a { background: url("lib/arrow.svg") }')
    (tmp_path / "lib" / "arrow.svg").write_text("<svg/>")
    folder = str(tmp_path)
    main = static_files.version(folder, "js/main.mjs")
    css = static_files.version(folder, "page.css")
    served = static_files.text_file(folder, "js/main.mjs").body.decode()
    assert f'"../lib/go.js?v={static_files.version(folder, "lib/go.js")}"' in served

    (tmp_path / "lib" / "go.js").write_text("export function go() { return 1; }\n")
    (tmp_path / "lib" / "arrow.svg").write_text("<svg></svg>")
    assert static_files.version(folder, "js/main.mjs") != main
    assert static_files.version(folder, "page.css") != css
    assert static_files.version(folder, "missing.css") is None


def test_missing_and_escaping_paths_answer_404(client):
    assert client.get("/static/no-such-file.css").status_code == 404
    assert client.get("/static/../app/config.py").status_code == 404
    assert client.get("/static/js").status_code == 404


def plain(client, filename: str) -> bytes:
    """Return a static file's body as served to a client that takes no gzip."""
    response = client.get(f"/static/{filename}")
    assert response.status_code == 200
    return response.data


def version(filename: str) -> str:
    return static_files.version(str(PROJECT_ROOT / "static"), filename)


def versioned_url(client, filename: str) -> str:
    return f"/static/{filename}?v={version(filename)}"
