"""Checks that refuse, before the app starts, a configuration that could not work.

Each says what to set, in the words of the setting a deployment gives.
"""


class ConfigError(RuntimeError):
    """Raised when the configuration cannot run safely."""


# Production will not start without these: each names what a real deployment must say.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "SECRET_KEY is not set: set it to a long random string to run in production, "
    "or set LINKWISE_ENV=development to try Linkwise on your own machine",
    "BASE_URL": "LINKWISE_BASE_URL must be set in production (the address people use, "
    "e.g. https://learn.example.nhs.uk): links in emails and certificates are built from it",
    "PRIVACY_CONTROLLER": "LINKWISE_PRIVACY_CONTROLLER must be set in production "
    "(the organisation responsible for learners' data, named in the privacy notice)",
    "PRIVACY_CONTACT": "LINKWISE_PRIVACY_CONTACT must be set in production "
    "(an email or postal address for data protection questions)",
    "ISSUER_KEY": "LINKWISE_ISSUER_KEY must be set in production: the path of the PEM private "
    "key (P-256 or RSA) that signs learners' credentials, or the PEM itself "
    "(see docs/credentials.md)",
}


def check_required_in_production(config: dict) -> None:
    """Refuse to start production without the settings a real deployment must give."""
    for key, message in REQUIRED_IN_PRODUCTION.items():
        if not config[key]:
            raise ConfigError(message)
    if not (config["SMTP_URL"] or config["SMTP_HOST"]):
        raise ConfigError(
            "LINKWISE_SMTP_URL (or LINKWISE_SMTP_HOST) must be set in production: "
            "password resets and sign-up confirmations are sent by email"
        )


NOT_A_DATABASE_URL = (
    "DATABASE_URL is not a database URL: use one like sqlite:///instance/linkwise.db or "
    "postgresql://user@host/linkwise"
)


def check_database_url(url: str) -> None:
    """Refuse, in one sentence, a DATABASE_URL that cannot be read, a database Linkwise does
    not work with, or a driver it does not install: before the engine is made, so that
    gunicorn, which prints what the app's factory raises, says no more than that."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        found = make_url(url)
        backend = found.get_backend_name()
    except (ArgumentError, ValueError):  # no URL at all, or a port that is not a number
        raise ConfigError(NOT_A_DATABASE_URL) from None
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL names a {backend} database, which Linkwise does not work with: "
            "use SQLite (sqlite:///instance/linkwise.db) or PostgreSQL "
            "(postgresql://user@host/linkwise)"
        )
    try:
        found.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"DATABASE_URL asks for the {found.get_driver_name()} driver, which Linkwise does "
            "not install: leave the driver out (sqlite:///instance/linkwise.db, "
            "postgresql://user@host/linkwise)"
        ) from None


# What Flask-Limiter reaches without extra packages: memory, and Redis (or Valkey) however
# it is addressed (over TLS, a socket, Sentinel, a cluster).
RATE_LIMIT_STORAGES = ("memory", "redis", "rediss", "valkey", "valkeys")


def check_rate_limit_storage(uri: str) -> None:
    """Refuse a rate-limit storage that Flask-Limiter would only refuse with a traceback."""
    scheme = str(uri).partition("://")[0]
    if "://" not in str(uri) or scheme.partition("+")[0] not in RATE_LIMIT_STORAGES:
        raise ConfigError(
            "LINKWISE_RATELIMIT_STORAGE_URI must be memory:// or a Redis address such as "
            f"redis://host:6379 (rediss://, redis+sentinel://, redis+cluster://), not {uri!r}"
        )
    # Each host's port (Sentinel and cluster addresses list several, separated by commas).
    hosts = str(uri).partition("://")[2].partition("/")[0].rpartition("@")[2]
    for host in hosts.split(","):
        port = host.rpartition("]")[2].rpartition(":")[2] if ":" in host else ""
        if ":" in host.rpartition("]")[2] and not _is_port(port):
            raise ConfigError(
                "LINKWISE_RATELIMIT_STORAGE_URI must give each port as a number from 1 to "
                f"65535, like redis://host:6379, not {port!r}"
            )


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535


def check_lrs(config: dict) -> None:
    """Refuse an LRS setting that could not work, saying what to set."""
    url = config["LRS_URL"]
    if not url:
        return
    if not str(url).startswith(("https://", "http://")):
        raise ConfigError(
            f"LINKWISE_LRS_URL must be the LRS's xAPI address, like https://lrs.example.org/xAPI/,"
            f" not {url!r}"
        )
    if not (config["LRS_USERNAME"] and config["LRS_PASSWORD"]):
        raise ConfigError(
            "LINKWISE_LRS_URL is set but LINKWISE_LRS_USERNAME and LINKWISE_LRS_PASSWORD are "
            "not: set the LRS's credentials for Linkwise"
        )


def check_issuer_key(config: dict) -> None:
    """Refuse to start production with a signing key that could not sign."""
    from app.issuer_keys import IssuerKeyError, read_key, split_settings

    try:
        read_key(config["ISSUER_KEY"])
    except IssuerKeyError as error:
        raise ConfigError(f"LINKWISE_ISSUER_KEY: {error}") from None
    for setting in split_settings(config["ISSUER_RETIRED_KEYS"]):
        try:
            read_key(setting)
        except IssuerKeyError as error:
            raise ConfigError(f"LINKWISE_ISSUER_RETIRED_KEYS: {error}") from None


FOLDERS = {
    "CONTENT_DIR": ("content", "the course's modules and quizzes"),
    "COMPETENCIES_DIR": ("competencies", "the competency frameworks"),
}


def check_folder(key: str, folder) -> None:
    """Refuse a content or competencies folder that is not there: read as an empty course
    (or as frameworks missing), it would pass as "0 errors" or fail as hundreds."""
    if folder.is_dir():
        return
    what, holding = FOLDERS[key]
    missing = "is not a folder" if folder.exists() else "does not exist"
    raise ConfigError(
        f"the {what} folder {folder} {missing}: set LINKWISE_{key} to the folder holding {holding}"
    )


def check_ranges(config: dict) -> None:
    """Refuse numbers and addresses of the right kind that could still not work."""
    for key in (
        "DB_CONNECT_TIMEOUT",
        "DB_STATEMENT_TIMEOUT",
        "DB_POOL_TIMEOUT",
        "DB_PING_AFTER_IDLE",
    ):
        if config[key] < 0:
            raise ConfigError(
                f"LINKWISE_{key} must be a number of seconds, 0 for none, not {config[key]:g}"
            )
    for key in ("RATELIMIT_TIMEOUT", "SMTP_TIMEOUT", "SMTP_DATA_TIMEOUT"):
        # A socket's timeout of 0 would not wait at all; below 0 its client refuses it.
        if not config[key] > 0:
            raise ConfigError(
                f"LINKWISE_{key} must be a number of seconds above 0, not {config[key]:g}"
            )
    if config["PROXY_HOPS"] < 0:
        raise ConfigError(
            "LINKWISE_PROXY_HOPS must be a whole number from 0 (the proxies in front of "
            f"Linkwise), not {config['PROXY_HOPS']}"
        )
    if config["REVALIDATION_YEARS"] < 1:
        raise ConfigError(
            "LINKWISE_REVALIDATION_YEARS must be a whole number from 1, "
            f"not {config['REVALIDATION_YEARS']}"
        )
    base = config["BASE_URL"]
    scheme, _, rest = str(base or "").partition("://")
    if base and (scheme not in ("https", "http") or not rest.strip("/")):
        raise ConfigError(
            "LINKWISE_BASE_URL must be the address people use, starting https:// (or "
            f"http://), like https://learn.example.nhs.uk, not {base!r}"
        )
