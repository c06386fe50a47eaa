"""A clock the app reads (time.time) that a test moves on, instead of sleeping."""

import time


class Clock:
    """The time as the app reads it, moved on by a test."""

    def __init__(self, monkeypatch):
        real = time.time
        self.moved = 0.0
        monkeypatch.setattr(time, "time", lambda: real() + self.moved)

    def forward(self, *, minutes: float = 0, seconds: float = 0) -> None:
        """Move the time on."""
        self.moved += minutes * 60 + seconds
