"""Dataclass methods kept beside the bytecode are the code compiling their text gives."""

import dataclasses
import marshal
import sys

import pytest

from app import dataclass_code


@pytest.fixture
def store(tmp_path, monkeypatch):
    """Keep methods in a fresh file, with nothing kept or compiled yet, and writing allowed."""
    monkeypatch.setattr(dataclass_code, "STORE", tmp_path / "__pycache__" / dataclass_code.NAME)
    monkeypatch.setattr(dataclass_code, "_stored", {})
    monkeypatch.setattr(dataclass_code, "_compiled", {})
    monkeypatch.setattr(dataclass_code, "_used", set())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return dataclass_code.STORE


def define():
    """Define a frozen dataclass with a default, a factory and a return annotation."""

    @dataclasses.dataclass(frozen=True)
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    return Point


def test_python_runs_dataclass_methods_through_the_store():
    assert dataclasses.exec is dataclass_code._exec


def test_compiled_methods_equal_what_compiling_their_text_gives(store):
    define()
    assert len(dataclass_code._compiled) == 6  # init, repr, eq, setattr, delattr, hash
    for text, code in dataclass_code._compiled.items():
        assert code == compile(text, "<string>", "exec", dont_inherit=True)


def test_a_class_from_kept_methods_behaves_as_one_compiled(store):
    compiled = define()
    dataclass_code.save()
    assert store.exists() and not dataclass_code._compiled
    dataclass_code._stored.clear()
    dataclass_code._stored.update(dataclass_code._read())
    kept = define()
    assert not dataclass_code._compiled  # every method came from the file
    for point in (compiled(1, 2, ("a",)), kept(1, 2, ("a",))):
        assert repr(point) == "define.<locals>.Point(x=1, y=2, tags=('a',))"
        assert point == type(point)(1, 2, ("a",)) and point != type(point)(1)
        assert hash(point) == hash((1, 2, ("a",)))
        assert type(point)(1).tags == ()
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 3


def test_nothing_is_written_when_python_writes_no_bytecode(store, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    define()
    dataclass_code.save()
    assert not store.exists()


def test_a_damaged_or_foreign_store_is_ignored(store):
    store.parent.mkdir()
    store.write_bytes(b"not marshal data")
    assert dataclass_code._read() == {}
    store.write_bytes(b"\xe3")  # a truncated code object
    assert dataclass_code._read() == {}
    store.write_bytes(marshal.dumps((b"old!", {"text": "code"})))  # another Python's
    assert dataclass_code._read() == {}
