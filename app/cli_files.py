"""Write a command's output file whole or not at all, saying in one sentence why it could not.

Every `-o` of the `linkwise` commands goes through `write_output`: the bytes go to a temporary
file beside the output, which is renamed over it only once complete, so a full disk or an
interrupted command never leaves half a quiz, framework or zip where the whole one was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

FORCE_HELP = "Replace the output file if it exists (refused otherwise)."
force_option = click.option("--force", is_flag=True, help=FORCE_HELP)


def refuse_existing(output: Path, force: bool) -> None:
    """Refuse, before any work, to replace a file that exists unless --force was given."""
    if output.is_dir():
        raise click.ClickException(f"cannot write {output}: it is a folder; name a file in it")
    if output.exists() and not force:
        raise click.ClickException(
            f"{output} already exists: give --force to replace it, or name another file"
        )


def write_output(
    output: Path,
    data: bytes | str,
    *,
    make_folder: bool = True,
    then: Callable[[], None] | None = None,
) -> None:
    """Write data to output through a temporary file beside it; explain any failure.

    `make_folder` creates a missing folder (the importers' drafts/, say). `then` runs once the
    file is in place (an audit row committed, say); if it fails, the file is removed again, so
    there is never a file without its record.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = output.parent
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        elif folder.exists() and not folder.is_dir():
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
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary write would have made it
        os.replace(temporary, output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {_reason(error, folder)}") from None
    if then is not None:
        try:
            then()
        except BaseException:
            output.unlink(missing_ok=True)
            raise


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
