"""Quiz Markdown as one page shows it: an object the quiz templates render every text with.

A page makes one for its quiz's module (the Jinja global `quiz_texts`), so `screen:` links
lead to that module's screens; on a form, links open in a new tab, so following one never
loses the answers given so far. Every text whose footnotes get ids is given a prefix unique
on its page. The SCORM export hands the same templates a QuizTexts of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from app.domain.quiz_markdown import quiz_block_html, quiz_inline_html, quiz_question_html


@dataclass(frozen=True)
class QuizTexts:
    """Render a quiz's texts for a page: the module its links resolve in, and if a form."""

    module_slug: str
    form: bool = False

    def question(self, text: str, ids: str) -> tuple[Markup, Markup, Markup]:
        """Return a question's text: the blocks it opens with (above its fieldset), what goes
        in its legend (phrasing only), and what goes under the legend."""
        before, lead, more = _question(text, self.module_slug, ids, self.form)
        return Markup(before), Markup(lead), Markup(more)  # Markdown -> nh3 (markdown.py)

    def inline(self, text: str) -> Markup:
        """Return a choice, step, prompt or answer as phrasing content, for a label or line."""
        return Markup(_inline(text, self.module_slug, self.form))  # Markdown -> nh3

    def block(self, text: str, ids: str) -> Markup:
        """Return feedback, or a question on a result page, its footnote ids prefixed by `ids`."""
        return Markup(_block(text, self.module_slug, ids))  # Markdown -> nh3


# Each text is rendered once per module, place and prefix: a page shows the same ones often.
@lru_cache(maxsize=8192)
def _question(text: str, module_slug: str, ids: str, form: bool) -> tuple[str, str, str]:
    return quiz_question_html(text, module_slug=module_slug, ids=ids, new_tab=form)


@lru_cache(maxsize=8192)
def _inline(text: str, module_slug: str, form: bool) -> str:
    return quiz_inline_html(text, module_slug=module_slug, new_tab=form)


@lru_cache(maxsize=8192)
def _block(text: str, module_slug: str, ids: str) -> str:
    return quiz_block_html(text, module_slug=module_slug, ids=ids)
