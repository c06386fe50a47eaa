"""Shared helpers for domain tests: fixture paths and a tiny course written to tmp_path."""

from pathlib import Path

import pytest

from tests.module_text import PROVENANCE

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
TINY_FRAMEWORK = VALID / "competencies" / "tiny.yaml"

MODULE_MD = (
    """---
title: Tiny
summary: A module written by a test.
order: 1
estimated_minutes: 5
cpd_minutes: 5
learning_outcomes: [Pass the test]
competencies: [TINY-1.1]
"""
    + PROVENANCE
    + """---
Intro.
"""
)


@pytest.fixture
def course(tmp_path):
    """Return a function that writes files into a module folder under tmp_path."""

    def write(files: dict[str, str], slug: str = "tiny") -> Path:
        folder = tmp_path / "modules" / slug
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in {"module.md": MODULE_MD, **files}.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write
