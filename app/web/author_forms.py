"""Reading the item analysis filter from a query string, with messages for bad dates."""

from collections.abc import Mapping
from datetime import date

from app.domain.item_report import Window


def read_window(args: Mapping[str, str]) -> tuple[Window, dict[str, str]]:
    """Return the window the query asks for and an error per field that is not a date."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, label in (("since", "From"), ("until", "To")):
        text = args.get(name, "").strip()
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            days[name] = None
            errors[name] = f"{label} date must be a real date, like 2026-11-23"
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = "To date must be the same as or after the From date"
    window = Window(args.get("first") == "1", days["since"], days["until"])
    return window, errors
