"""Loaded content kept on disk: a stored result is only ever the one a full load gives."""

import shutil
from pathlib import Path

import pytest

from app import content_cache
from app.domain.catalogue import load_sources as full_load
from app.domain.sources import discover

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Return a copy of the shipped course, with the cache in a folder of its own."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "competencies", tmp_path / "competencies")
    monkeypatch.setenv(content_cache.SETTING, str(tmp_path / "cache"))
    return tmp_path


def sources(site: Path):
    content = site / "content"
    return discover((), site / "competencies", content / "modules", content / "quizzes")


def stored(site: Path) -> list[Path]:
    return sorted((site / "cache").glob("*.pickle"))


def test_a_second_load_reads_the_stored_result_and_it_equals_a_full_load(site):
    first = content_cache.load_sources(sources(site))
    assert len(stored(site)) == 1
    second = content_cache.load_sources(sources(site))
    assert second is not first
    assert second == full_load(sources(site))
    assert second.catalogue.modules == first.catalogue.modules
    assert [m.slug for m in second.catalogue.modules] == [m.slug for m in first.catalogue.modules]
    assert len(stored(site)) == 1


def test_an_edited_file_is_loaded_again_with_its_error_at_its_line(site):
    content_cache.load_sources(sources(site))
    screen = sorted((site / "content" / "modules").glob("*/0*.md"))[0]
    screen.write_text(screen.read_text("utf-8") + "\n![](diagram-missing.svg)\n", "utf-8")
    result = content_cache.load_sources(sources(site))
    assert result.catalogue is None
    line = len(screen.read_text("utf-8").splitlines())
    errors = [p for p in result.errors if Path(p.path) == screen]
    assert errors and all(p.line == line for p in errors)
    assert result == full_load(sources(site))
    assert len(stored(site)) == 2


def test_a_damaged_entry_is_a_miss_and_is_replaced(site):
    expected = content_cache.load_sources(sources(site))
    (entry,) = stored(site)
    entry.write_bytes(b"not a stored result")
    assert content_cache.load_sources(sources(site)) == expected
    assert entry.read_bytes() != b"not a stored result"


def test_off_stores_nothing(site, monkeypatch):
    monkeypatch.setenv(content_cache.SETTING, "off")
    assert content_cache.load_sources(sources(site)) == full_load(sources(site))
    assert not (site / "cache").exists()
