"""Write a command's output file whole or not at all, saying in one sentence why it could not.

Every `-o` of the `linkwise` commands goes through `write_output`: the bytes go to a temporary
file beside the output, which is renamed over it only once complete, so a full disk or an
interrupted command never leaves half a quiz, framework or zip where the whole one was.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

FORCE_HELP = "Replace the output file if it exists (refused otherwise)."
force_option = click.option("--force", is_flag=True, help=FORCE_HELP)


def refuse_existing(output: Path, force: bool) -> None:
    """Refuse, before any work, to replace a file that exists unless --force was given, and
    anything that is not a regular file (a device, a pipe, a link) even with it."""
    if output.is_dir():
        raise click.ClickException(f"cannot write {output}: it is a folder; name a file in it")
    _refuse_other_than_a_file(output)
    if output.exists() and not force:
        raise click.ClickException(
            f"{output} already exists: give --force to replace it, or name another file"
        )


def write_output(
    output: Path,
    data: bytes | str,
    *,
    then: Callable[[], None] | None = None,
) -> None:
    """Write data to output through a temporary file beside it; explain any failure.

    A missing folder is refused, not made: a mistyped folder would otherwise be made and the
    file left where no one looks. `then` runs once the file is in place (an audit row
    committed, say); if it fails, the file is removed again, so there is never a file
    without its record.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = output.parent
    try:
        if folder.exists() and not folder.is_dir():
            raise click.ClickException(f"cannot write {output}: {folder} is a file, not a folder")
        elif not folder.is_dir():
            raise click.ClickException(
                f"cannot write {output}: the folder {folder} does not exist; create it first"
            )
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {_reason(error, folder)}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            # On disk before it takes the output's place: some file systems report a full
            # disk only here, and a crash must not leave an empty file where the old one was.
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary write would have made it
        _refuse_other_than_a_file(output)  # checked again: it may have appeared since
        os.replace(temporary, output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {_reason(error, folder)}") from None
    except click.ClickException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if then is not None:
        try:
            then()
        except BaseException:
            output.unlink(missing_ok=True)
            raise


def _refuse_other_than_a_file(output: Path) -> None:
    """Refuse to replace what is there when it is not a regular file: renaming over it would
    put a file in place of a device (/dev/null), a pipe another program reads or a link."""
    try:
        mode = output.lstat().st_mode
    except OSError:
        return  # nothing there (or nothing we may see): writing will say why it cannot
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in KINDS if test(mode)), "special file")
    raise click.ClickException(
        f"will not replace {output}: it is a {kind}, not a regular file; name another file"
    )


KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symbolic link"),
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
    (stat.S_ISSOCK, "socket"),
)


def _reason(error: OSError, folder: Path) -> str:
    """Return why a file could not be written, in words rather than an errno."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"you may not write in the folder {folder}"
    if error.errno == errno.ENOENT and folder.is_dir():
        return f"the folder {folder} takes no new files"  # /proc, /sys and the like
    if error.errno == errno.ENOENT:
        return f"the folder {folder} does not exist and cannot be made there"
    if error.errno == errno.ENOTDIR:
        return f"part of the folder {folder} is a file, not a folder"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return (error.strerror or str(error)).lower()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
