"""Read a quiz file's front matter: its id, module, kind and attempt settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ..module_files import SLUG
from ..problems import Problems, did_you_mean
from ..textfiles import has_unclosed_front_matter, no_front_matter_message, split_front_matter
from ..yaml_errors import error_line, explain_yaml_error
from ..yaml_loading import compose, yaml_failures
from ..yamlfields import Field, YamlReader
from .model import QUIZ_KINDS, SHOW_CORRECT_ANSWERS, RetakeRule

REQUIRED = (
    "id",
    "module",
    "title",
    "kind",
    "pass_mark",
    "shuffle_answers",
    "shuffle_questions",
    "show_correct_answers",
)
OPTIONAL = ("max_attempts", "time_limit_minutes", "description", "retake")
# The most a quiz may set (docs/content-format.md says why): past these a value is a slip
# of the keyboard, and a date worked out from it could fall beyond the calendar.
MOST_ATTEMPTS = 100
LONGEST_TIME_LIMIT = 1440  # minutes: a day
LONGEST_WAIT = 365  # days: a year


@dataclass(frozen=True)
class QuizHead:
    """The front matter's settings (None where missing or wrong) and where the body starts."""

    settings: dict[str, Any]
    body: str
    body_first_line: int
    lines: dict[str, int] = field(default_factory=dict)  # each key's line, for messages


def read_front_matter(text: str, path: str, problems: Problems) -> QuizHead:
    """Check the front matter; without usable front matter, the whole file is the body."""
    split = split_front_matter(text)
    if split is None:
        message = no_front_matter_message(text, "'id: ...', 'module: ...' and the other settings")
        problems.error(path, 1, message)
        body = "" if has_unclosed_front_matter(text) else text
        return QuizHead({}, body, 1)
    head = QuizHead({}, split.body, split.body_first_line)
    try:
        root = compose(split.yaml_text)
    except yaml_failures() as exc:
        first = split.yaml_first_line
        message = f"invalid YAML in front matter: {explain_yaml_error(exc, first)}"
        problems.error(path, error_line(exc, first), message)
        return head
    if root is None:
        problems.error(path, 1, "front matter is empty")
        return head
    reader = YamlReader(path, split.yaml_first_line, problems)
    fields = reader.mapping(root, "front matter")
    if fields is not None:
        reader.check_keys(
            fields, required=REQUIRED, known=OPTIONAL, missing_line=1, what="quiz front matter"
        )
        head.settings.update(_settings(reader, fields, path))
        head.lines.update({key: found.line for key, found in fields.items()})
    return head


def _settings(reader: YamlReader, fields: dict[str, Field], path: str) -> dict[str, Any]:
    settings = {
        "id": _slug(reader, fields, "id"),
        "module": _slug(reader, fields, "module"),
        "title": reader.title(fields),
        "description": reader.plain_text(fields, "description"),
        "kind": _one_of(reader, fields, "kind", QUIZ_KINDS),
        "pass_mark": reader.number(fields, "pass_mark"),
        "max_attempts": reader.integer(fields, "max_attempts", minimum=1, maximum=MOST_ATTEMPTS),
        "time_limit_minutes": reader.integer(
            fields, "time_limit_minutes", minimum=1, maximum=LONGEST_TIME_LIMIT, meaning=" (a day)"
        ),
        "shuffle_answers": _boolean(reader, fields, "shuffle_answers"),
        "shuffle_questions": _boolean(reader, fields, "shuffle_questions"),
        "show_correct_answers": _one_of(
            reader, fields, "show_correct_answers", SHOW_CORRECT_ANSWERS
        ),
    }
    settings["retake"] = _retake(reader, fields, settings)
    if settings["pass_mark"] is not None and not 0 <= settings["pass_mark"] <= 100:
        reader.error(fields["pass_mark"].line, "'pass_mark' is a percentage: use 0 to 100")
        settings["pass_mark"] = None
    stem, suffix = PurePath(path).stem, PurePath(path).suffix
    if settings["id"] and suffix == ".md" and settings["id"] != stem:
        reader.error(
            fields["id"].line,
            f"id '{settings['id']}' does not match the file name '{stem}.md': make them the same",
        )
    return settings


def _retake(
    reader: YamlReader, fields: dict[str, Field], settings: dict[str, Any]
) -> RetakeRule | None:
    """Read `retake:`: after the last failed attempt, a wait and a revisit open a new set."""
    found = fields.get("retake")
    if found is None:
        return None
    rule = reader.mapping(found.node, "'retake'")
    if rule is None:
        return None
    reader.check_keys(
        rule,
        required=("wait_days",),
        known=("revisit_screens",),
        missing_line=found.line,
        what="'retake'",
    )
    wait_days = reader.integer(
        rule, "wait_days", minimum=0, maximum=LONGEST_WAIT, meaning=" (a year)"
    )
    revisit = _boolean(reader, rule, "revisit_screens")
    if settings["kind"] == "knowledge-check":
        reader.error(found.line, "'retake' is for assessments: knowledge checks never close")
        return None
    if "max_attempts" not in fields:
        reader.error(
            found.line,
            "'retake' needs 'max_attempts': without a limit on attempts there is nothing to reopen",
        )
        return None
    if wait_days is None:
        return None
    return RetakeRule(wait_days, True if revisit is None else revisit)


def _slug(reader: YamlReader, fields: dict[str, Field], key: str) -> str | None:
    value = reader.text(fields, key)
    if value is not None and not SLUG.match(value):
        reader.error(
            fields[key].line,
            f"'{key}' must be lowercase letters, digits and hyphens, not '{value}'",
        )
        return None
    return value


def _one_of(
    reader: YamlReader, fields: dict[str, Field], key: str, allowed: tuple[str, ...]
) -> str | None:
    value = reader.text(fields, key)
    if value is not None and value not in allowed:
        choices = ", ".join(f"'{a}'" for a in allowed)
        reader.error(
            fields[key].line,
            f"'{key}' must be one of {choices}, not '{value}'{did_you_mean(value, allowed)}",
        )
        return None
    return value


def _boolean(reader: YamlReader, fields: dict[str, Field], key: str) -> bool | None:
    found = fields.get(key)
    if found is None or not reader.single(found, key, "true or false"):
        return None
    value = reader.value(found.node)
    if not isinstance(value, bool) and not reader.unbuilt(found.node):
        reader.error(found.line, f"'{key}' must be true or false")
        return None
    return value
