"""Numbered paging: first, last and neighbours, gaps shown once; LIKE patterns escaped."""

from app.domain.paging import clamp, like_pattern, page_items, page_numbers


def test_a_few_pages_are_all_shown():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(2, 4) == [1, 2, 3, 4]


def test_far_pages_are_skipped_with_a_gap_either_side():
    assert page_numbers(40, 81) == [1, None, 39, 40, 41, None, 81]
    assert page_numbers(1, 81) == [1, 2, None, 81]
    assert page_numbers(81, 81) == [1, None, 80, 81]


def test_a_gap_of_one_page_shows_the_page_instead():
    assert page_numbers(4, 10) == [1, 2, 3, 4, 5, None, 10]


def test_out_of_range_pages_clamp():
    assert clamp(0, 5) == 1 and clamp(99, 5) == 5 and clamp(3, 0) == 1


def test_like_wildcards_are_taken_literally():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_pages_hidden_on_a_narrow_screen_without_an_ellipsis_get_one_there():
    # NHS.UK shows only the first, last and current pages (and ellipses) on a narrow screen.
    narrow = "narrow"

    def shown(page, pages):
        return [narrow if n is None and only else n for n, only in page_items(page, pages)]

    assert shown(1, 3) == [1, narrow, 2, 3]  # narrow: "1 … 3", not "1 3"
    assert shown(2, 3) == [1, 2, 3]  # nothing hidden
    assert shown(3, 5) == [1, narrow, 2, 3, narrow, 4, 5]
    assert shown(2, 4) == [1, 2, narrow, 3, 4]
    # Next to an ellipsis every screen shows, no second one.
    assert shown(40, 81) == [1, None, 39, 40, 41, None, 81]
    assert shown(1, 81) == [1, 2, None, 81]
    assert shown(1, 2) == [1, 2]
