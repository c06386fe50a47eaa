"""How a choice question names its choices on a form: by their text, never by their ids.

Ids are letters in the order the author wrote the choices ("a", "b", ...), and authors tend
to write the right ones first, so a page naming choices by id gives the answers away.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from .parts import StaleForm

STALE_FORM = (
    "this page was opened before an update, so this answer could not be read: choose it again"
)


class ChoiceValues:
    """Name a choice question's choices on a form by their form_value, never by their id.

    A page shows each choice with its form_value (from its text), so its HTML says nothing
    of which choices are right or the order the author wrote them in; reading the form maps
    the values back to ids, which answers keep. For classes with `choices` and `option_set`.
    """

    @cached_property  # the question never changes; every form read asks
    def ids_by_value(self) -> Mapping[str, str]:
        """Return each choice's id by its form value."""
        return {c.form_value: c.id for c in self.choices}

    @cached_property  # the question never changes; every form drawn asks
    def values_by_id(self) -> Mapping[str, str]:
        """Return each choice's form value by its id."""
        return {c.id: c.form_value for c in self.choices}

    def ids_of(self, values: list[str]) -> list[str]:
        """Return the choice ids the form values name, or raise StaleForm for ids sent instead.

        A value naming no choice is kept as sent, for check_answer to refuse.
        """
        ids = []
        for value in values:
            value = value.strip()
            if value in self.ids_by_value:
                ids.append(self.ids_by_value[value])
            elif value in self.option_set:
                raise StaleForm(STALE_FORM)
            else:
                ids.append(value)
        return ids

    def values_of(self, ids: Any) -> list[str]:
        """Return the form values of choice ids (the inverse of ids_of)."""
        if isinstance(ids, str):
            ids = [ids]
        return [self.values_by_id.get(i, i) for i in ids or ()]
