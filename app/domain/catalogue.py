"""Build the course catalogue: read, render and cross-check every module and framework."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from .content import Catalogue, Module, Screen
from .coverage import coverage_problems
from .figure_checks import svg_problems
from .framework_files import load_frameworks, unknown_code_message
from .link_checks import check_links
from .markdown import LinkResolver, RenderedMarkdown, render_markdown
from .module_files import IMAGE_SUFFIXES, ModuleDraft, read_module, screen_slugs_in
from .problems import Problem, Problems, did_you_mean, has_errors, reading
from .quiz_files import (
    QuizFile,
    assessment_for,
    check_quiz_links,
    check_quiz_modules,
    knowledge_check_for,
    read_quizzes,
    unplaced_knowledge_checks,
)
from .sources import Sources, discover


@dataclass(frozen=True)
class LoadResult:
    """The catalogue, or None if any error was found, and every problem found."""

    catalogue: Catalogue | None
    problems: tuple[Problem, ...]
    # Each quiz file's module, as its front matter says, even when the file has errors.
    quiz_modules: Mapping[str, str | None] = field(default_factory=dict, compare=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return only the errors."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Return only the warnings."""
        return tuple(p for p in self.problems if not p.is_error)


def load_catalogue(
    module_dirs: Iterable[Path],
    framework_files: Iterable[Path],
    *,
    reference_module_dirs: Iterable[Path] = (),
    link_resolver: LinkResolver | None = None,
    quiz_files: Iterable[Path] = (),
    found: Iterable[Problem] = (),
) -> LoadResult:
    """Read, render and check modules against frameworks; any error withholds the catalogue.

    `reference_module_dirs` are modules that links may point to without being checked
    themselves, so one module can be validated on its own. `found` are problems already
    found in finding the files: with an error among them, a folder is left out, and the
    course is not judged as a whole (coverage) as if it had gone.
    """
    problems = Problems()
    problems.extend(found)
    framework_result = load_frameworks(framework_files)
    problems.extend(framework_result.problems)
    known_codes = framework_result.codes

    drafts = [read_module(Path(folder), problems) for folder in _unique(module_dirs)]
    screens_by_module: dict[str, set[str]] = {}
    for folder in _unique(reference_module_dirs):
        screens_by_module.setdefault(folder.name, screen_slugs_in(folder))
    for draft in drafts:
        # Every well-named screen file is a link target, even one whose front matter is
        # broken: its own error says what is wrong, and links to it are not wrong too.
        screens_by_module[draft.slug] = screen_slugs_in(draft.folder)
    # Quizzes come after frameworks and modules: their questions name competencies, which
    # must be in the framework and in their module's list.
    quiz_files_by_id = read_quizzes(quiz_files, known_codes, problems, _module_codes(drafts))

    _check_modules_are_distinct(drafts, problems)
    check_quiz_modules(quiz_files_by_id, screens_by_module, problems)
    check_quiz_links(quiz_files_by_id, screens_by_module, problems)
    modules = []
    placed: dict[str, Path] = {}
    for draft in drafts:
        _check_competencies(draft, known_codes, problems)
        _check_figures(draft, problems)
        assessment = assessment_for(draft, quiz_files_by_id, problems)
        module = _render_module(
            draft, screens_by_module, link_resolver, problems, quiz_files_by_id, placed
        )
        if module is not None:
            modules.append(replace(module, assessment=assessment))
    unplaced_knowledge_checks(quiz_files_by_id, [d.slug for d in drafts], placed, problems)
    quiz_modules = {str(f.path): f.module for f in quiz_files_by_id.values()}

    if has_errors(problems.sorted()):
        return LoadResult(None, problems.sorted(), quiz_modules)
    catalogue = Catalogue(tuple(modules), framework_result.frameworks)
    if any(module.assessment for module in modules):
        problems.extend(coverage_problems(catalogue))
    return LoadResult(catalogue, problems.sorted(), quiz_modules)


def validate(
    paths: Iterable[Path],
    *,
    default_competencies_dir: Path,
    default_modules_dir: Path | None = None,
    default_quizzes_dir: Path | None = None,
    load: Callable[[Sources], LoadResult] | None = None,
) -> tuple[Problem, ...]:
    """Check the named files as part of the installed content; return every problem.

    Without paths, everything installed is checked. With paths, every error anywhere is
    returned, since any error keeps the site from starting, and the warnings of the named
    files; a named module brings in the quizzes that belong to it. `load` replaces
    `load_sources`, e.g. by one that keeps results (it must return what it would).
    """
    sources = discover(paths, default_competencies_dir, default_modules_dir, default_quizzes_dir)
    result = (load or load_sources)(sources)
    if sources.named is None:
        return result.problems
    named_modules = {folder.name for folder in sources.module_dirs if sources.is_named(folder)}
    their_quizzes = {path for path, slug in result.quiz_modules.items() if slug in named_modules}
    return tuple(
        p
        for p in result.problems
        if p.is_error or sources.is_named(p.path) or p.path in their_quizzes
    )


def load_sources(sources: Sources, *, link_resolver: LinkResolver | None = None) -> LoadResult:
    """Load a catalogue from discovered sources, keeping discovery's problems."""
    return load_catalogue(
        sources.module_dirs,
        sources.framework_files,
        reference_module_dirs=sources.reference_module_dirs,
        link_resolver=link_resolver,
        quiz_files=sources.quiz_files,
        found=sources.problems,
    )


def _unique(folders: Iterable[Path]) -> list[Path]:
    seen: dict[Path, Path] = {}
    for folder in folders:
        seen.setdefault(Path(folder).resolve(), Path(folder))
    return list(seen.values())


def _check_modules_are_distinct(drafts: list[ModuleDraft], problems: Problems) -> None:
    slugs: dict[str, ModuleDraft] = {}
    orders: dict[int, list[ModuleDraft]] = {}
    for draft in drafts:
        if draft.slug in slugs:
            problems.error(
                draft.module_file,
                1,
                f"module slug '{draft.slug}' is also used by {slugs[draft.slug].module_file}",
            )
        slugs.setdefault(draft.slug, draft)
        if draft.order is not None and draft.source is not None:
            orders.setdefault(draft.order, []).append(draft)
    # A clash is reported at every module in it, each naming the others: the trainer who
    # just edited one file sees it there, whichever file sorts first.
    for order, clashing in orders.items():
        for draft in clashing if len(clashing) > 1 else ():
            others = " and ".join(str(o.module_file) for o in clashing if o is not draft)
            line = draft.source.fields["order"].line
            problems.error(
                draft.module_file,
                line,
                f"order {order} is also used by {others}: give each module its own order",
            )


def _module_codes(drafts: list[ModuleDraft]) -> dict[str, frozenset[str]]:
    # Only modules with codes read from their list: a module.md that is not YAML, or whose
    # `competencies` is empty or not a list, checks nothing. Its own error is the one to
    # fix, not every question that gives evidence for a code the module meant to list.
    return {
        draft.slug: frozenset(code for _, code in draft.competencies)
        for draft in reversed(drafts)
        if draft.competencies and draft.source is not None and draft.source.front_matter_ok
    }


def _check_figures(draft: ModuleDraft, problems: Problems) -> None:
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


def _check_competencies(
    draft: ModuleDraft, known_codes: frozenset[str], problems: Problems
) -> None:
    for line, code in draft.competencies:
        if code not in known_codes:
            problems.error(draft.module_file, line, unknown_code_message(code, sorted(known_codes)))


def _render_module(
    draft: ModuleDraft,
    screens_by_module: Mapping[str, set[str]],
    link_resolver: LinkResolver | None,
    problems: Problems,
    quiz_files: Mapping[str, QuizFile],
    placed: dict[str, Path],
) -> Module | None:
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
