"""Quiz Markdown drawn for its place on a page: labels and legends get no blocks.

A choice that slipped past `linkwise validate` (a past attempt's question, say) is drawn as
its text; a question on a form keeps its first paragraphs for the legend and the rest under
it; every text's footnote ids take a prefix unique on the page; `screen:` links lead to the
quiz's own module, and open in a new tab from a form, which would lose unsaved answers.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.quiz_markdown import quiz_block_html, quiz_inline_html, quiz_question_html
from tests.domain.quizzes.test_inline_choices import BLOCKS

BLOCK_TAG = re.compile(r"<(p|div|ul|ol|li|h\d|blockquote|pre|table|hr|figure)\b")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab *_`[]()!<>#|:^-=.1\n\t", max_size=80))
def test_a_label_or_a_legend_is_never_given_a_block_whatever_the_text(text):
    assert not BLOCK_TAG.search(quiz_inline_html(text, module_slug="m", new_tab=True))
    before, lead, _ = quiz_question_html(text, module_slug="m", ids="q-1", new_tab=True)
    assert not BLOCK_TAG.search(lead)
    assert lead or not before  # blocks go above the fieldset only when a paragraph follows


@pytest.mark.parametrize("found", BLOCKS)
def test_a_choice_that_slipped_through_is_drawn_as_its_text_without_blocks(found):
    text = re.sub(r"\n    ", "\n", BLOCKS[found])
    html = quiz_inline_html(text, module_slug="m")
    assert not BLOCK_TAG.search(html), html
    assert "Ask" in html, html
    assert "fn" not in html  # a footnote mark would point to references a label cannot hold


def test_a_question_on_a_form_keeps_its_first_paragraphs_for_the_legend_and_the_rest_below():
    text = "Mrs K, 78, has:[^1]\n\n- debts\n- a cold home\n\nWhat first?\n\n[^1]: A source, 2024."
    before, lead, more = quiz_question_html(text, module_slug="m", ids="q-q7")
    assert before == ""
    assert lead == (
        'Mrs K, 78, has:<sup id="q-q7-fnref:1">'
        '<a aria-label="Reference 1" href="#q-q7-fn:1">1</a></sup>'
    )
    assert more.startswith('<div class="lw-question__more">\n<ul>\n<li>debts</li>')
    assert "<p>What first?</p>" in more and '<li id="q-q7-fn:1">' in more
    assert 'href="#q-q7-fnref:1"' in more
    assert quiz_question_html("One.\n\nTwo.", module_slug="m", ids="q-1") == (
        "",
        "One.<br><br>Two.",
        "",
    )


def test_a_question_that_opens_with_a_table_keeps_it_above_and_its_question_for_the_legend():
    """The table is read first, as written, and the legend names the question, not only its
    number; a text with no paragraph at all keeps everything under the legend."""
    text = "| Band | Score |\n| --- | --- |\n| Low | 0 to 10 |\n\nMr A scores 12. Which band?"
    text += "\n\n- He scored 9 last month."
    before, lead, more = quiz_question_html(text, module_slug="m", ids="q-1")
    assert before.startswith('<div class="lw-question__before">\n<div aria-label="Table: Band')
    assert '<td class="nhsuk-table__cell">0 to 10</td>' in before and "Mr A" not in before
    assert lead == "Mr A scores 12. Which band?"
    assert (
        more
        == '<div class="lw-question__more">\n<ul>\n<li>He scored 9 last month.</li>\n</ul>\n</div>'
    )
    before, lead, more = quiz_question_html("- one\n- two", module_slug="m", ids="q-1")
    assert (before, lead) == ("", "") and more.startswith('<div class="lw-question__more">\n<ul>')


def test_footnote_ids_take_the_prefix_given_so_texts_can_share_a_page():
    text = "Ask first.[^1][^note-2]\n\n[^1]: One.\n[^note-2]: Two."
    first = quiz_block_html(text, module_slug="m", ids="r-q1")
    second = quiz_block_html(text, module_slug="m", ids="r-q2-feedback-1")
    ids = [re.findall(r'id="([^"]+)"', html) for html in (first, second)]
    assert ids[0] == ["r-q1-fnref:1", "r-q1-fnref:note-2", "r-q1-fn:1", "r-q1-fn:note-2"]
    assert not set(ids[0]) & set(ids[1])
    for html, found in zip((first, second), ids, strict=True):
        assert sorted(re.findall(r'href="#([^"]+)"', html)) == sorted(found)


def test_course_links_lead_to_the_quiz_module_and_open_in_a_new_tab_only_on_a_form():
    text = "See [the routes](screen:routes), [a module](module:other) and [NHS](https://nhs.uk)."
    on_result = quiz_block_html(text, module_slug="referrals", ids="r-1")
    assert on_result == (
        '<p>See <a href="/modules/referrals/routes/">the routes</a>, '
        '<a href="/modules/other/">a module</a> and '
        '<a href="https://nhs.uk" rel="noopener">NHS</a>.</p>'
    )
    on_form = quiz_inline_html(text, module_slug="referrals", new_tab=True)
    assert on_form == (
        'See <a href="/modules/referrals/routes/" rel="noopener" target="_blank">the routes '
        '(opens in a new tab)</a>, <a href="/modules/other/" rel="noopener" target="_blank">a '
        'module (opens in a new tab)</a> and <a href="https://nhs.uk" rel="noopener" '
        'target="_blank">NHS (opens in a new tab)</a>.'
    )
