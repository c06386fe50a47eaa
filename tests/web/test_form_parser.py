"""The app's form parser reads every body as Werkzeug's does, but for one LF for each line
break in a value; and its requests use it."""

from io import BytesIO

import pytest
from flask import request
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from app.flask_app import URLENCODED, FormParser, LinkwiseRequest

# Bytes that matter to a urlencoded body, and some that a browser never sends unquoted.
BODY_BYTES = st.sampled_from(
    [b"&", b"=", b"+", b"%", b"%2", b"%41", b"%zz", b"%C3%A9", b"%FF", b"a", b"q.x-1", b"\x00"]
    + [b"\xc3\xa9", b"\xff", b"\xe2\x82", b" ", b";"]
    # Line breaks as a browser sends them (CR LF, quoted), and as no browser does.
    + [b"%0D%0A", b"%0D", b"%0d", b"%0A", b"\r", b"\n", b"\r\n"]
)


def parsed(parser_class, body: bytes, mimetype: str = URLENCODED, options=None):
    parser = parser_class(cls=ImmutableMultiDict)
    _, form, files = parser.parse(BytesIO(body), mimetype, len(body), options or {})
    form_items = list(form.items(multi=True))
    if parser_class is FormDataParser:  # what the app reads: one LF for each line break
        form_items = [(k, v.replace("\r\n", "\n").replace("\r", "\n")) for k, v in form_items]
    return form_items, list(files.items(multi=True))


@settings(max_examples=500, deadline=None)
@given(st.lists(BODY_BYTES, max_size=30).map(b"".join))
def test_every_urlencoded_body_is_read_as_werkzeug_reads_it(body):
    assert parsed(FormParser, body) == parsed(FormDataParser, body)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"&&",
        b"a",
        b"a=",
        b"=b",
        b"a==b&a=c&a",
        b"action=submit&q.x=1&q.x=2",  # repeated names keep every value, in order
        b"name=Ann+Lee&why=50%25+done",
        b"a=%FF%FE",  # not UTF-8 once unquoted: Werkzeug's escapes
        b"a=\xff",  # not UTF-8 as sent: an empty form
        b"a=\x00b",
        b"why=line+one%0D%0Aline+two%0D%0A%0D%0A",  # a textarea's line breaks, as sent
        b"why=a%0Db%0Ac&why=%0D%0A",
        b"why=a\r\nb\rc",
    ],
)
def test_bodies_that_matter_are_read_as_werkzeug_reads_them(body):
    assert parsed(FormParser, body) == parsed(FormDataParser, body)


def test_other_content_types_are_werkzeug_s():
    multipart = (
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n2\r\n--x--\r\n'
    )
    options = {"boundary": "x"}
    form = parsed(FormParser, multipart, "multipart/form-data", options)
    assert form == ([("a", "1"), ("a", "2")], [])
    assert form == parsed(FormDataParser, multipart, "multipart/form-data", options)
    assert parsed(FormParser, b"a=1", "text/plain") == ([], [])


def test_a_line_break_is_one_lf_in_every_form():
    typed = "line one\nline two\n\nend"
    sent = typed.replace("\n", "%0D%0A").replace(" ", "+").encode()
    assert parsed(FormParser, b"why=" + sent) == ([("why", typed)], [])
    multipart = (
        b'--x\r\nContent-Disposition: form-data; name="why"\r\n\r\n'
        + typed.replace("\n", "\r\n").encode()
        + b"\r\n--x--\r\n"
    )
    assert parsed(FormParser, multipart, "multipart/form-data", {"boundary": "x"}) == (
        [("why", typed)],
        [],
    )


def test_the_app_reads_forms_with_it(app):
    assert app.request_class is LinkwiseRequest
    with app.test_request_context(method="POST", data={"a": ["1", "2"], "b": "é"}):
        assert request.make_form_data_parser().__class__ is FormParser
        assert request.form.getlist("a") == ["1", "2"] and request.form["b"] == "é"


def test_the_content_length_limit_still_applies(app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b"a=" + b"x" * limit
    context = app.test_request_context(method="POST", data=body, content_type=URLENCODED)
    with context, pytest.raises(RequestEntityTooLarge):
        request.form  # noqa: B018 (reading it parses the body)
