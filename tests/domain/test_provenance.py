"""A module's provenance (version, author, reviewer, dates, references) is required and checked."""

from app.domain.catalogue import load_catalogue

from .conftest import MODULE_MD, TINY_FRAMEWORK

SCREEN = {"01-one.md": "---\ntitle: One\n---\nText.\n"}


def problems_with(course, module_md):
    folder = course({**SCREEN, "module.md": module_md})
    return [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]


def test_the_tiny_module_carries_its_provenance(course):
    folder = course(SCREEN)
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    about = result.catalogue.module("tiny").provenance
    assert (about.version, about.author, about.clinical_reviewer) == (
        "1.0",
        "A test author",
        "A test reviewer",
    )
    assert (str(about.published), str(about.next_review)) == ("2026-01-05", "2027-01-05")
    assert [(r.title, r.publisher, r.year, r.url) for r in about.references] == [
        ("A reference", "A publisher", 2025, "https://example.org/reference")
    ]
    assert about.further_reading[0].title == "More to read"


def test_each_missing_provenance_key_is_an_error_at_line_1(course):
    bare = MODULE_MD.split("version:")[0] + "---\nIntro.\n"
    found = problems_with(course, bare)
    for key in (
        "version",
        "author",
        "clinical_reviewer",
        "published",
        "next_review",
        "references",
        "further_reading",
    ):
        assert (1, f"module.md is missing required key '{key}'") in found


def test_bad_dates_and_references_are_reported_at_their_lines(course):
    text = (
        MODULE_MD.replace('version: "1.0"', "version: 1.0")
        .replace("next_review: 2027-01-05", "next_review: 2025-12-01")
        .replace("published: 2026-01-05", "published: 2026-01-05")
        .replace("url: https://example.org/reference", "url: example.org/reference")
        .replace("    year: 2024\n", "")
    )
    lines = text.splitlines()

    def line_of(fragment):
        return next(n for n, line in enumerate(lines, 1) if fragment in line)

    assert problems_with(course, text) == [
        (line_of("version:"), "'version' must be text in quotes, such as \"2.0\""),
        (line_of("next_review:"), "'next_review' must be after 'published'"),
        (
            line_of("url: example.org"),
            "'url' must be a full web address starting https://, not 'example.org/reference'",
        ),
        (
            line_of("- title: More to read"),
            "an item of 'further_reading' is missing required key 'year'",
        ),
    ]


def test_a_date_that_does_not_exist_is_one_plain_error_at_its_line(course):
    text = MODULE_MD.replace("published: 2026-01-05", "published: 2026-02-30").replace(
        "next_review: 2027-01-05", "next_review: 2027-13-01"
    )
    lines = text.splitlines()

    def line_of(fragment):
        return next(n for n, line in enumerate(lines, 1) if fragment in line)

    assert problems_with(course, text) == [
        (
            line_of("published:"),
            "'published' must be a real date written like 2026-12-01, not 2026-02-30",
        ),
        (
            line_of("next_review:"),
            "'next_review' must be a real date written like 2026-12-01, not 2027-13-01",
        ),
    ]
    empty = MODULE_MD.replace("published: 2026-01-05", "published:")
    assert problems_with(course, empty) == [
        (line_of("published:"), "'published' must be a date written like 2026-12-01")
    ]
