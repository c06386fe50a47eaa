"""Read one module folder: module.md, its NN-slug.md screens, and its images."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .framework_files import WRITTEN_CODE
from .problems import Problems, reading
from .provenance import PROVENANCE_KEYS, Provenance, read_provenance
from .textfiles import no_front_matter_message, read_text, split_front_matter
from .yaml_errors import error_line, explain_yaml_error
from .yaml_loading import compose, yaml_failures
from .yamlfields import Field, YamlReader

MODULE_FILE = "module.md"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCREEN_FILE = re.compile(r"^(?P<number>[0-9]{2,3})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
MOST_MINUTES = 1440  # estimated_minutes and cpd_minutes: a day
MOST_ORDER = 1000  # a module's place in "My learning": room for any course, and gaps between

MODULE_REQUIRED = (
    "title",
    "summary",
    "order",
    "estimated_minutes",
    "cpd_minutes",
    "learning_outcomes",
    "competencies",
    *PROVENANCE_KEYS,
)
# What an item of these lists is, for one written as a list or with points under it.
EACH_OUTCOME = (
    "each learning outcome is one line of text, printed on certificates: keep one line "
    "and cover the points under it on a screen instead"
)
EACH_CODE = (
    "each item is one competency code, such as SPLW-1.2: give every code its own '- ' line "
    "directly under 'competencies:', with nothing under it"
)
SCREEN_REQUIRED = ("title",)
COMPETENCIES_KEY = re.compile(r"^competencies\s*:")
# A note for other authors, which nobody sees on the page.
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# knowledge_check names a knowledge-check quiz shown over the screen.
SCREEN_KNOWN = ("menu_title", "knowledge_check")


@dataclass(frozen=True)
class MarkdownFile:
    """A Markdown file's checked front matter fields and its body with its first line."""

    path: Path
    reader: YamlReader
    fields: dict[str, Field]
    body: str
    body_first_line: int
    # False when the front matter could not be read (its error is reported): the body is
    # still checked, so one mistake does not hide the others.
    front_matter_ok: bool = True
    front_matter: str = ""  # the front matter as written, read or not


@dataclass
class ScreenDraft:
    """A screen read from disk, not yet rendered."""

    slug: str
    number: int
    title: str | None
    menu_title: str | None
    source: MarkdownFile
    knowledge_check: tuple[int, str] | None = None  # (line, quiz id)


@dataclass
class ModuleDraft:
    """A module folder read from disk, not yet rendered or cross-checked."""

    folder: Path
    slug: str
    source: MarkdownFile | None
    title: str | None = None
    summary: str | None = None
    order: int | None = None
    estimated_minutes: int | None = None
    cpd_minutes: int | None = None
    learning_outcomes: tuple[str, ...] = ()
    # Items written under learning_outcomes, counting those refused (a list, say), so
    # a quiz naming an outcome after a refused one is not reported as well.
    outcome_items: int = 0
    competencies: tuple[tuple[int, str], ...] = ()
    provenance: Provenance | None = None
    screens: list[ScreenDraft] = field(default_factory=list)
    files: frozenset[str] = frozenset()

    @property
    def module_file(self) -> Path:
        """Return the path of this module's module.md."""
        return self.folder / MODULE_FILE


def screen_slugs_in(folder: Path) -> set[str]:
    """Return the screen slugs a module folder's file names promise, without reading them."""
    return {m["slug"] for p in _markdown_files(folder) if (m := SCREEN_FILE.match(p.name))}


def read_module(folder: Path, problems: Problems) -> ModuleDraft:
    """Read module.md and every screen file of a module folder."""
    draft = ModuleDraft(folder=folder, slug=folder.name, source=None)
    if not SLUG.match(folder.name):
        problems.error(
            draft.module_file,
            1,
            f"module folder '{folder.name}' must be named "
            "with lowercase letters, digits and hyphens",
        )
    try:
        draft.files = frozenset(p.name for p in folder.iterdir() if p.is_file())
    except OSError as exc:
        problems.error(folder, 0, f"cannot read folder: {exc.strerror or exc}")
        return draft
    with reading(draft.module_file):
        draft.source = read_markdown_file(draft.module_file, problems)
        if draft.source is not None and draft.source.front_matter_ok:
            _module_fields(draft, draft.source)
        elif draft.source is not None:
            # Front matter that is not YAML is not read past its error, yet the codes written
            # in its `competencies` are still checked against the frameworks.
            draft.competencies = codes_written_in(draft.source)
    _read_screens(draft, problems)
    return draft


def codes_written_in(source: MarkdownFile) -> tuple[tuple[int, str], ...]:
    """Return (line, code) for each code written under `competencies:` in unread YAML."""
    codes: list[tuple[int, str]] = []
    inside = False
    for number, text in enumerate(source.front_matter.splitlines(), source.reader.first_line):
        starts_key = text[:1] not in ("", " ", "\t", "-", "#")
        if starts_key:
            inside = COMPETENCIES_KEY.match(text) is not None
        if inside:
            codes.extend((number, code) for code in WRITTEN_CODE.findall(text))
    return tuple(codes)


def read_markdown_file(path: Path, problems: Problems) -> MarkdownFile | None:
    """Split and parse a Markdown file's front matter, recording any problem with it."""
    text = read_text(path, problems)
    if text is None:
        return None
    split = split_front_matter(text)
    if split is None:
        problems.error(path, 1, no_front_matter_message(text, "'title: ...'"))
        return None
    reader = YamlReader(str(path), split.yaml_first_line, problems, split.yaml_text)
    unread = MarkdownFile(
        path, reader, {}, split.body, split.body_first_line, False, split.yaml_text
    )
    try:
        root = compose(split.yaml_text)
    except yaml_failures() as exc:
        first = split.yaml_first_line
        message = f"invalid YAML in front matter: {explain_yaml_error(exc, first)}"
        problems.error(path, error_line(exc, first), message)
        return unread
    if root is None:
        problems.error(path, 1, "front matter is empty")
        return unread
    fields = reader.mapping(root, "front matter")
    if fields is None:
        return unread
    return MarkdownFile(
        path, reader, fields, split.body, split.body_first_line, front_matter=split.yaml_text
    )


def _minutes(reader: YamlReader, fields: dict[str, Field], key: str) -> int | None:
    # A module of more than a day is several modules; each certificate stores its minutes.
    return reader.integer(fields, key, minimum=1, maximum=MOST_MINUTES, meaning=" (a day)")


def _module_fields(draft: ModuleDraft, source: MarkdownFile) -> None:
    reader, fields = source.reader, source.fields
    reader.check_keys(fields, required=MODULE_REQUIRED, known=(), missing_line=1, what="module.md")
    draft.title = reader.title(fields)
    draft.summary = reader.plain_text(fields, "summary")
    draft.order = reader.integer(fields, "order", minimum=0, maximum=MOST_ORDER)
    draft.estimated_minutes = _minutes(reader, fields, "estimated_minutes")
    draft.cpd_minutes = _minutes(reader, fields, "cpd_minutes")
    outcomes = reader.text_items(fields, "learning_outcomes", EACH_OUTCOME) or []
    draft.learning_outcomes = tuple(text for _, text in outcomes)
    draft.outcome_items = reader.item_count(fields, "learning_outcomes")
    draft.competencies = tuple(reader.text_items(fields, "competencies", EACH_CODE) or [])
    draft.provenance = read_provenance(reader, fields)


def _read_screens(draft: ModuleDraft, problems: Problems) -> None:
    numbers: dict[int, Path] = {}
    slugs: dict[str, Path] = {}
    for path in _markdown_files(draft.folder):
        match = SCREEN_FILE.match(path.name)
        if match is None:
            problems.error(
                path,
                1,
                f"screen file '{path.name}' must be named like "
                "'01-screen-slug.md' (number, hyphen, lowercase slug)",
            )
            continue
        number, slug = int(match["number"]), match["slug"]
        if number in numbers:
            problems.error(
                path, 1, f"screen number {match['number']} is also used by {numbers[number].name}"
            )
        if slug in slugs:
            problems.error(path, 1, f"screen slug '{slug}' is also used by {slugs[slug].name}")
        # The file is still read and checked, so its own mistakes are not hidden behind
        # the clash; the clash alone keeps the module from loading.
        numbers.setdefault(number, path)
        slugs.setdefault(slug, path)
        with reading(path):
            _read_screen(draft, path, number, slug, problems)
    if not numbers:
        problems.error(
            draft.module_file,
            1,
            "module has no screens; add files named like '01-first-screen.md' beside module.md",
        )


def _read_screen(
    draft: ModuleDraft, path: Path, number: int, slug: str, problems: Problems
) -> None:
    """Read one screen file's front matter into the draft, even when it has faults."""
    source = read_markdown_file(path, problems)
    if source is None:
        return
    if not source.front_matter_ok:
        draft.screens.append(ScreenDraft(slug, number, None, None, source))
        return
    reader, fields = source.reader, source.fields
    reader.check_keys(
        fields, required=SCREEN_REQUIRED, known=SCREEN_KNOWN, missing_line=1, what="screen"
    )
    title = reader.title(fields)
    menu_title = reader.title(fields, "menu_title")
    check_id = reader.text(fields, "knowledge_check")
    check = (fields["knowledge_check"].line, check_id) if check_id else None
    if check is None and not HTML_COMMENT.sub("", source.body).strip():
        problems.warning(
            path,
            1,
            "screen has no text under its front matter, so learners see only its title; "
            "write what the screen teaches below the closing '---' line",
        )
    draft.screens.append(ScreenDraft(slug, number, title, menu_title, source, check))


def missing_module_file(file_names: Iterable[str]) -> str | None:
    """Say why a folder holding these files looks like a module yet is not read as one.

    A folder is read as a module only by its module.md. One without, but with a file named
    nearly so (Module.md, modules.md) or with screen files, was meant to be one: without a
    word, its module would vanish from the course. None for a module or any other folder.
    """
    names = sorted(file_names)
    if MODULE_FILE in names:
        return None
    lower = {name.lower(): name for name in names}
    near = difflib.get_close_matches(MODULE_FILE, list(lower), n=1, cutoff=0.75)
    if near:
        return f"no {MODULE_FILE} (found {lower[near[0]]}): rename it {MODULE_FILE}"
    screens = [name for name in names if SCREEN_FILE.match(name)]
    if screens:
        more = f" and {len(screens) - 1} more screen{'s' * (len(screens) > 2)}"
        return (
            f"no {MODULE_FILE} (found {screens[0]}{more if len(screens) > 1 else ''}): add "
            f"{MODULE_FILE}, or the folder is not read as a module"
        )
    return None


def _markdown_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.md") if p.is_file() and p.name != MODULE_FILE)
    except OSError:
        return []
