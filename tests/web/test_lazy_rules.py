"""URL rules that compile their url_for code on first use build the URLs Werkzeug's do."""

from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import AnyConverter, NumberConverter

from app.flask_app import LazyRule


def sample_values(rule: Rule) -> dict[str, object]:
    """Return a value for each of the rule's arguments, of the kind its converter takes."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, NumberConverter):
            values[name] = 7
        elif isinstance(converter, AnyConverter):
            values[name] = min(converter.items)
        else:
            values[name] = "a b/é"
    return values


def eager_copy(rule: Rule) -> Rule:
    """Return the same rule as a plain Werkzeug rule, its builders compiled when added."""
    return Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods, defaults=rule.defaults)


def test_every_rule_builds_the_urls_an_eager_rule_builds(app):
    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(rule, LazyRule) for rule in rules)
    eager = Map([eager_copy(rule) for rule in rules]).bind("localhost")
    lazy = app.url_map.bind("localhost")
    for rule in rules:
        values = sample_values(rule)
        for extra in ({}, {"next": "/learn/a b?c", "page": 2}):
            expected = eager.build(rule.endpoint, {**values, **extra})
            assert lazy.build(rule.endpoint, {**values, **extra}) == expected
            # Built twice: the second time by the compiled builder that replaced the first.
            assert lazy.build(rule.endpoint, {**values, **extra}) == expected


def test_builders_are_compiled_on_first_use_only(app):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "static")
    first = rule._build_unknown
    assert first.__name__ == "build_first"
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="a.css")
    assert url == "/static/a.css"
    assert rule._build_unknown is not first
    assert rule._build_unknown.__name__ != "build_first"
    assert rule._build.__name__ == "build_first"  # not asked for yet
