"""Quiz Markdown: checked when a quiz file is read, rendered for the place a page shows it.

A question's text, its choices (steps, prompts) and its feedback are Markdown, rendered by
app/domain/markdown.py as a screen's is, with the same `screen:` and `module:` links, which
resolve against the quiz's own module. Where each text goes decides what it may hold
(app/domain/markdown_layout.py): a choice is a label, so inline Markdown only.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

from .markdown import LinkResolver, RenderedMarkdown, render_markdown
from .markdown_layout import INLINE_PARTS, QuizLayout, paragraphs_inline, split_lead

# Every mistake rendering reports needs one of these: a heading's `#` or `=`, a callout's or
# an image's `!`, a tag's `<`, a quote's `>`, a link's or a footnote's `[`, a table's `|`, a
# code fence's ``` or ~~~; or text long enough to nest past Python's recursion limit
# (hundreds of list markers).
MIGHT_BE_WRONG = re.compile(r"[#=!<>\[|]|```|~~~")
# A choice's block (a list, a code block, a second paragraph) starts a line or its text.
MIGHT_BE_BLOCK = re.compile(r"\n|^[\s\d*+_-]")
NESTABLE_LENGTH = 500
NOTHING = RenderedMarkdown("", (), (), ())


def check_quiz_text(
    text: str, *, module_slug: str, path: str, first_line: int, part: str
) -> RenderedMarkdown:
    """Render a quiz text as validate does: its problems at the file's lines, and its links."""
    # Nearly all quiz text is plain, and cannot hold a mistake: rendering all of it would
    # double the time the course takes to load.
    if (
        len(text) < NESTABLE_LENGTH
        and not MIGHT_BE_WRONG.search(text)
        and not (part in INLINE_PARTS and MIGHT_BE_BLOCK.search(text))
    ):
        return NOTHING
    return render_markdown(
        text, module_slug=module_slug, path=path, first_line=first_line, quiz_part=part
    )


def quiz_block_html(
    text: str, *, module_slug: str, ids: str, links: LinkResolver | None = None
) -> str:
    """Render feedback, or a question on a result page: any Markdown, footnote ids prefixed."""
    return _html(text, module_slug, links, "feedback", QuizLayout("block", ids))


def quiz_inline_html(
    text: str, *, module_slug: str, new_tab: bool = False, links: LinkResolver | None = None
) -> str:
    """Render a choice, step or prompt as phrasing content, for a label or a line of text."""
    html = _html(text, module_slug, links, "choice", QuizLayout("inline", new_tab=new_tab))
    return paragraphs_inline(html)


def quiz_plain_text(text: str, *, module_slug: str, inline: bool = True) -> str:
    """Return a quiz text as the words its page shows, for a record that takes no markup."""
    if inline:
        html = quiz_inline_html(text, module_slug=module_slug)
    else:
        html = quiz_block_html(text, module_slug=module_slug, ids="plain")
    # A line break a space, every tag out (their words kept), then the entities read: text,
    # never markup.
    html = re.sub(r"<br\s*/?>", " ", html)
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def quiz_question_html(
    text: str,
    *,
    module_slug: str,
    ids: str,
    new_tab: bool = False,
    links: LinkResolver | None = None,
) -> tuple[str, str, str]:
    """Render a question on a form: (the blocks it opens with, to go above its fieldset, or
    ""; phrasing content for its legend; what goes below the legend)."""
    html = _html(text, module_slug, links, "question", QuizLayout("lead", ids, new_tab))
    before, lead, more = split_lead(html)
    return before, paragraphs_inline(lead), more


def _html(
    text: str, module_slug: str, links: LinkResolver | None, part: str, layout: QuizLayout
) -> str:
    return render_markdown(
        text or "", module_slug=module_slug, link_resolver=links, quiz_part=part, layout=layout
    ).html
