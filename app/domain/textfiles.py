"""Read course text files and split a Markdown file's YAML front matter from its body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import Problems

FENCE = "---"


@dataclass(frozen=True)
class FrontMatterSplit:
    """The YAML between the `---` lines and the Markdown after, with their first lines."""

    yaml_text: str
    yaml_first_line: int
    body: str
    body_first_line: int


def read_text(path: Path, problems: Problems) -> str | None:
    """Return a file's text with Unix line endings, or record why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(path, 0, f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(path, line, "file is not UTF-8 text; save it as UTF-8")
        return None
    # Line numbers must agree between YAML marks and our own counting.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> FrontMatterSplit | None:
    """Split `---` fenced front matter from the body; None if the file has none."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return FrontMatterSplit(
                yaml_text="\n".join(lines[1:index]),
                yaml_first_line=2,
                body="\n".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
    return None


def has_unclosed_front_matter(text: str) -> bool:
    """Return True if the file opens front matter with `---` but never closes it."""
    return text.split("\n")[0].rstrip() == FENCE and split_front_matter(text) is None


def no_front_matter_message(text: str, example: str) -> str:
    """Say why a file has no usable front matter; `example` shows what goes between the lines."""
    if has_unclosed_front_matter(text):
        return "front matter starts with '---' but has no closing '---' line"
    return (
        f"missing front matter: start the file with a '---' line, then {example}, "
        "then another '---' line"
    )
