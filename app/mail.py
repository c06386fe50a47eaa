"""Sending email: one small subsystem every part of Linkwise sends through.

`send(to, template, **context)` renders `templates/mail/<template>.txt` (its first line is
the subject) and hands the message to the app's transport: SMTP when configured, else (in
development) an .eml file under instance/mail whose links are printed on the console.
"""

import logging
import re
import smtplib
import ssl
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, render_template

from app.domain.names import one_line
from app.models import utcnow

log = logging.getLogger("linkwise.mail")

# Seconds (LINKWISE_SMTP_TIMEOUT) the server has to accept the connection, and then to
# answer each step of the conversation: a hung server fails the page within about this
# time, instead of holding it (and a worker) for ever.
SMTP_TIMEOUT = 5
TLS_MODES = ("starttls", "ssl", "none")


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


class MailServerDown(MailError):
    """The mail server could not be reached or took no message (refused, timed out, hung up):
    the next message would fail the same way, unlike one whose recipient alone was refused."""


class MailRefused(MailError):
    """The mail server refused this message (its address, or the message itself) and would
    take others: a mistyped address or a closed mailbox fails every time until it is fixed.

    `reply` is the server's answer, short and on one line (REPLY_LENGTH characters at most),
    fit to keep and show; `address` says whether it refused the address.
    """

    def __init__(self, text: str, *, reply: str, address: bool):
        super().__init__(text)
        self.reply = reply
        self.address = address


REPLY_LENGTH = 200


def short_reply(code: int, said: bytes | str) -> str:
    """Return a server's reply as one short printable line: its code and its words."""
    words = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    line = " ".join(f"{code} {words}".split())  # a reply of several lines, joined
    line = "".join(c if c.isprintable() else "?" for c in line)
    return line if len(line) <= REPLY_LENGTH else line[: REPLY_LENGTH - 1] + "…"


def _refused(error: smtplib.SMTPException, where: str) -> MailRefused:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(error.recipients.values()), (0, b""))
        address = True
    else:
        code, said = error.smtp_code, error.smtp_error
        address = False
    return MailRefused(
        f"could not send mail through {where}: {error}",
        reply=short_reply(code, said),
        address=address,
    )


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server."""

    host: str
    port: int
    user: str | None = None
    password: str | None = None
    tls: str = "starttls"  # "starttls", "ssl" (TLS from the start) or "none"

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        """Read LINKWISE_SMTP_URL, or the separate host, port, user, password and TLS."""
        if config.get("SMTP_URL"):
            return cls.from_url(config["SMTP_URL"])
        if not config.get("SMTP_HOST"):
            return None
        tls = (config.get("SMTP_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise ValueError(f"LINKWISE_SMTP_TLS must be one of {', '.join(TLS_MODES)}")
        default_port = 465 if tls == "ssl" else 587 if tls == "starttls" else 25
        return cls(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT") or default_port),
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or None,
            tls=tls,
        )

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """Read smtp://user:password@host:port (STARTTLS unless ?tls=none) or smtps://..."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("LINKWISE_SMTP_URL must look like smtp://user:password@host:587")
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        tls = "ssl" if parts.scheme == "smtps" else query.get("tls", "starttls")
        if tls not in TLS_MODES:
            raise ValueError(f"tls= in LINKWISE_SMTP_URL must be one of {', '.join(TLS_MODES)}")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls == "ssl" else 587),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )


class SmtpTransport:
    """Hand messages to an SMTP server, one connection per message."""

    def __init__(self, settings: SmtpSettings, timeout: float = SMTP_TIMEOUT):
        self.settings = settings
        self.timeout = timeout

    def deliver(self, message: EmailMessage) -> None:
        """Send the message; raise MailError when the server cannot take it."""
        s = self.settings
        try:
            if s.tls == "ssl":
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            with smtp:
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.user:
                    smtp.login(s.user, s.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
            raise _refused(error, f"{s.host}:{s.port}") from error
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerDown(
                f"could not send mail through {s.host}:{s.port}: {error}"
            ) from error


class FolderTransport:
    """Development without a mail server: write .eml files and print their links."""

    def __init__(self, folder: Path):
        self.folder = folder

    def deliver(self, message: EmailMessage) -> None:
        """Write the message to the folder and print where it went and its links."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{_slug(message['To'])}.eml"
        path.write_bytes(bytes(message))
        links = re.findall(r"https?://\S+", message.get_content())
        lines = [f"mail to {message['To']}: {message['Subject']} ({path})"]
        lines += [f"  link: {link}" for link in links]
        print("\n".join(lines), file=sys.stderr, flush=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "message"


def init_app(app: Flask) -> None:
    """Choose the app's mail transport from its configuration."""
    settings = SmtpSettings.from_config(app.config)
    if settings is not None:
        transport = SmtpTransport(settings, app.config.get("SMTP_TIMEOUT", SMTP_TIMEOUT))
    else:
        # Production refuses to start without SMTP (config_checks.py); this is development.
        transport = FolderTransport(Path(app.config["MAIL_DIR"]))
    app.extensions["linkwise.mail"] = transport


def compose(to: str, template: str, **context) -> EmailMessage:
    """Render mail/<template>.txt into a message; its first line is the subject.

    Each text value is put in as one line (names, competencies, links): a name stored
    with a line break in it must not end the subject early and spill into the body.
    """
    context = {key: one_line(v) if isinstance(v, str) else v for key, v in context.items()}
    text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.lstrip().partition("\n")
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="linkwise.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body.strip() + "\n")
    return message


def send(to: str, template: str, **context) -> None:
    """Compose and deliver a message; log and raise MailError when it cannot be handed over."""
    deliver(compose(to, template, **context), template)


def deliver(message: EmailMessage, template: str) -> None:
    """Hand a composed message to the app's transport; log and raise MailError on failure."""
    try:
        current_app.extensions["linkwise.mail"].deliver(message)
    except MailError as error:
        log.error("mail %s not sent: %s", template, error)
        raise


def send_quietly(to: str, template: str, **context) -> bool:
    """Send, logging (not raising) a failure; say whether it went.

    For mail that follows a change already made: the change stands either way, and the
    page that made it says whether the email went (never that it did when it did not).
    """
    try:
        send(to, template, **context)
    except MailError:
        return False
    return True
