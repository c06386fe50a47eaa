"""Reading the item analysis filter from a query string, with messages for bad dates."""

from collections.abc import Mapping

from app.domain.filter_days import filter_days
from app.domain.item_report import Window


def read_window(args: Mapping[str, str]) -> tuple[Window, dict[str, str]]:
    """Return the window the query asks for and an error per field that is not a date."""
    days, errors = filter_days(args)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = "To date must be the same as or after the From date"
    window = Window(args.get("first") == "1", days["since"], days["until"])
    return window, errors
