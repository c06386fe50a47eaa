"""HTML pages gzipped for browsers that accept it; everything else as it was."""

import gzip
import re

from tests.conftest import sign_in

NONCE = re.compile(rb'nonce="[^"]+"')


def test_pages_are_gzipped_for_clients_that_accept_gzip(client):
    zipped = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get("/")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.vary and "Cookie" in zipped.vary
    page = gzip.decompress(zipped.data)
    assert NONCE.sub(b"", page) == NONCE.sub(b"", plain.data)
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(page) / 2


def test_error_pages_are_gzipped_too(client):
    response = client.get("/no-such-page", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert b"Page not found" in gzip.decompress(response.data)


def test_clients_that_do_not_accept_gzip_get_the_page_as_it_is(client):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0"}):
        response = client.get("/", headers=headers)
        assert "Content-Encoding" not in response.headers
        assert "Accept-Encoding" in response.vary  # a shared cache must not mix the two
        assert response.data.lstrip().startswith(b"<!DOCTYPE html>")


def test_json_and_downloads_are_sent_as_they_are(client, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    for url in ("/healthz", "/manage/export.csv"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url
