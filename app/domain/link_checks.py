"""Check that `screen:` and `module:` links lead somewhere: in screens and in quizzes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .markdown import InternalLink
from .problems import Problems, did_you_mean


def check_links(
    path: str | Path,
    links: Iterable[InternalLink],
    screens_by_module: Mapping[str, set[str]],
    problems: Problems,
) -> None:
    """Report each link to a module, or a screen of a module, that does not exist."""
    for link in links:
        if link.module_slug not in screens_by_module:
            hint = did_you_mean(link.module_slug, screens_by_module)
            problems.error(
                path,
                link.line,
                f"link '{link.target}' points to module "
                f"'{link.module_slug}', which does not exist{hint}",
            )
        elif link.screen_slug and link.screen_slug not in screens_by_module[link.module_slug]:
            hint = did_you_mean(link.screen_slug, screens_by_module[link.module_slug])
            problems.error(
                path,
                link.line,
                f"link '{link.target}' points to screen "
                f"'{link.screen_slug}', which is not in module "
                f"'{link.module_slug}'{hint}",
            )
