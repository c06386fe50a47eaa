"""Rendering each Markdown feature into NHS.UK markup, and sanitising what is left."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.domain.markdown import render_markdown


def render(text, **options):
    return render_markdown(text, module_slug="what-is", **options)


def test_table_gets_nhs_classes_and_caption_from_table_paragraph():
    html = render("Table 1: Key roles\n\n| Role | Task |\n| --- | --- |\n| A | B |\n").html
    assert html.startswith(
        '<div aria-label="Table 1: Key roles" class="lw-table-scroll" role="region" '
        'tabindex="0">\n<table class="nhsuk-table">'
    )
    assert '<caption class="nhsuk-table__caption">Table 1: Key roles</caption>' in html
    assert '<thead class="nhsuk-table__head">' in html
    assert '<th class="nhsuk-table__header" scope="col">Role</th>' in html
    assert '<tr class="nhsuk-table__row">' in html
    assert '<td class="nhsuk-table__cell">B</td>' in html
    assert "<p>Table 1" not in html
    assert html.count("role=") == 1  # the box's; NHS.UK's table needs no roles of its own


def test_table_without_caption_paragraph_has_no_caption():
    html = render("Intro text.\n\n| A |\n| --- |\n| 1 |\n").html
    assert "<caption" not in html
    assert "<p>Intro text.</p>" in html


def test_table_alignment_style_is_dropped():
    assert "style" not in render("| A |\n| ---: |\n| 1 |\n").html


def test_image_alone_with_title_becomes_nhs_figure_with_media_url():
    html = render('![A circle](model.svg "Figure 3: The model")\n').html
    assert html == (
        '<figure class="nhsuk-image"><img alt="A circle" class="nhsuk-image__img" '
        'src="/modules/what-is/media/model.svg"><figcaption class="nhsuk-image__caption">'
        "Figure 3: The model</figcaption>\n</figure>"
    )


def test_figure_without_figure_number_is_a_warning_at_its_line():
    result = render('Text.\n\n![A circle](model.svg "The model")\n', path="s.md", first_line=4)
    assert [str(p) for p in result.problems] == [
        "s.md:6: warning: figure title 'The model' should start 'Figure N:'"
    ]


def test_missing_alt_text_is_an_error_at_its_line():
    result = render('## Heading\n\n![](model.svg "Figure 1: X")\n', path="s.md", first_line=4)
    assert [str(p) for p in result.problems] == [
        "s.md:6: error: image 'model.svg' has no alt text; describe it inside ![...]"
    ]


def test_remote_image_is_an_error_and_loses_its_src():
    result = render("![A tracker](https://example.org/pixel.png)\n")
    assert "example.org" not in result.html
    assert result.problems[0].severity == "error"


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("screen:how-it-works", "/modules/what-is/how-it-works/"),
        ("screen:referrals/routes", "/modules/referrals/routes/"),
        ("module:referrals", "/modules/referrals/"),
        ("screen:routes#self-referral", "/modules/what-is/routes/#self-referral"),
    ],
)
def test_course_links_become_site_urls(href, url):
    result = render(f"See [this]({href}).")
    assert f'<a href="{url}">this</a>' in result.html
    assert result.links[0].target == href


def test_course_links_are_recorded_with_their_lines():
    result = render("One.\n\n[a](screen:x) and [b](screen:x)\n\n[c](module:m)\n", first_line=10)
    assert [
        (link.kind, link.module_slug, link.screen_slug, link.line) for link in result.links
    ] == [("screen", "what-is", "x", 12), ("screen", "what-is", "x", 12), ("module", "m", None, 14)]


def test_malformed_course_link_is_an_error_without_href():
    result = render("[a](screen:a/b/c)")
    assert "href" not in result.html
    assert "is not a course address" in result.problems[0].message


def test_external_link_keeps_href_and_gets_noopener():
    html = render("[NHS](https://www.england.nhs.uk/)").html
    assert html == '<p><a href="https://www.england.nhs.uk/" rel="noopener">NHS</a></p>'


def test_custom_link_resolver_supplies_urls():
    class Resolver:
        def module_url(self, module_slug):
            return f"/m/{module_slug}"

        def screen_url(self, module_slug, screen_slug):
            return f"/m/{module_slug}/s/{screen_slug}"

        def media_url(self, module_slug, filename):
            return f"/static/{filename}"

    html = render('[x](screen:y)\n\n![A](a.png "Figure 1: A")', link_resolver=Resolver()).html
    assert 'href="/m/what-is/s/y"' in html
    assert 'src="/static/a.png"' in html


def test_info_callout_is_inset_text_with_hidden_prefix():
    html = render('!!! info "Did you know?"\n    Almost anyone can refer.\n').html
    assert html == (
        '<div class="nhsuk-inset-text">\n<h3 class="nhsuk-heading-s">'
        '<span class="nhsuk-u-visually-hidden">Information: </span>Did you know?</h3>\n'
        "<p>Almost anyone can refer.</p>\n</div>"
    )


def test_warning_callout_uses_nhs_warning_markup():
    html = render('!!! warning "Safeguarding"\n    Follow local policy.\n').html
    assert html == (
        '<div class="nhsuk-warning-callout">\n<h3 class="nhsuk-warning-callout__label">'
        '<span class="nhsuk-u-visually-hidden">Important: </span>'
        "Safeguarding</h3>\n<p>Follow local policy.</p>\n</div>"
    )


@pytest.mark.parametrize(
    "line, label",
    [
        ('!!! warning "Important"', "Important"),
        ('!!! warning "Important: check the referral"', "Important: check the referral"),
        ('!!! warning "Why this is important"', "Why this is important"),
        ('!!! warning ""', "Important"),
    ],
)
def test_a_warning_callout_titled_important_is_not_read_out_important_twice(line, label):
    """NHS.UK's warning callout says "Important: " to screen readers only when its heading
    does not already say it ("Important: Important" was read out)."""
    html = render(f"{line}\n    Follow local policy.\n").html
    assert html == (
        '<div class="nhsuk-warning-callout">\n<h3 class="nhsuk-warning-callout__label">'
        f"{label}</h3>\n<p>Follow local policy.</p>\n</div>"
    )


def test_reflect_callout_is_a_feature_card():
    html = render('!!! reflect "Reflect on your practice"\n    What matters to you?\n').html
    assert html == (
        '<div class="nhsuk-card nhsuk-card--feature lw-reflect">\n'
        '<div class="nhsuk-card__content nhsuk-card__content--feature">\n'
        '<h3 class="nhsuk-card__heading nhsuk-card__heading--feature">'
        "Reflect on your practice</h3>\n<p>What matters to you?</p>\n</div>\n</div>"
    )


def test_unknown_callout_kind_is_a_warning_and_shows_as_info():
    result = render('Text.\n\n!!! danger "Careful"\n    Body.\n', path="s.md")
    assert "nhsuk-inset-text" in result.html
    assert [str(p) for p in result.problems] == [
        "s.md:3: warning: unknown callout 'danger'; use info, warning or reflect (shown as info)"
    ]


def test_footnotes_become_a_references_list_with_accessible_links():
    html = render("A fact.[^1]\n\n[^1]: Source, 2023.\n").html
    assert '<sup id="fnref:1"><a aria-label="Reference 1" href="#fn:1">1</a></sup>' in html
    assert '<div class="lw-references">\n<h2>References</h2>\n<ol>\n<li id="fn:1">' in html
    assert 'aria-label="Back to reference 1 in the text" href="#fnref:1"' in html
    assert "<hr" not in html


def test_body_h1_is_demoted_to_h2_with_a_warning():
    result = render("Intro.\n\n# Too big\n", path="s.md", first_line=4)
    assert "<h2>Too big</h2>" in result.html
    assert result.problems[0].line == 6


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script>",
        "Text <script>alert('x')</script> more",
        '<iframe src="https://evil.example"></iframe>',
        '<img src="x.png" onerror="alert(1)">',
        '<div onclick="alert(1)">hello</div>',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_and_script_urls_never_survive_as_markup(markdown):
    html = render(markdown).html.lower()
    for dangerous in (
        "<script",
        "<iframe",
        "onerror",
        "onclick",
        "javascript:",
        "<style",
        "evil.example",
        "<img",
        "<div",
    ):
        assert dangerous not in html


def test_block_script_loses_its_content_too():
    assert render("<script>alert('x')</script>\n\nAfter.").html == "<p>After.</p>"


def test_raw_html_keeps_its_text_but_not_its_tags():
    html = render('<div class="nhsuk-card">Hello <b>there</b></div>').html
    assert html.replace("\n", "") == "<p>Hello there</p>"


def test_entities_still_render():
    assert render("Fish &amp; chips &copy;").html == "<p>Fish &amp; chips ©</p>"


def test_absurdly_nested_text_is_a_problem_not_a_crash():
    result = render("- " * 2000 + "x", path="s.md", first_line=4)
    assert result.html == ""
    assert str(result.problems[0]) == "s.md:4: error: text is nested too deeply to show"


def test_a_reused_renderer_carries_nothing_from_one_text_to_the_next():
    first = "A fact.[^1] See [the model](screen:model).\n\n# Title\n\n[^1]: Source, 2023.\n"
    other = "Another fact.[^1]\n\n[^1]: Another source.\n\n![](remote.png)\n"
    before = render(first, path="one.md", first_line=5)
    render_markdown(other, module_slug="how-it-works", path="two.md")
    again = render(first, path="one.md", first_line=5)
    assert again == before
    assert [p.path for p in again.problems] == ["one.md"]
    assert [link.module_slug for link in again.links] == ["what-is"]
    assert again.images == ()


def test_renderers_in_threads_side_by_side_give_the_same_html():
    texts = [
        f"Point {n}.[^1] *and* **more** [link](screen:s{n})\n\n[^1]: Note {n}.\n" for n in range(8)
    ]
    expected = [render(text) for text in texts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            assert list(pool.map(render, texts)) == expected


def test_text_after_one_nested_too_deeply_renders_normally():
    assert render("- " * 2000 + "x").problems[0].message == "text is nested too deeply to show"
    assert render("Plain *text*.\n").html == "<p>Plain <em>text</em>.</p>"


def problems_of(text):
    return [str(p) for p in render(text, path="s.md").problems]


@pytest.mark.parametrize(
    "text",
    [
        '!!! info "A"\n    Body.\n\nAfter.\n',
        '!!! info "A"\n    - one\n      more\n    - two\n\n    A second paragraph.\n\nAfter.\n',
        '!!! info "A"\n    Body.\n!!! warning "B"\n    Body.\n',
        '!!! info "A"\n    Body.\n## Next section\n',
        '!!! info ""\n    Body.\n',
        '!!! info "A"\n\tIndented by a tab.\n',
        '!!! info "A"\n    Body.\n\n    !!! warning "B"\n        Inside.\n\nAfter.\n',
        "Use `<b>` in code, &amp; and &copy;, <https://example.org>, and a < b > c.\n",
        "<!-- a note for other authors -->\n\nText <!-- and another --> here.\n",
        "Write `[^1]` to mark a footnote.\n",
        "One source.[^a] The same again.[^a]\n\n[^a]: Source, 2023.\n",
        "Table 1: Roles\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n",
        "An icon ![A tick](tick.svg) inline, with no caption.\n",
        'Figure 2 shows it, below:\n\n![Referrals by route](chart.svg "Figure 2: A chart")\n',
    ],
)
def test_markdown_written_as_the_format_says_has_no_problems(text):
    assert problems_of(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '!!! info "A"\nNot indented.\n',
            "s.md:2: error: callout text is not indented, so it is shown after the callout at "
            "line 1, not in it; indent it by 4 spaces, or leave a blank line above it to end "
            "the callout",
        ),
        (
            '!!! info "A"\n    In.\n  Out.\n',
            "s.md:3: error: callout text is indented by 2 spaces, not 4, so it is shown after "
            "the callout at line 1, not in it; indent it by 4 spaces, or leave a blank line "
            "above it to end the callout",
        ),
        (
            '!!! info "A"\n\nBody.\n',
            "s.md:1: error: callout 'A' has no text, so only its title is shown; write its text "
            "on the lines below the '!!!' line, indented by 4 spaces",
        ),
        (
            "!!! info Did you know?\n    Body.\n",
            "s.md:1: error: callout title 'Did you know?' is not in straight double quotes, so "
            'the line is shown as plain text, not as a callout; write !!! info "Did you know?"',
        ),
        (
            "!!! info \u201cDid you know?\u201d\n    Body.\n",
            "s.md:1: error: callout title 'Did you know?' is not in straight double quotes, so "
            'the line is shown as plain text, not as a callout; write !!! info "Did you know?"',
        ),
        (
            '!!! info "Did you know?\n    Body.\n',
            "s.md:1: error: callout title 'Did you know?' has no closing double quote, so the "
            'line is shown as plain text, not as a callout; write !!! info "Did you know?"',
        ),
        (
            '!!! info "A" and more\n    Body.\n',
            "s.md:1: error: callout line has text after its title's closing quote, so the line "
            "is shown as plain text, not as a callout; end the line with the closing quote",
        ),
        (
            '!!! "A"\n    Body.\n',
            "s.md:1: error: '!!!' starts a callout, but no kind follows, so the line is shown as "
            "plain text, not as a callout; write !!! info, !!! warning or !!! reflect, then the "
            'title in double quotes: !!! info "Title"',
        ),
        (
            '  !!! info "A"\n    Body.\n',
            "s.md:1: error: callout line is indented by 2 spaces, so the line is shown as plain "
            "text, not as a callout; start '!!!' at the beginning of the line (4 spaces in, "
            "inside another callout)",
        ),
        (
            '!!! warning Important "Read this"\n    Body.\n',
            "s.md:1: error: callout line has 'Important' between its kind and its title, and it "
            'is not shown; write !!! warning "Read this"',
        ),
        (
            "Text <b>bold</b> and <i>slanted</i>.\n",
            "s.md:1: error: raw HTML <b> and <i> are not allowed: the page leaves out the tags, "
            "keeping at most the text between them; write it in Markdown instead",
        ),
        (
            "A fact.[^1]\n\n[^1]: Source, 2023.\n[^2]: A source nothing cites.\n",
            "s.md:4: error: footnote [^2] is never marked in the text, so it is listed under "
            "References with a back link that leads nowhere; put [^2] after what it is the "
            "source of, or delete the footnote",
        ),
        (
            "Line one<br>\nline two.\n",
            "s.md:1: error: raw HTML <br> is not allowed: the page leaves out the tags, keeping "
            "at most the text between them; write it in Markdown instead",
        ),
    ],
)
def test_markdown_that_renders_otherwise_than_written_is_an_error_at_its_line(text, expected):
    assert problems_of(text) == [expected]


def test_unquoted_callout_title_is_lost_from_the_page():
    html = render("!!! info Did you know?\n    Body.\n").html
    assert "Did you know?" in html and "nhsuk-inset-text" not in html  # shown as text


def test_a_block_of_html_is_reported_once_at_its_first_line():
    problems = problems_of("Intro.\n\n<div>\nText\n</div>\n\nA stray </span> here.\n")
    assert [p.split(": error: ")[0] for p in problems] == ["s.md:3", "s.md:7"]
    assert "raw HTML <div> is not allowed" in problems[0]
    assert "raw HTML <span> is not allowed" in problems[1]


def test_a_footnote_mark_used_twice_without_its_footnote_is_one_error_at_the_first():
    assert problems_of("A.[^x]\n\nB.[^x]\n") == [
        "s.md:1: error: footnote [^x] has no footnote text, so learners see '[^x]' as it is; "
        "add a line '[^x]: Source, year.' at the end of the screen"
    ]


def test_a_footnote_line_without_its_colon_is_reported_where_it_shows():
    problems = problems_of("A fact.[^1]\n\n[^1]: Source.\n\nAnother.[^2]\n\n[^2] Source two.\n")
    assert [p.split(": error: ")[0] for p in problems] == ["s.md:5"]


def test_an_image_error_is_reported_at_the_image_after_a_link_to_the_same_file():
    result = render('See [the chart](chart.svg).\n\n![](chart.svg "Figure 1: X")\n', path="s.md")
    assert [p.line for p in result.problems] == [3]
    assert result.images[0].line == 3


def test_link_to_a_later_screen_of_the_module_is_plain_words_with_a_warning():
    text = (
        "Next, read about [the roles](screen:roles).\n\n"
        "Go back to [the start](screen:welcome), or see [their roles](screen:referrals/roles).\n"
        "Or [here](screen:what-is/roles#top).\n"
    )
    result = render(text, later_screens={"roles"}, first_line=5)
    assert "/modules/what-is/roles/" not in result.html
    assert "<p>Next, read about <span>the roles</span>.</p>" in result.html
    assert "Or <span>here</span>." in result.html
    assert '<a href="/modules/what-is/welcome/">the start</a>' in result.html
    assert '<a href="/modules/referrals/roles/">their roles</a>' in result.html
    warning, _ = result.problems
    assert [(p.severity, p.line) for p in result.problems] == [("warning", 5), ("warning", 8)]
    assert "later screen of this module" in warning.message
    # Still checked for a target, so a misspelt slug is still an error at validate.
    assert [link.target for link in result.links][0] == "screen:roles"
