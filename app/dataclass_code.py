"""Dataclass methods compiled once and kept beside the app's bytecode.

Python writes each dataclass's __init__, __repr__ and __eq__ (a frozen one's __setattr__,
__delattr__ and __hash__ too) as source text and compiles it when the class is defined, on
every start: the app's 180 dataclasses compiled some 1,100 methods, a tenth of the CPU of
`create_app()`. The compiled code is kept in
app/__pycache__/dataclass-methods.<python>.marshal, as Python keeps a module's bytecode,
keyed by the source text itself: the same text compiles to the same code, so a kept method
is exactly the one compiling would give, and a changed class is compiled afresh. Nothing is
written when Python writes no bytecode (PYTHONDONTWRITEBYTECODE) or the folder is read-only.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
import tempfile
from importlib.util import MAGIC_NUMBER
from pathlib import Path

NAME = f"dataclass-methods.{sys.implementation.cache_tag}.marshal"
STORE = Path(__file__).parent / "__pycache__" / NAME
LIMIT = 20_000  # methods kept: past this (after many edits), keep only the ones last used

_stored: dict[str, object] = {}
_compiled: dict[str, object] = {}  # compiled in this process, not yet written
_used: set[str] = set()


def install() -> None:
    """Read the kept methods and have `dataclasses` run them instead of compiling its text."""
    _stored.update(_read())
    # `dataclasses` calls exec() on each method's text; a global of that name in its module
    # comes before the built-in, so only dataclass methods go through _exec.
    dataclasses.exec = _exec


def save() -> None:
    """Write the methods compiled since start-up beside the kept ones (none: no write)."""
    if not _compiled or sys.dont_write_bytecode:
        return
    codes = {**_stored, **_compiled}
    if len(codes) > LIMIT:
        codes = {text: code for text, code in codes.items() if text in _used}
    temporary = None
    try:
        STORE.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=STORE.parent, suffix=".tmp", delete=False) as file:
            temporary = file.name
            file.write(marshal.dumps((MAGIC_NUMBER, codes)))
        os.chmod(temporary, 0o644)  # readable as the bytecode beside it is
        os.replace(temporary, STORE)
    except OSError:  # a read-only install costs only speed
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return
    _stored.update(_compiled)
    _compiled.clear()


def _exec(source, globals=None, locals=None) -> None:
    if isinstance(source, str):
        _used.add(source)
        code = _stored.get(source) or _compiled.get(source)
        if code is None:
            # As exec(text) in `dataclasses` compiles it: no __future__ flags of this module.
            code = _compiled[source] = compile(source, "<string>", "exec", dont_inherit=True)
        source = code
    exec(source, globals, locals)


def _read() -> dict[str, object]:
    try:
        magic, codes = marshal.loads(STORE.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return codes if magic == MAGIC_NUMBER and isinstance(codes, dict) else {}
