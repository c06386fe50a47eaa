"""Configuration: defaults, then the environment, then the test mapping."""

import ipaddress
import os
from pathlib import Path

from app.config_checks import (
    ConfigError,
    check_database_url,
    check_folder,
    check_issuer_key,
    check_lrs,
    check_ranges,
    check_rate_limit_storage,
    check_required_in_production,
)
from app.smtp_settings import SmtpSettings

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
    "SMTP_DATA_TIMEOUT",
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
    "IDLE_MINUTES",
)


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
        "PERMANENT_SESSION_LIFETIME": 24 * 60 * 60,
        # Sessions last 24 hours from sign-in, not from the last click; it also spares
        # re-signing the cookie on every response. Nothing puts this end off, so it is
        # over the 20 hours WCAG 2.2.1 (Timing Adjustable) exempts: a 12-hour shift and
        # the evening after it fit in one; an unattended session ends sooner, by idling.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # ... and end sooner, after this many minutes without use (app/idle.py); each
        # person may choose ten times as long on their account page.
        "IDLE_MINUTES": 30,
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
        # ... except the reply to the message itself, which a server may check first.
        "SMTP_DATA_TIMEOUT": 60,
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
        check_required_in_production(config)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = f"linkwise-{env}-only-key"
    for key, name in (("PORT", "PORT"), ("PROXY_HOPS", "LINKWISE_PROXY_HOPS")):
        try:
            config[key] = int(config[key])
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {config[key]!r}") from None
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    check_database_url(config["DATABASE_URL"])
    check_rate_limit_storage(config["RATELIMIT_STORAGE_URI"])
    for key in ("CONTENT_DIR", "COMPETENCIES_DIR", "STATIC_DIR", "MAIL_DIR"):
        config[key] = Path(config[key])
    for key in ("CONTENT_DIR", "COMPETENCIES_DIR"):
        if key not in (test_config or {}):  # a test's own course is the test's business
            check_folder(key, config[key])
    for key in (
        "DB_CONNECT_TIMEOUT",
        "DB_STATEMENT_TIMEOUT",
        "DB_POOL_TIMEOUT",
        "DB_PING_AFTER_IDLE",
        "RATELIMIT_TIMEOUT",
        "SMTP_TIMEOUT",
        "SMTP_DATA_TIMEOUT",
    ):
        try:
            config[key] = float(config[key])
        except ValueError:
            raise ConfigError(
                f"LINKWISE_{key} must be a number of seconds, not {config[key]!r}"
            ) from None
    SmtpSettings.from_config(config)  # refused here, not by the first email sent
    try:
        config["REVALIDATION_YEARS"] = int(config["REVALIDATION_YEARS"])
    except ValueError:
        years = config["REVALIDATION_YEARS"]
        raise ConfigError(
            f"LINKWISE_REVALIDATION_YEARS must be a whole number, not {years!r}"
        ) from None
    check_ranges(config)
    config["IDLE_MINUTES"] = _idle_minutes(config["IDLE_MINUTES"])
    config["SHARED_NETWORKS"] = shared_networks(config["SHARED_NETWORKS"])
    config["SHARED_NETWORK_SCALE"] = _shared_network_scale(config["SHARED_NETWORK_SCALE"])
    config["BASE_URL"] = (config["BASE_URL"] or _local_base_url(env, config["PORT"])).rstrip("/")
    check_lrs(config)
    if env == "production":
        check_issuer_key(config)
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


# The idle limit's bounds: past the warning static/js/idle.mjs gives two minutes before it,
# and ten times the longest (12 hours) well within the 24 hours a session lasts anyway.
IDLE_MINUTES_BOUNDS = (5, 72)


def _idle_minutes(setting) -> int:
    try:
        minutes = int(setting)
    except ValueError:
        minutes = 0
    least, most = IDLE_MINUTES_BOUNDS
    if not least <= minutes <= most:
        raise ConfigError(
            f"LINKWISE_IDLE_MINUTES must be a whole number of minutes from {least} to {most}, "
            f"not {setting!r}"
        )
    return minutes
