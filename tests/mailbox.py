"""A real SMTP server for the tests (aiosmtpd), and the messages it received."""

import asyncio
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


class Mailbox:
    """Every message the server received, parsed, oldest first."""

    def __init__(self):
        self._messages: list = []
        self._refused: set[str] = set()
        self._deferred: dict[str, str] = {}
        self.after_data = "250 OK"  # the reply to a message's body
        self.data_delay = 0.0  # seconds the server takes to give it
        self._lock = threading.Lock()

    def refuse(self, address: str) -> None:
        """Have the server refuse this recipient, as a real one refuses an unknown mailbox."""
        with self._lock:
            self._refused.add(address.lower())

    def defer(self, address: str, reply: str = "450 4.2.0 Greylisted: try again later") -> None:
        """Have the server answer this recipient "not now" (a 4xx reply), as greylisting does."""
        with self._lock:
            self._deferred[address.lower()] = reply

    def deferral(self, address: str) -> str | None:
        """Return the 4xx reply the server gives this recipient, if it defers it."""
        with self._lock:
            return self._deferred.get(address.lower())

    def refuses(self, address: str) -> bool:
        """Say whether the server refuses this recipient."""
        with self._lock:
            return address.lower() in self._refused

    def add(self, raw: bytes) -> None:
        """Keep a message as it arrived over SMTP."""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self._messages.append(message)

    def clear(self) -> None:
        """Forget every message, and refuse no recipient."""
        with self._lock:
            self._messages.clear()
            self._refused.clear()
            self._deferred.clear()
        self.after_data, self.data_delay = "250 OK", 0.0

    def messages(self, to: str | None = None) -> list:
        """Return the messages (to one address, when given)."""
        with self._lock:
            found = list(self._messages)
        return [m for m in found if to is None or to.lower() in m["To"].lower()]

    def last(self, to: str):
        """Return the latest message to an address; fail when there is none."""
        found = self.messages(to)
        assert found, f"no email to {to}; sent: {[m['To'] for m in self.messages()]}"
        return found[-1]

    def body(self, to: str) -> str:
        """Return the text of the latest message to an address."""
        return self.last(to).get_content()

    def link(self, to: str, containing: str = "") -> str:
        """Return the first link in the latest message to an address (containing a text)."""
        links = [u for u in re.findall(r"https?://\S+", self.body(to)) if containing in u]
        assert links, f"no link with {containing!r} in: {self.body(to)}"
        return links[0]


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802
        if self.mailbox.refuses(address):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if deferral := self.mailbox.deferral(address):
            return deferral
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        reply = self.mailbox.after_data
        if reply.startswith("2"):
            self.mailbox.add(envelope.original_content or envelope.content)
        await asyncio.sleep(self.mailbox.data_delay)  # checking the message, say
        return reply


@dataclass
class SmtpServer:
    """A running server: its URL for LINKWISE_SMTP_URL and what it received."""

    controller: Controller
    mailbox: Mailbox
    url: str

    def stop(self) -> None:
        """Stop the server."""
        self.controller.stop()


def free_port() -> int:
    """Return a TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server() -> SmtpServer:
    """Start aiosmtpd on a free local port in a thread of this process."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(controller, mailbox, f"smtp://127.0.0.1:{port}?tls=none")
