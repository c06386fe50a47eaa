"""Reading the item analysis filter from a query string, with messages for bad dates."""

from collections.abc import Mapping

from app.domain.filter_days import filter_days
from app.domain.item_report import Window

FIELDS = ("first", "since", "until")  # the filter's fields, as the page's links carry them


def read_window(args: Mapping[str, str]) -> tuple[Window, dict[str, str]]:
    """Return the window the query asks for and an error per field that is not a date."""
    days, errors = filter_days(args)
    window = Window(args.get("first") == "1", days["since"], days["until"])
    return window, errors


def filter_query(args: Mapping[str, str]) -> dict[str, str]:
    """Return the filter's fields that the query fills in, to carry to another page."""
    return {name: args[name] for name in FIELDS if args.get(name)}
