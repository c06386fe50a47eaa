"""Static files: gzipped for clients that take it, cached for a year when versioned."""

import gzip

from app.config import PROJECT_ROOT

CSS = "nhsuk/nhsuk-frontend.min.css"


def test_text_assets_are_gzipped_for_clients_that_accept_it(client):
    original = (PROJECT_ROOT / "static" / CSS).read_bytes()
    response = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.vary
    assert gzip.decompress(response.data) == original
    assert len(response.data) < len(original) / 5


def test_clients_that_do_not_accept_gzip_get_the_file_as_it_is(client):
    original = (PROJECT_ROOT / "static" / CSS).read_bytes()
    for headers in ({}, {"Accept-Encoding": "gzip;q=0, identity"}):
        response = client.get(f"/static/{CSS}", headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.data == original


def test_images_are_not_recompressed(client):
    response = client.get(
        "/static/nhsuk/assets/images/nhsuk-icon-180.png", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_versioned_assets_are_cached_for_a_year_and_others_revalidated(client):
    versioned = client.get(f"/static/{CSS}?v=abc123")
    assert versioned.cache_control.max_age == 365 * 24 * 60 * 60
    assert versioned.cache_control.immutable and versioned.cache_control.public
    assert not versioned.cache_control.no_cache
    plain = client.get(f"/static/{CSS}")
    assert plain.cache_control.no_cache and not plain.cache_control.max_age


def test_missing_and_escaping_paths_answer_404(client):
    assert client.get("/static/no-such-file.css").status_code == 404
    assert client.get("/static/../app/config.py").status_code == 404
