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
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask, current_app, render_template

from app.domain.names import one_line
from app.models import utcnow
from app.smtp_settings import TLS_MODES as TLS_MODES
from app.smtp_settings import SmtpSettings

log = logging.getLogger("linkwise.mail")

# Seconds (LINKWISE_SMTP_TIMEOUT) the server has to accept the connection, and then to
# answer each step of the conversation: a hung server fails the page within about this
# time, instead of holding it (and a worker) for ever.
SMTP_TIMEOUT = 5


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
