"""The test process's shared parse of URL rules (tests/shared_rules.py) gives each app's
rules what Werkzeug's own parse gives them."""

from werkzeug.routing import Rule

from tests.conftest import build_app


def parsed(rule: Rule) -> tuple:
    """Return what a rule's parse left on it, its converters by class and settings."""
    converters = {
        name: (type(converter), {k: v for k, v in vars(converter).items() if k != "map"})
        for name, converter in rule._converters.items()
    }
    assert all(converter.map is rule.map for converter in rule._converters.values())
    return list(rule._parts), list(rule._trace), converters, set(rule.arguments)


def werkzeugs_parse(rule: Rule) -> tuple:
    """Return what Werkzeug's own compile leaves on a copy of the rule, bound to its map."""
    copy = rule.empty()
    copy.map, copy.merge_slashes = rule.map, rule.merge_slashes
    copy.strict_slashes = rule.strict_slashes
    Rule.compile.__wrapped__(copy)
    return parsed(copy)


def test_an_apps_rules_are_parsed_as_werkzeug_parses_them(app, database_url, smtp_server):
    again = build_app(database_url, smtp_server)  # its every rule parsed before, by `app`
    rules = list(again.url_map.iter_rules())
    assert len(rules) > 100 and any(rule.arguments for rule in rules)
    for rule in rules:
        assert parsed(rule) == werkzeugs_parse(rule), rule.rule
    # Each app's URLs are its own: converters belong to the map that made them.
    first = {rule.rule: rule for rule in app.url_map.iter_rules()}
    for rule in rules:
        for name, converter in rule._converters.items():
            assert converter is not first[rule.rule]._converters[name]
    again.extensions["linkwise.engine"].dispose()
