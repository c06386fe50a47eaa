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
# Seconds (LINKWISE_SMTP_DATA_TIMEOUT) for the one reply that comes after the message itself:
# a server may check the whole message before it answers (the standard allows it minutes).
SMTP_DATA_TIMEOUT = 60


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


class MailServerDown(MailError):
    """The mail server could not be reached or took no message (refused, timed out, hung up):
    the next message would fail the same way, unlike one whose recipient alone was refused."""


class MailDeferred(MailServerDown):
    """The mail server answered "not now" (a 4xx reply: greylisting, a full queue, a check
    that failed for the moment): nothing was sent, and trying later is expected to work."""


class MailMaybeSent(MailError):
    """The whole message went to the mail server, but its reply to it never came: it may
    have been taken and delivered. Sending it again could send it twice."""


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


def _refused(error: smtplib.SMTPException, where: str) -> MailError:
    """Return a refusal as MailRefused when it is final (5xx), MailDeferred when the server
    asked to be tried later (4xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(error.recipients.values()), (0, b""))
        address = True
    else:
        code, said = error.smtp_code, error.smtp_error
        address = False
    if 400 <= code < 500:
        return MailDeferred(
            f"mail server {where} asked to be tried later: {short_reply(code, said)}"
        )
    return MailRefused(
        f"could not send mail through {where}: {error}",
        reply=short_reply(code, said),
        address=address,
    )


class _PatientAfterData:
    """An SMTP client that waits `data_timeout` seconds (not the usual timeout) for the reply
    to the message itself, and notes when the message has gone (`body_sent`).

    smtplib's data() sends the DATA command, then the message; the message is the one thing
    it sends as bytes while data() runs.
    """

    data_timeout = SMTP_DATA_TIMEOUT
    body_sent = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        if self._in_data and not isinstance(s, str):
            self.body_sent = True
            self.sock.settimeout(self.data_timeout)


class _Smtp(_PatientAfterData, smtplib.SMTP):
    pass


class _SmtpSsl(_PatientAfterData, smtplib.SMTP_SSL):
    pass


class SmtpTransport:
    """Hand messages to an SMTP server, one connection per message."""

    def __init__(
        self,
        settings: SmtpSettings,
        timeout: float = SMTP_TIMEOUT,
        data_timeout: float = SMTP_DATA_TIMEOUT,
    ):
        self.settings = settings
        self.timeout = timeout
        self.data_timeout = data_timeout

    def deliver(self, message: EmailMessage) -> None:
        """Send the message; raise MailError when the server cannot take it (MailMaybeSent
        when it has the message but never said whether it took it)."""
        s, smtp = self.settings, None
        try:
            if s.tls == "ssl":
                smtp = _SmtpSsl(
                    s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = _Smtp(s.host, s.port, timeout=self.timeout)
            smtp.data_timeout = self.data_timeout
            with smtp:
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.user:
                    smtp.login(s.user, s.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
            raise _refused(error, f"{s.host}:{s.port}") from error
        except (OSError, smtplib.SMTPException) as error:
            if smtp is not None and smtp.body_sent:
                raise MailMaybeSent(
                    f"no reply from {s.host}:{s.port} after the message was sent: {error}"
                ) from error
            if isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 500:
                raise _refused(error, f"{s.host}:{s.port}") from error
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
        transport = SmtpTransport(
            settings,
            app.config.get("SMTP_TIMEOUT", SMTP_TIMEOUT),
            app.config.get("SMTP_DATA_TIMEOUT", SMTP_DATA_TIMEOUT),
        )
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
    except MailMaybeSent as error:
        log.warning("mail %s may have been sent: %s", template, error)
        raise
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
