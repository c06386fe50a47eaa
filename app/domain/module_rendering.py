"""Render one module of the catalogue: its page and screens as HTML, checked as they go.

Each screen's links and images, the module's SVG figures and its competency codes are
checked here, every problem at its line; catalogue.py builds the course from the modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .content import Module, Screen
from .figure_checks import svg_problems
from .framework_files import unknown_code_message
from .link_checks import check_links
from .markdown import LinkResolver, RenderedMarkdown, render_markdown
from .module_files import IMAGE_SUFFIXES, ModuleDraft
from .problems import Problems, did_you_mean, reading
from .quiz_files import QuizFile, knowledge_check_for


def check_figures(draft: ModuleDraft, problems: Problems) -> None:
    """Report scripts, links and outside files in the module's SVG figures, at their lines."""
    for name in sorted(draft.files):
        if not name.lower().endswith(".svg"):
            continue
        path = draft.folder / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.error(path, 0, f"cannot read file: {exc.strerror or exc}")
            continue
        with reading(path):
            for line, message in svg_problems(data):
                problems.error(path, line, message)


def check_competencies(draft: ModuleDraft, known_codes: frozenset[str], problems: Problems) -> None:
    """Report each competency the module lists that no framework has, at its line."""
    for line, code in draft.competencies:
        if code not in known_codes:
            problems.error(draft.module_file, line, unknown_code_message(code, sorted(known_codes)))


def render_module(
    draft: ModuleDraft,
    screens_by_module: Mapping[str, set[str]],
    link_resolver: LinkResolver | None,
    problems: Problems,
    quiz_files: Mapping[str, QuizFile],
    placed: dict[str, Path],
) -> Module | None:
    """Render a module's page and screens, checking their links and images; None when
    its files have errors that leave no module anyone can read."""
    slugs = [s.slug for s in draft.screens]

    def render(source, place: int) -> RenderedMarkdown:
        # The screens after this one may be locked to its reader; the first is always open.
        # A slug used twice (an error of its own) is not later when it is also this or an
        # earlier screen's: a link to that one is no mistake.
        reached = set(slugs[: max(place, 1)])
        with reading(source.path):
            rendered = render_markdown(
                source.body,
                module_slug=draft.slug,
                link_resolver=link_resolver,
                path=str(source.path),
                first_line=source.body_first_line,
                later_screens=[s for s in slugs[max(place, 1) :] if s not in reached],
            )
            problems.extend(rendered.problems)
            _check_references(draft, source.path, rendered, screens_by_module, problems)
        return rendered

    # A screen's number is its place in the module (the files' numbers only order them, and
    # may leave gaps): "screen 4 of 4", never "screen 5 of 4".
    screens = tuple(
        Screen(
            s.slug,
            place,
            s.title,
            s.menu_title or s.title,
            render(s.source, place).html,
            str(s.source.path),
            s.knowledge_check
            and knowledge_check_for(
                draft, *s.knowledge_check, s.source.path, quiz_files, problems, placed
            ),
        )
        for place, s in enumerate(draft.screens, 1)
    )
    if draft.source is None:
        return None
    intro = render(draft.source, 0)  # the module page comes before every screen
    if not draft.source.front_matter_ok or not all(s.source.front_matter_ok for s in draft.screens):
        return None  # checked for every mistake, but not a module anyone can read
    media = {
        name: str((draft.folder / name).resolve())
        for name in sorted(draft.files)
        if name.lower().endswith(IMAGE_SUFFIXES)
    }
    return Module(
        slug=draft.slug,
        title=draft.title,
        summary=draft.summary,
        order=draft.order,
        estimated_minutes=draft.estimated_minutes,
        cpd_minutes=draft.cpd_minutes,
        learning_outcomes=draft.learning_outcomes,
        competency_codes=tuple(code for _, code in draft.competencies),
        intro_html=intro.html,
        screens=screens,
        media=MappingProxyType(media),
        path=str(draft.folder),
        provenance=draft.provenance,
    )


def _check_references(
    draft: ModuleDraft,
    path: Path,
    rendered: RenderedMarkdown,
    screens_by_module: Mapping[str, set[str]],
    problems: Problems,
) -> None:
    images = sorted(n for n in draft.files if n.lower().endswith(IMAGE_SUFFIXES))
    for image in rendered.images:
        if not image.is_local:
            continue
        if image.src not in draft.files:
            problems.error(
                path,
                image.line,
                f"image file '{image.src}' not found in "
                f"{draft.folder}{did_you_mean(image.src, images)}",
            )
        elif not image.src.lower().endswith(IMAGE_SUFFIXES):
            problems.error(path, image.line, f"image '{image.src}' must be svg, png, jpg or webp")
    check_links(path, rendered.links, screens_by_module, problems)
