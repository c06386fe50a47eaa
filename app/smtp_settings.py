"""Where and how to reach the SMTP server, read from the settings (no Flask: the
configuration checks read them too, so a setting that could not work stops the start)."""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.config_checks import ConfigError

TLS_MODES = ("starttls", "ssl", "none")
URL_SHAPE = "like smtp://user:password@host:587"


class SmtpSettingError(ConfigError, ValueError):
    """An SMTP setting that could not work; the message says what to set."""


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
        tls = str(config.get("SMTP_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise SmtpSettingError(
                f"LINKWISE_SMTP_TLS must be one of {', '.join(TLS_MODES)}, "
                f"not {config.get('SMTP_TLS')!r}"
            )
        default_port = 465 if tls == "ssl" else 587 if tls == "starttls" else 25
        port = config.get("SMTP_PORT") or default_port
        if not _is_port(port):
            raise SmtpSettingError(
                f"LINKWISE_SMTP_PORT must be a port number from 1 to 65535, not {port!r}"
            )
        return cls(
            host=config["SMTP_HOST"],
            port=int(port),
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or None,
            tls=tls,
        )

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """Read smtp://user:password@host:port (STARTTLS unless ?tls=none) or smtps://..."""
        # The URL is never repeated in a message: it may hold the password.
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpSettingError(f"LINKWISE_SMTP_URL must look {URL_SHAPE}")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0 or (port is None and parts.netloc.endswith(":")):
            raise SmtpSettingError(
                f"LINKWISE_SMTP_URL must give its port as a number from 1 to 65535, {URL_SHAPE}"
            )
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        tls = "ssl" if parts.scheme == "smtps" else query.get("tls", "starttls")
        if tls not in TLS_MODES:
            raise SmtpSettingError(
                f"LINKWISE_SMTP_URL must give tls= as one of {', '.join(TLS_MODES)}"
            )
        return cls(
            host=parts.hostname,
            port=port or (465 if tls == "ssl" else 587),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )


def _is_port(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535
