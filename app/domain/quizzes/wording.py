"""Which stored versions of a question learners answered as one question, for its figures.

Every version is stored whole and named by its hash (versions.py), and an attempt keeps the
versions it showed. Item statistics add up versions that differ only in what learners
neither see nor are marked on: where the question stood in a file, its `Title:`, its
`Screens:`, and white space that Markdown shows the same (a paragraph wrapped at other
words, spaces at the end of a line). Nothing here is stored: the keys are worked out from
the stored versions whenever the figures are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..quiz_markdown import quiz_block_html, quiz_inline_html, quiz_question_html
from .versions import content_hash

if TYPE_CHECKING:
    from .base import Question

# Stored in a version, yet no part of what a learner answers or how it is marked: the
# trainers' `Title:` (learners never see it) and the screens a result page links to.
NOT_ANSWERED = ("title", "screens")
# A version's Markdown texts, where they sit in its content: the question's text and its
# feedback, and in each of its choices, steps or pairs what learners read as Markdown (a
# matching question's options, its pairs' `right`, are plain text, as are short answers).
FEEDBACK = ("general", "correct", "incorrect")
PART_PLACES = {"text": "inline", "left": "inline", "feedback": "block"}

# (text, where it is shown: "question", "inline" or "block") -> what stands for it in a key.
TextKey = Callable[[str, str], str]


def alike_versions(quiz_id: str, questions: Mapping[str, Question]) -> list[list[str]]:
    """Return the versions (`questions` by hash) in groups learners answered as one question.

    Versions whose texts differ in white space alone are rendered to tell whether it shows;
    the rest never are (rendering every text of a quiz would cost a second).
    """
    by_words: dict[str, list[str]] = defaultdict(list)
    for version, question in questions.items():
        by_words[_key(quiz_id, question, _words)].append(version)
    groups = []
    for versions in by_words.values():
        written = {_key(quiz_id, questions[v], _as_written) for v in versions}
        if len(written) == 1:
            groups.append(versions)
            continue
        shown: dict[str, list[str]] = defaultdict(list)
        for version in versions:
            shown[wording_key(quiz_id, questions[version])].append(version)
        groups.extend(shown.values())
    return groups


def wording_key(quiz_id: str, question: Question) -> str:
    """Return what names a question as learners answer it and as it is marked: its version's
    content without where it stood in a file (the file, and every `line`), its `Title:` or
    its `Screens:`, with each Markdown text as its page shows it (`shown`). Two versions
    with the same key were moved, retitled, re-wrapped or sent learners to other screens,
    not edited."""
    return _key(quiz_id, question, shown)


def _key(quiz_id: str, question: Question, text_key: TextKey) -> str:
    content = {k: v for k, v in question.to_content().items() if k not in NOT_ANSWERED}
    return content_hash({"quiz": quiz_id, **_without_lines(_texts(content, text_key))})


def _texts(content: dict[str, Any], text_key: TextKey) -> dict[str, Any]:
    """Return the content with each Markdown text replaced by `text_key` of it."""
    if isinstance(content.get("text"), str):
        content["text"] = text_key(content["text"], "question")
    if isinstance(content.get("feedback"), Mapping):
        content["feedback"] = {
            k: text_key(v, "block") if k in FEEDBACK and isinstance(v, str) else v
            for k, v in content["feedback"].items()
        }
    for name, value in content.items():
        if isinstance(value, list | tuple) and all(isinstance(p, Mapping) for p in value):
            content[name] = [
                {
                    k: text_key(v, PART_PLACES[k]) if k in PART_PLACES and isinstance(v, str) else v
                    for k, v in part.items()
                }
                for part in value
            ]
    return content


def _without_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list | tuple):
        return [_without_lines(v) for v in value]
    return value


def _as_written(text: str, place: str) -> str:
    return text


def _words(text: str, place: str) -> str:
    # Coarser than `shown`: texts that differ in white space alone have the same words.
    return " ".join(text.split())


# HTML's white space (not a no-break space, which shows), and the blocks that keep theirs.
_SPACES = re.compile(r"[ \t\n\r\f]+")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
# A space where a line starts or ends (at a block's edge, a line break) shows as nothing.
_AT_LINE_ENDS = re.compile(
    r" ?(</?(?:p|div|br|li|ul|ol|blockquote|h[2-6]|hr|table|caption|thead|tbody|tr|th|td|"
    r"figure|figcaption)\b[^>]*>) ?"
)


@lru_cache(maxsize=4096)  # a stored text never changes: a report asks again for the same
def shown(text: str, place: str) -> str:
    """Return a Markdown text as its page shows it where `place` says ("question", "inline"
    for a choice, step or prompt, "block" for feedback): the HTML it renders to, each run of
    spaces and line breaks one space outside preformatted blocks, none at a line's ends, as
    a browser shows it. Texts that differ only in white space Markdown renders the same come
    out equal; a hard line break, a new paragraph, spacing in a code block or a no-break
    space do not. The text itself if it cannot be rendered."""
    # Any module will do: the texts compared are one quiz's, and a link renders alike.
    try:
        if place == "question":
            html = "\n".join(quiz_question_html(text, module_slug="m", ids="w"))
        elif place == "inline":
            html = quiz_inline_html(text, module_slug="m")
        else:
            html = quiz_block_html(text, module_slug="m", ids="w")
    except RecursionError:  # nested past Python's limit: compared as written
        return text
    pieces = _PRE.split(html)
    spaced = "".join(p if n % 2 else _SPACES.sub(" ", p) for n, p in enumerate(pieces))
    return _AT_LINE_ENDS.sub(r"\1", spaced).strip()
