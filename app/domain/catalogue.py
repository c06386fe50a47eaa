"""Build the course catalogue: read, render and cross-check every module and framework.

One module is rendered and checked in module_rendering.py; the course is judged whole here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .content import Catalogue
from .coverage import coverage_problems
from .framework_files import load_frameworks
from .markdown import LinkResolver
from .module_files import ModuleDraft, read_module, screen_slugs_in
from .module_rendering import check_competencies, check_figures, render_module
from .problems import Problem, Problems, has_errors
from .quiz_files import (
    assessment_for,
    check_quiz_links,
    check_quiz_modules,
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
        check_competencies(draft, known_codes, problems)
        check_figures(draft, problems)
        assessment = assessment_for(draft, quiz_files_by_id, problems)
        module = render_module(
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
