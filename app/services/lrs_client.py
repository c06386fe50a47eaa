"""Talk to a learning record store: POST a batch of statements to its xAPI endpoint."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

XAPI_VERSION = "1.0.3"
TIMEOUT_SECONDS = 15


class LrsUnavailable(Exception):
    """The LRS could not be reached or failed; the batch may be sent again later."""


class LrsRejected(Exception):
    """The LRS refused the batch as it is (a 4xx answer); sending it again will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"the LRS answered {status}: {detail}")
        self.status = status


def post_statements(url: str, username: str, password: str, statements: list[dict]) -> None:
    """Send statements in one request; raise LrsUnavailable or LrsRejected if not stored."""
    body = json.dumps(statements, separators=(",", ":")).encode("utf-8")
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    request = urllib.request.Request(
        url.rstrip("/") + "/statements",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = " ".join(error.read(300).decode("utf-8", "replace").split())
        if 400 <= error.code < 500 and error.code not in (401, 403, 408, 429):
            raise LrsRejected(error.code, detail) from None
        if error.code in (401, 403):  # every batch will be refused until the settings change
            raise LrsUnavailable(
                f"the LRS refused Linkwise's username and password (it answered {error.code}): "
                "check LINKWISE_LRS_USERNAME and LINKWISE_LRS_PASSWORD"
            ) from None
        raise LrsUnavailable(f"the LRS answered {error.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise LrsUnavailable(f"cannot reach the LRS at {url}: {reason}") from None
