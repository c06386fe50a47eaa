"""Certificate PDFs, each drawn once a process and kept for the downloads that follow.

A certificate's PDF is a function of what is printed on it and nothing else (its fonts are
found once a process, its creation date is the completion's): drawing it costs tens of
milliseconds of CPU, and learners download the same certificate again and again (the
certificate page, their data export, a second tab). So the bytes are kept, keyed by every
detail printed; a change to any detail (a name, a revocation, a reflection) is another key,
so the PDF served is always the one those details draw. Only the newest are kept, up to a
bound in bytes, as reading the bytes back is all a kept PDF saves.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from app.domain.certificates import CertificateDetails, render_certificate_pdf

MOST_BYTES = 16 * 1024 * 1024  # a worker keeps at most this much (a PDF is 30-80 KB)


class KeptPdfs:
    """The most recently drawn PDFs by their details, up to `most` bytes in all."""

    def __init__(self, most: int = MOST_BYTES):
        self.most = most
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()  # gunicorn's threads share a worker's

    def pdf(self, details: CertificateDetails) -> bytes:
        """Return the PDF the details draw: the kept one, else drawn now and kept."""
        # The dataclass's repr names every field and its value: one key per drawing.
        key = repr(details)
        with self._lock:
            if (kept := self._kept.get(key)) is not None:
                self._kept.move_to_end(key)
                return kept
        drawn = render_certificate_pdf(details)
        self._keep(key, drawn)
        return drawn

    def clear(self) -> None:
        """Forget every kept PDF."""
        with self._lock:
            self._kept.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._kept)

    def _keep(self, key: str, drawn: bytes) -> None:
        if len(drawn) > self.most:
            return
        with self._lock:
            if key in self._kept:
                return  # another thread drew the same, at the same moment
            self._kept[key] = drawn
            self._bytes += len(drawn)
            while self._bytes > self.most:
                _, gone = self._kept.popitem(last=False)
                self._bytes -= len(gone)


KEPT_PDFS = KeptPdfs()


def pdf_for(details: CertificateDetails) -> bytes:
    """Return the certificate's PDF for these details, drawn at most once a process."""
    return KEPT_PDFS.pdf(details)
