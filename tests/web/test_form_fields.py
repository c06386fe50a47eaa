"""A form field's HTML from its cached fixed parts is the HTML the NHS.UK macro renders."""

import pytest

from app.components import RENDERED_COMPONENTS, render_field

TYPED = [
    "",
    "sam@example.org",
    'a "quoted" <b>name</b> & more',
    "__ERROR__ typed as a name",
    " spaces at the ends ",
    "two\nlines",
    "a line\u2028separator",
]


def direct(app, params):
    """Return what the NHS.UK input macro renders for these parameters."""
    template = app.jinja_env.get_template("nhsuk/components/input/macro.jinja")
    return str(template.module.input(params))


def field(value, error):
    """Return an email field's parameters, with this value and error (None: no error)."""
    params = {
        "label": {"text": "Email address", "size": "s"},
        "id": "email",
        "name": "email",
        "type": "email",
        "value": value,
        "spellcheck": False,
        "hint": {"text": "The one you signed up with"},
    }
    return params if error is None else {**params, "errorMessage": {"text": error}}


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("error", [None, "Enter an email address", " Odd\nerror "])
def test_a_field_with_what_was_typed_and_its_error_matches_the_macro(app, typed, error):
    with app.test_request_context():
        held = field("__VALUE__", None if error is None else "__ERROR__")
        texts = {"VALUE": typed} | ({} if error is None else {"ERROR": error})
        assert str(render_field("input", held, **texts)) == direct(app, field(typed, error))


def test_what_was_typed_is_never_kept_for_the_next_request(app):
    """Typed texts are not in the cache's keys, so none of its HTML holds one."""
    with app.test_request_context():
        render_field("input", field("__VALUE__", "__ERROR__"), VALUE="", ERROR="Enter one")
        keys = RENDERED_COMPONENTS.keys()
        for typed in TYPED[1:4]:
            render_field("input", field("__VALUE__", "__ERROR__"), VALUE=typed, ERROR=typed)
        assert RENDERED_COMPONENTS.keys() == keys
        later = str(render_field("input", field("__VALUE__", None), VALUE="next"))
    assert not any(typed in later for typed in TYPED[1:4])
    assert not any(typed in repr(RENDERED_COMPONENTS.keys()) for typed in TYPED[1:4])
