"""Numbered paging: which page numbers a pagination bar shows, with gaps between them."""


def page_numbers(page: int, pages: int, around: int = 1) -> list[int | None]:
    """Return the first, last and pages near `page`, with None where pages are skipped."""
    if pages < 1:
        return []
    shown = {1, pages} | set(range(page - around, page + around + 1))
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= pages):
        if number - previous == 2:
            numbers.append(number - 1)  # a gap of one page: show the page, not an ellipsis
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def page_items(page: int, pages: int) -> list[tuple[int | None, bool]]:
    """Return the page links to offer as (number, narrow_only): None for an ellipsis.

    On a narrow screen the NHS.UK pagination shows only the first, last and current pages and
    any ellipsis, hiding the pages next to the current one: "1 3" would read as though page 2
    did not exist. So where it hides a run of pages that no ellipsis stands for, an ellipsis
    shown on narrow screens only (`narrow_only`) takes their place.
    """
    numbers = page_numbers(page, pages)
    items: list[tuple[int | None, bool]] = []
    for at, number in enumerate(numbers):
        hidden = number not in (None, 1, pages, page)
        starts_run = at > 0 and numbers[at - 1] in (1, page)
        if hidden and starts_run and _run_ends_shown(numbers, at, page, pages):
            items.append((None, True))
        items.append((number, False))
    return items


def _run_ends_shown(numbers: list[int | None], at: int, page: int, pages: int) -> bool:
    # The hidden run from `at` ends at a page shown on narrow screens, not at an ellipsis.
    for number in numbers[at:]:
        if number is None:
            return False
        if number in (1, pages, page):
            return True
    return True


# No listing has this many pages; a page number past it is read as this one, so its offset
# (page x a page's rows) always fits a database integer and answers "past the last page".
MOST_PAGES = 10_000_000


def asked(page: int) -> int:
    """Return a page number from a request, brought within 1 to MOST_PAGES."""
    return min(max(page, 1), MOST_PAGES)


def clamp(page: int, pages: int) -> int:
    """Return the page asked for, brought within 1 to `pages`."""
    return min(max(page, 1), max(pages, 1))


def like_pattern(text: str, escape: str = "\\") -> str:
    """Return a LIKE pattern that finds `text` anywhere, its wildcards taken literally."""
    for special in (escape, "%", "_"):
        text = text.replace(special, escape + special)
    return f"%{text}%"
