"""Each URL rule's text parsed once in the test process, not once for each test's app.

Every test builds an app, and each app binds its ~120 rules to a map of its own: Werkzeug
parses each rule's text into the parts its matcher is built from, about 1.7 ms of the 8 ms
of CPU an app's create_app() takes (docs/performance-log.md). The parts depend only on the
rule's text, whether it sits under a host or subdomain, whether slashes merge, and the
converter classes the map names (the app's bounded `int` among them), which are the key. A
rule bound later gets its own converter objects, made by its own map as Werkzeug's parse
makes them, and its own copies of the lists; the parts themselves are read, never changed.
"""

from werkzeug.routing import Rule


def sharing_rule_parses(compile_rule):
    """Wrap Rule.compile: the first rule of each key is parsed by Werkzeug, later ones copy
    what it found."""
    parsed = {}

    def compile_shared(rule: Rule) -> None:
        routes = rule.map
        domain = (rule.host if routes.host_matching else rule.subdomain) or ""
        key = (
            rule.rule,
            domain,
            routes.host_matching,
            bool(rule.merge_slashes),
            tuple(sorted(routes.converters.items())),
        )
        found = parsed.get(key)
        if found is None:
            parsed[key] = _parse_recording_converters(rule, compile_rule)
            return
        parts, trace, converters = found
        rule._parts = list(parts)
        rule._trace = list(trace)
        rule._converters = {
            variable: rule.get_converter(variable, name, args, kwargs)
            for variable, name, args, kwargs in converters
        }
        rule.arguments.update(rule._converters)
        rule._build = rule._compile_builder(False).__get__(rule, None)
        rule._build_unknown = rule._compile_builder(True).__get__(rule, None)

    compile_shared.__wrapped__ = compile_rule  # Werkzeug's own, for tests/web/test_shared_rules
    return compile_shared


def _parse_recording_converters(rule: Rule, compile_rule) -> tuple:
    """Compile the rule as Werkzeug does; return its parts, trace and the converters it
    asked its map for (each variable's converter name and arguments)."""
    asked = []
    get_converter = rule.get_converter

    def recording(variable, name, args, kwargs):
        asked.append((variable, name, args, kwargs))
        return get_converter(variable, name, args, kwargs)

    rule.get_converter = recording
    try:
        compile_rule(rule)
    finally:
        del rule.get_converter
    return tuple(rule._parts), tuple(rule._trace), tuple(asked)
