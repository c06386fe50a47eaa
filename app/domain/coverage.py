"""How many assessment questions give evidence for each competency."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content import Catalogue
from .frameworks import Competency
from .problems import Problem


@dataclass(frozen=True)
class Coverage:
    """One competency, the assessment questions aligned with it, and whether that is enough."""

    competency: Competency
    questions: tuple[tuple[str, str], ...]  # (quiz id, question id)
    minimum: int

    @property
    def enough(self) -> bool:
        """Say whether there are enough aligned questions to rate the competency."""
        return len(self.questions) >= self.minimum


def coverage(catalogue: Catalogue) -> tuple[Coverage, ...]:
    """Count every assessment question aligned with each competency of every framework."""
    aligned: dict[str, list[tuple[str, str]]] = {}
    for module in catalogue.modules:
        if module.assessment is None:
            continue
        for question in module.assessment.questions:
            for code in question.competencies:
                aligned.setdefault(code, []).append((module.assessment.id, question.id))
    return tuple(
        Coverage(c, tuple(aligned.get(c.code, ())), f.attainment.minimum_evidence)
        for f in catalogue.frameworks
        for c in f.competencies
    )


def coverage_problems(catalogue: Catalogue) -> list[Problem]:
    """Warn, at the competency's line in its framework file, where no assessment can rate it.

    A competency that a module with an assessment lists is warned about at that
    assessment instead, when it has too few questions: one warning for one cause.
    """
    problems = []
    lines_by_path: dict[str, dict[str, int]] = {}
    for framework in catalogue.frameworks:
        lines_by_path[framework.path] = _code_lines(framework.path)
    assessed = {code for m in catalogue.modules if m.assessment for code in m.competency_codes}
    for row in coverage(catalogue):
        code = row.competency.code
        if row.enough or code in assessed:
            continue
        framework = catalogue.framework(row.competency.framework_id)
        line = lines_by_path.get(framework.path, {}).get(code, 1)
        listing = [m.slug for m in catalogue.modules_for(code)]
        where = (
            f"only module{'s' * (len(listing) > 1)} without an assessment list it "
            f"({', '.join(listing)})"
            if listing
            else "no module lists it"
        )
        problems.append(
            Problem(
                framework.path,
                line,
                "warning",
                f"competency {code} cannot be rated: {where}, so no assessment question "
                "gives evidence for it",
            )
        )
    return problems


def _code_lines(path: str) -> dict[str, int]:
    # The framework's own loader keeps no line per competency; find each "code:" line.
    try:
        text = Path(path).read_text("utf-8")
    except OSError:
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, _, value = line.strip().removeprefix("- ").partition(":")
        if key == "code":
            found[value.strip().strip("'\"")] = number
    return found
