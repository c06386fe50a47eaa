"""The course as immutable values: modules, their screens, and the catalogue of both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from .frameworks import Competency, Framework
from .provenance import Provenance
from .quizzes import Quiz


def screen_key(slug: str) -> str:
    """Return the gating key of a screen, e.g. "screen:how-it-works"."""
    return f"screen:{slug}"


def check_key(quiz_id: str) -> str:
    """Return the gating key of a knowledge check, e.g. "check:hsw-check-1"."""
    return f"check:{quiz_id}"


def quiz_key(quiz_id: str) -> str:
    """Return the gating key of an end-of-module quiz, e.g. "quiz:hsw-assessment"."""
    return f"quiz:{quiz_id}"


@dataclass(frozen=True)
class Screen:
    """One page of a module, rendered once at load time."""

    slug: str
    number: int
    title: str
    menu_title: str
    html: str
    path: str
    knowledge_check: Quiz | None = None

    @property
    def key(self) -> str:
        """Return this screen's gating key."""
        return screen_key(self.slug)

    @cached_property  # a frozen value: worked out once (every screen view asks, often)
    def item_keys(self) -> tuple[str, ...]:
        """Return the screen's gated items: the screen, then its knowledge check if any."""
        check = (check_key(self.knowledge_check.id),) if self.knowledge_check else ()
        return (self.key, *check)


@dataclass(frozen=True)
class Module:
    """A module with its screens in order and the images its Markdown uses."""

    slug: str
    title: str
    summary: str
    order: int
    estimated_minutes: int
    cpd_minutes: int
    learning_outcomes: tuple[str, ...]
    competency_codes: tuple[str, ...]
    intro_html: str
    screens: tuple[Screen, ...]
    media: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    path: str = ""
    assessment: Quiz | None = None
    provenance: Provenance | None = None

    @cached_property  # a frozen value: worked out once (every screen view asks, often)
    def item_keys(self) -> tuple[str, ...]:
        """Return the gated items in learning order: screens, their checks, then the quiz."""
        quiz = (quiz_key(self.assessment.id),) if self.assessment else ()
        return (*(key for screen in self.screens for key in screen.item_keys), *quiz)

    @cached_property
    def screen_item_keys(self) -> tuple[str, ...]:
        """Return the gated items before the quiz: finishing them opens the quiz."""
        return tuple(key for screen in self.screens for key in screen.item_keys)

    def screen(self, slug: str) -> Screen | None:
        """Return the screen with this slug, or None."""
        return next((s for s in self.screens if s.slug == slug), None)

    def next_screen(self, slug: str) -> Screen | None:
        """Return the screen after this one, or None at the end."""
        slugs = [s.slug for s in self.screens]
        index = slugs.index(slug) if slug in slugs else len(slugs)
        return self.screens[index + 1] if index + 1 < len(self.screens) else None

    def previous_screen(self, slug: str) -> Screen | None:
        """Return the screen before this one, or None at the start."""
        slugs = [s.slug for s in self.screens]
        index = slugs.index(slug) if slug in slugs else 0
        return self.screens[index - 1] if index > 0 else None


@dataclass(frozen=True)
class Catalogue:
    """Every module and framework, built once at start-up and shared read-only."""

    modules: tuple[Module, ...]
    frameworks: tuple[Framework, ...]
    _modules: Mapping[str, Module] = field(init=False, repr=False, compare=False)
    _competencies: Mapping[str, Competency] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.modules, key=lambda m: (m.order, m.slug)))
        competencies = {c.code: c for f in self.frameworks for c in f.competencies}
        # A frozen dataclass may still set its own fields while it is being built.
        object.__setattr__(self, "modules", ordered)
        object.__setattr__(self, "_modules", MappingProxyType({m.slug: m for m in ordered}))
        object.__setattr__(self, "_competencies", MappingProxyType(competencies))

    def module(self, slug: str) -> Module | None:
        """Return the module with this slug, or None."""
        return self._modules.get(slug)

    def position(self, module: Module) -> int:
        """Return a module's place in the course, counting from 1 (its `order` may skip)."""
        return self.modules.index(module) + 1

    def screen(self, module_slug: str, screen_slug: str) -> Screen | None:
        """Return a screen by module and screen slug, or None."""
        module = self.module(module_slug)
        return module.screen(screen_slug) if module else None

    def competency(self, code: str) -> Competency | None:
        """Return the competency with this code, or None."""
        return self._competencies.get(code)

    def called(self, code: str) -> str:
        """Name a competency by its code and name, as emails and pages give it (its code
        alone once no framework has it)."""
        competency = self._competencies.get(code)
        return f"{code} {competency.name}" if competency else code

    def framework(self, framework_id: str) -> Framework | None:
        """Return the framework with this id, or None."""
        return next((f for f in self.frameworks if f.id == framework_id), None)

    def framework_for(self, profession: str) -> Framework | None:
        """Return the framework meant for a profession: the first that applies to it."""
        return next((f for f in self.frameworks if f.applies_to_profession(profession)), None)

    @property
    def competencies(self) -> tuple[Competency, ...]:
        """Return every competency of every framework."""
        return tuple(self._competencies.values())

    def modules_for(self, code: str) -> tuple[Module, ...]:
        """Return the modules that develop a competency."""
        return tuple(m for m in self.modules if code in m.competency_codes)

    def modules_developing(self, framework_id: str) -> tuple[Module, ...]:
        """Return the modules that develop any competency of a framework, in course order."""
        framework = self.framework(framework_id)
        codes = {c.code for c in framework.competencies} if framework else set()
        return tuple(m for m in self.modules if codes.intersection(m.competency_codes))
