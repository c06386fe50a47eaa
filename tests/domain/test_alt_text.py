"""Alt text that only names the picture (its file name, "Figure 1", "image") is a warning
saying what alt text should say: a screen reader user hears nothing else of the figure."""

import pytest

from app.domain.markdown import render_markdown

SAYS = (
    "which says nothing of what it shows: a screen reader user hears only the alt text, so "
    "say in it what the figure shows, every label, number and relationship a sighted reader "
    "takes from it"
)


def warnings(alt: str) -> list[str]:
    text = f'![{alt}](carer-routes.svg "Figure 1: Two routes to support")\n'
    rendered = render_markdown(text, module_slug="carers", path="s.md")
    return [str(p) for p in rendered.problems]


@pytest.mark.parametrize(
    "alt",
    [
        "carer-routes.svg",
        "carer-routes",
        "Carer routes",
        "Figure 1",
        "Fig. 2",
        "image",
        "Picture",
        "a diagram",
        "Image 3:",
    ],
)
def test_alt_text_that_only_names_the_picture_is_warned_of(alt):
    assert warnings(alt) == [
        f"s.md:1: warning: image 'carer-routes.svg' has the alt text '{alt}', {SAYS}"
    ]


@pytest.mark.parametrize(
    "alt",
    [
        "Two routes to support for a carer: a carers' assessment by the council, and a "
        "carers' centre",
        "Figure of eight knot",  # a word for a picture, then more: it may describe
        "A diagram of the two routes a carer can take to support",
    ],
)
def test_alt_text_that_describes_is_not_warned_of(alt):
    assert warnings(alt) == []
