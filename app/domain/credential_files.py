"""A credential file chosen on the check page: read as text, or why it cannot be.

A Linkwise credential is an Open Badges 3.0 JWT: one line of letters, numbers, dots, hyphens
and underscores, a few kilobytes long, downloaded as a file ending in .jwt. Some mail
programs and drives save a copy as .txt, which is taken too; anything else is refused
before it is read as a credential.
"""

from dataclasses import dataclass

FILE_ENDINGS = (".jwt", ".txt")


@dataclass(frozen=True)
class CredentialFile:
    """The text of a chosen file, or the error to show beside the file input."""

    text: str | None = None
    problem: str | None = None


def read_credential_file(filename: str, data: bytes, *, most: int) -> CredentialFile:
    """Return the text of a chosen credential file of at most `most` bytes, or its problem.

    `data` is what was read of the file: up to `most` + 1 bytes, enough to tell a file that
    is too large.
    """
    kilobytes = most // 1024
    if len(data) > most:
        return CredentialFile(problem=f"The selected file must be {kilobytes} KB or smaller")
    wrong = "The selected file must be a credential file, ending in .jwt"
    if not filename.lower().endswith(FILE_ENDINGS):
        return CredentialFile(problem=wrong)
    if not data.strip():
        return CredentialFile(problem="The selected file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return CredentialFile(problem=wrong)
    if "\x00" in text:
        return CredentialFile(problem=wrong)
    return CredentialFile(text=text)
