"""Read the attribute lines above a question (Title:, Points:, ID:, Type:, Competencies:,
Outcomes:, Screens:) into its draft, reporting each problem against the question.

`QuestionAttributes` is the part of the body reader (body.py) that does this; the reader
calls `ATTRIBUTE_READERS[kind]` for each attribute line once the question's number line
comes.
"""

from __future__ import annotations

from ..framework_domain_files import CODE
from ..framework_files import unknown_code_message
from ..module_files import SLUG
from ..plain_numbers import Unplain, plain_number
from ..problems import did_you_mean
from .drafts import QuestionDraft, QuestionReport
from .lines import MarkedLine
from .questions import QUESTION_TYPES

# The most one question is worth: past this a total can overflow, and no quiz needs it.
MOST_POINTS = 100
POINTS_RANGE = f"a number above 0 and at most {MOST_POINTS}"


class QuestionAttributes:
    """Readers of a question's attribute lines, for the body reader to inherit."""

    # Set by the body reader: the codes a question may name (None: any), and the quiz's
    # module slug with the codes it lists, when known.
    known_codes: frozenset[str] | None
    module: tuple[str, frozenset[str]] | None

    def _title(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        draft.title = marked.text

    def _points(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        points = plain_number(marked.text)  # Decimal alone reads '١' as 1, '1e1' as 10
        if isinstance(points, Unplain):
            fix = points.fix(whole=False)
            report.error(marked.line, f"has points '{marked.text}', {points.why}: {fix}")
        elif points is None or points <= 0:
            report.error(marked.line, f"has points '{marked.text}' that are not a number above 0")
        elif points > MOST_POINTS:
            report.error(marked.line, f"has points '{marked.text}': points must be {POINTS_RANGE}")
        else:
            draft.points = float(points)

    def _id(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        if not SLUG.match(marked.text):
            report.error(
                marked.line,
                f"has ID '{marked.text}' that is not lowercase letters, digits and hyphens",
            )
        draft.id, draft.id_line = marked.text, marked.line

    def _type(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        name = marked.text.strip().lower()
        if name not in QUESTION_TYPES:
            known = ", ".join(QUESTION_TYPES)
            hint = did_you_mean(name, QUESTION_TYPES)
            report.error(marked.line, f"has unknown Type '{marked.text}'{hint}: use one of {known}")
            return
        draft.type_name, draft.type_line = name, marked.line

    def _competencies(
        self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport
    ) -> None:
        codes: list[str] = []
        for code in (part.strip() for part in marked.text.split(",")):
            if not CODE.match(code):
                report.error(marked.line, _not_a_code(code))
            elif self.known_codes is not None and code not in self.known_codes:
                message = unknown_code_message(code, sorted(self.known_codes))
                report.error(marked.line, f"has an unknown competency: {message}")
            elif code in codes:
                report.error(marked.line, f"lists competency '{code}' twice")
            elif self.module is not None and code not in self.module[1]:
                slug, listed = self.module
                codes_hint = f"use one of {', '.join(sorted(listed))} or " if listed else ""
                report.error(
                    marked.line,
                    f"gives evidence for {code}, which module '{slug}' does not list: "
                    f"{codes_hint}add {code} to the module's competencies in its module.md",
                )
            else:
                codes.append(code)
        draft.competencies, draft.competencies_line = tuple(codes), marked.line

    def _outcomes(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        # Numbers of the module's learning outcomes; the module's count is checked later.
        numbers: list[int] = []
        for part in (part.strip() for part in marked.text.split(",")):
            number = plain_number(part)
            if isinstance(number, Unplain):
                fix = number.fix(whole=True)
                report.error(marked.line, f"lists outcome '{part}', {number.why}: {fix}")
            elif number is None or number < 1 or number != int(number):
                report.error(
                    marked.line,
                    f"lists outcome '{part}', which is not the number of a learning outcome "
                    "(1 for the module's first)",
                )
            elif int(number) in numbers:
                report.error(marked.line, f"lists outcome {int(number)} twice")
            else:
                numbers.append(int(number))
        draft.outcomes, draft.outcomes_line = tuple(numbers), marked.line

    def _screens(self, draft: QuestionDraft, marked: MarkedLine, report: QuestionReport) -> None:
        # Checked against the module's screens once modules are read (quiz_files.py).
        slugs: list[str] = []
        for slug in (part.strip() for part in marked.text.split(",")):
            if not SLUG.match(slug):
                report.error(
                    marked.line,
                    f"lists screen '{slug}' in 'Screens:': use screen slugs like 'what-it-is', "
                    "separated by commas",
                )
            elif slug in slugs:
                report.error(marked.line, f"lists screen '{slug}' twice")
            else:
                slugs.append(slug)
        draft.screens, draft.screens_line = tuple(slugs), marked.line


ATTRIBUTE_READERS = {
    "question_title": QuestionAttributes._title,
    "question_points": QuestionAttributes._points,
    "question_id": QuestionAttributes._id,
    "question_type": QuestionAttributes._type,
    "question_competencies": QuestionAttributes._competencies,
    "question_outcomes": QuestionAttributes._outcomes,
    "question_screens": QuestionAttributes._screens,
}


def _not_a_code(written: str) -> str:
    """Say why text on a Competencies: line is no code, and how to write it if it is near one.

    Codes written with spaces between them read as one; lower case is another code.
    """
    message = f"lists '{written}', which is not a code like SPLW-1.2"
    parts = written.split()
    meant = [part.upper() for part in parts]
    if not parts or not all(CODE.match(code) for code in meant):
        return message
    fixes = []
    if len(parts) > 1:
        fixes.append("separate codes with commas")
    if meant != parts:
        fixes.append("write codes in capitals")
    return f"{message}: {' and '.join(fixes)} (Competencies: {', '.join(meant)})"
