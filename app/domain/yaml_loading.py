"""Parse a YAML document into nodes, and name the errors reading it can raise.

PyYAML is imported where it is first used: see app/domain/yamlfields.py for why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml


def yaml_failures() -> tuple[type[BaseException], ...]:
    """Return the errors reading a YAML value can raise, for `except yaml_failures():`.

    Constructing a value can fail after parsing succeeded (2024-02-30 is no date), and
    deeply nested flow collections exhaust the recursion limit; all become problems. An
    except clause evaluates this only when something was raised.
    """
    import yaml

    return (yaml.YAMLError, ValueError, OverflowError, RecursionError)


def fast_safe_loader() -> type:
    """Return libyaml's safe loader when PyYAML was built with it, else the pure-Python one.

    libyaml's parser composes front matter many times faster; its nodes carry the same line
    marks. Its error messages are terser ("did not find expected ','" where the pure-Python
    parser says what it found instead, and where), so `compose` parses a text libyaml
    refuses again with the pure-Python parser, which reports it as it always has.
    """
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str) -> yaml.Node | None:
    """Parse one YAML document into nodes without building Python values."""
    import yaml

    try:
        return yaml.compose(text, Loader=fast_safe_loader())
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)
