"""The Markdown a question shows learners, checked as a screen's is, each slip at its line.

A question's text, its choices (or steps, or prompts) and every feedback are rendered as
Markdown on the quiz page, so they can hold the slips `linkwise validate` finds on screens:
callout text that falls out of its callout, a table caption with no blank line, a footnote
mark with no footnote, raw HTML. Each text is checked on its own, as the page renders it,
starting at the file line its marker is on; wrapped lines follow on the lines after it.
Its `screen:` and `module:` links are kept, for the loader to check that each leads somewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..markdown import InternalLink
from ..problems import Problems
from ..quiz_markdown import check_quiz_text
from .base import Question
from .drafts import QuestionDraft

FEEDBACK = ("general", "correct", "incorrect")


def check_markdown(
    draft: QuestionDraft,
    question_type: type[Question] | None,
    path: str,
    problems: Problems,
    module_slug: str,
) -> list[InternalLink]:
    """Report the Markdown slips in what a question shows, each at its file line.

    Return its course links, `screen:<slug>` ones read as screens of `module_slug`.
    """
    links: list[InternalLink] = []
    for part, line, text in shown_texts(draft, question_type):
        checked = check_quiz_text(
            text, module_slug=module_slug, path=path, first_line=line, part=part
        )
        problems.extend(checked.problems)
        links.extend(checked.links)
    return links


def shown_texts(
    draft: QuestionDraft, question_type: type[Question] | None
) -> Iterator[tuple[str, int, str]]:
    """Yield (part, first line, Markdown) for each text of a question learners read.

    Without a type (one that could not be told), the answer lines are not read as Markdown.
    """
    yield "question", draft.line, draft.text
    for slot in FEEDBACK:
        text = getattr(draft, slot)
        if text is not None:
            yield "feedback", draft.feedback_lines.get(slot, draft.line), text
    for answer in draft.answers:
        if question_type is not None and (shown := question_type.markdown_in(answer)) is not None:
            yield question_type.answer_name or "answer", answer.line, shown
        if answer.feedback is not None:
            yield "feedback", answer.feedback_line or answer.line, answer.feedback
