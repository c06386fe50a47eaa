"""The Flask class Linkwise runs on (kept apart so `import app` stays free of Flask)."""

from flask import Flask


class Linkwise(Flask):
    """Flask, asking once per function whether it is a coroutine (none is, here).

    Flask asks for every hook and view of every request, through `inspect`: 14 times a page.
    """

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_ensured", {})
        found = known.get(func)
        if found is None:
            found = known[func] = super().ensure_sync(func)
        return found
