"""The Flask class Linkwise runs on (kept apart so `import app` stays free of Flask)."""

from flask import Flask
from werkzeug.routing import Rule


class LazyRule(Rule):
    """A URL rule that writes its url_for code when first asked to build a URL.

    Werkzeug writes each rule's two URL builders (with and without extra query arguments) as
    Python source trees and compiles them when the rule is added: 190 compilations, about a
    third of `create_app()` past its imports. Most are never used by a given process (a
    `linkwise` command, a worker that serves learners only). Here each builder is compiled on
    its first call, by Werkzeug's own code, and then replaces itself on the rule: the same
    URLs, and no extra call after the first. tests/web/test_lazy_rules.py compares every
    rule's URLs with Werkzeug's eager rules.
    """

    def _compile_builder(self, append_unknown: bool = True):
        name = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, *args, **kwargs) -> tuple[str, str]:
            built = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, built)
            return built(*args, **kwargs)

        return build_first


class Linkwise(Flask):
    """Flask, asking once per function whether it is a coroutine (none is, here).

    Flask asks for every hook and view of every request, through `inspect`: 14 times a page.
    Its URL rules compile their url_for code on first use (LazyRule).
    """

    url_rule_class = LazyRule

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_ensured", {})
        found = known.get(func)
        if found is None:
            found = known[func] = super().ensure_sync(func)
        return found
