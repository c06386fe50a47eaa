"""Configuration: defaults, then the environment, then the test mapping."""

import ipaddress
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "test")

# Settings a deployment may give as LINKWISE_<NAME>.
LINKWISE_SETTINGS = (
    "ENV",
    "DEMO_PASSWORD",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "RATELIMIT_TIMEOUT",
    "SHARED_NETWORKS",
    "SHARED_NETWORK_SCALE",
    "CONTENT_DIR",
    "COMPETENCIES_DIR",
    "PROXY_HOPS",
    "BASE_URL",
    "SMTP_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_TLS",
    "SMTP_TIMEOUT",
    "MAIL_FROM",
    "MAIL_DIR",
    "PRIVACY_CONTROLLER",
    "PRIVACY_CONTACT",
    "PRIVACY_DPO",
    "DB_CONNECT_TIMEOUT",
    "DB_STATEMENT_TIMEOUT",
    "DB_POOL_TIMEOUT",
    "DB_PING_AFTER_IDLE",
    "REVALIDATION_YEARS",
    "LRS_URL",
    "LRS_USERNAME",
    "LRS_PASSWORD",
    "ISSUER_KEY",
    "ISSUER_RETIRED_KEYS",
    "ISSUER_NAME",
)
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


class ConfigError(RuntimeError):
    """Raised when the configuration cannot run safely."""


def _defaults(instance_path: Path) -> dict:
    return {
        "LINKWISE_ENV": "production",
        "SECRET_KEY": None,
        "DATABASE_URL": f"sqlite:///{instance_path / 'linkwise.db'}",
        "PORT": 5000,
        "CONTENT_DIR": PROJECT_ROOT / "content",
        "COMPETENCIES_DIR": PROJECT_ROOT / "competencies",
        "STATIC_DIR": PROJECT_ROOT / "static",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_KEY_PREFIX": "linkwise",
        # Seconds to wait for Redis before counting in the process's own memory instead.
        "RATELIMIT_TIMEOUT": 0.5,
        # Addresses many people share (a workplace's internet connection): each limit
        # counted per address allows SHARED_NETWORK_SCALE times as many attempts there.
        "SHARED_NETWORKS": (),
        "SHARED_NETWORK_SCALE": 50,
        "DEMO_PASSWORD": "linkwise-demo-2026",
        "SESSION_COOKIE_NAME": "linkwise_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
        # Sessions last 12 hours from sign-in, not from the last click; it also spares
        # re-signing the cookie on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "RATELIMIT_HEADERS_ENABLED": False,
        "PROXY_HOPS": 0,
        "BASE_URL": None,
        # Mail: an SMTP URL (smtp://user:password@host:587, smtps://... for TLS from the
        # start) or the parts; with neither, development writes .eml files to MAIL_DIR.
        "SMTP_URL": None,
        "SMTP_HOST": None,
        "SMTP_PORT": None,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_TLS": "starttls",
        # Seconds the mail server has to accept the connection, and then to answer each
        # step: a server that has hung makes a page that sends mail fail this soon.
        "SMTP_TIMEOUT": 5,
        "MAIL_FROM": "Linkwise <no-reply@linkwise.invalid>",
        "MAIL_DIR": instance_path / "mail",
        "PRIVACY_CONTROLLER": None,
        "PRIVACY_CONTACT": None,
        "PRIVACY_DPO": None,
        # Seconds. A database that does not answer gives a 503 within about these times,
        # instead of holding a worker until the client gives up.
        "DB_CONNECT_TIMEOUT": 3,
        "DB_STATEMENT_TIMEOUT": 10,
        "DB_POOL_TIMEOUT": 5,
        # A pooled connection idle this long is pinged before use (a busy one never is).
        "DB_PING_AFTER_IDLE": 5,
        # NMC revalidation is every three years; the learning record totals CPD over it.
        "REVALIDATION_YEARS": 3,
        # xAPI: statements go to the learning record store only when LRS_URL is set.
        "LRS_URL": None,
        "LRS_USERNAME": None,
        "LRS_PASSWORD": None,
        # Open Badges credentials: the signing key (a PEM path or text; development makes
        # one in the instance folder) and the issuer's name in every credential.
        "ISSUER_KEY": None,
        # Keys used before the current one, kept so that the status lists of what they
        # signed are signed by the same key (see docs/credentials.md, rotation).
        "ISSUER_RETIRED_KEYS": None,
        "ISSUER_NAME": "Linkwise",
    }


def _from_environment(environ) -> dict:
    """Read the settings a deployment may set; plain names first, LINKWISE_* for our own."""
    found = {}
    for name in ("SECRET_KEY", "DATABASE_URL", "PORT"):
        if environ.get(name):
            found[name] = environ[name]
    for name in LINKWISE_SETTINGS:
        value = environ.get(f"LINKWISE_{name}")
        if value:
            found["LINKWISE_ENV" if name == "ENV" else name] = value
    return found


def load(instance_path: Path, test_config: dict | None = None, environ=None) -> dict:
    """Return the finished configuration mapping for one app."""
    environ = os.environ if environ is None else environ
    config = _defaults(instance_path)
    config.update(_from_environment(environ))
    config.update(test_config or {})

    env = config["LINKWISE_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"LINKWISE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if env == "production":
        for key, message in REQUIRED_IN_PRODUCTION.items():
            if not config[key]:
                raise ConfigError(message)
        if not (config["SMTP_URL"] or config["SMTP_HOST"]):
            raise ConfigError(
                "LINKWISE_SMTP_URL (or LINKWISE_SMTP_HOST) must be set in production: "
                "password resets and sign-up confirmations are sent by email"
            )
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = f"linkwise-{env}-only-key"
    for key, name in (("PORT", "PORT"), ("PROXY_HOPS", "LINKWISE_PROXY_HOPS")):
        try:
            config[key] = int(config[key])
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {config[key]!r}") from None
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    _check_database_url(config["DATABASE_URL"])
    _check_rate_limit_storage(config["RATELIMIT_STORAGE_URI"])
    for key in ("CONTENT_DIR", "COMPETENCIES_DIR", "STATIC_DIR", "MAIL_DIR"):
        config[key] = Path(config[key])
    for key in (
        "DB_CONNECT_TIMEOUT",
        "DB_STATEMENT_TIMEOUT",
        "DB_POOL_TIMEOUT",
        "DB_PING_AFTER_IDLE",
        "RATELIMIT_TIMEOUT",
        "SMTP_TIMEOUT",
    ):
        try:
            config[key] = float(config[key])
        except ValueError:
            raise ConfigError(
                f"LINKWISE_{key} must be a number of seconds, not {config[key]!r}"
            ) from None
    try:
        config["REVALIDATION_YEARS"] = int(config["REVALIDATION_YEARS"])
    except ValueError:
        years = config["REVALIDATION_YEARS"]
        raise ConfigError(
            f"LINKWISE_REVALIDATION_YEARS must be a whole number, not {years!r}"
        ) from None
    config["SHARED_NETWORKS"] = shared_networks(config["SHARED_NETWORKS"])
    config["SHARED_NETWORK_SCALE"] = _shared_network_scale(config["SHARED_NETWORK_SCALE"])
    config["BASE_URL"] = (config["BASE_URL"] or _local_base_url(env, config["PORT"])).rstrip("/")
    _check_lrs(config)
    if env == "production":
        _check_issuer_key(config)
    config["TESTING"] = env == "test"
    config["SESSION_COOKIE_SECURE"] = env == "production"
    config["DEMO_DATA_ALLOWED"] = env != "production"
    return config


def _local_base_url(env: str, port: int) -> str:
    # Only development and tests get here: production refuses to start without BASE_URL.
    return "http://localhost" if env == "test" else f"http://127.0.0.1:{port}"


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at psycopg 3, whichever spelling the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _check_database_url(url: str) -> None:
    """Refuse a database Linkwise does not work with, before its driver is looked for."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return  # no URL at all: said where the engine is made (app/cli_errors.py)
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL names a {backend} database, which Linkwise does not work with: "
            "use SQLite (sqlite:///instance/linkwise.db) or PostgreSQL "
            "(postgresql://user@host/linkwise)"
        )


# What Flask-Limiter reaches without extra packages: memory, and Redis (or Valkey) however
# it is addressed (over TLS, a socket, Sentinel, a cluster).
RATE_LIMIT_STORAGES = ("memory", "redis", "rediss", "valkey", "valkeys")


def _check_rate_limit_storage(uri: str) -> None:
    """Refuse a rate-limit storage that Flask-Limiter would only refuse with a traceback."""
    scheme = str(uri).partition("://")[0]
    if "://" not in str(uri) or scheme.partition("+")[0] not in RATE_LIMIT_STORAGES:
        raise ConfigError(
            "LINKWISE_RATELIMIT_STORAGE_URI must be memory:// or a Redis address such as "
            f"redis://host:6379 (rediss://, redis+sentinel://, redis+cluster://), not {uri!r}"
        )


def shared_networks(setting) -> tuple:
    """Read LINKWISE_SHARED_NETWORKS: addresses and networks, separated by commas or spaces."""
    if not isinstance(setting, str):
        return tuple(setting or ())
    networks = []
    for entry in setting.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError as error:
            raise ConfigError(
                f"LINKWISE_SHARED_NETWORKS: {error}; list addresses (192.0.2.7) and networks "
                "(10.0.0.0/8, 2001:db8::/32) separated by commas"
            ) from None
    return tuple(networks)


MOST_SHARED_NETWORK_SCALE = 1000


def _shared_network_scale(setting) -> int:
    try:
        scale = int(setting)
    except ValueError:
        scale = 0
    if not 1 <= scale <= MOST_SHARED_NETWORK_SCALE:
        raise ConfigError(
            f"LINKWISE_SHARED_NETWORK_SCALE must be a whole number from 1 to "
            f"{MOST_SHARED_NETWORK_SCALE}, not {setting!r}"
        )
    return scale


def _check_lrs(config: dict) -> None:
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


def _check_issuer_key(config: dict) -> None:
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
