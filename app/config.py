"""Configuration: defaults, then the environment, then the test mapping."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "test")


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
        # xAPI: statements go to the learning record store only when LRS_URL is set.
        "LRS_URL": None,
        "LRS_USERNAME": None,
        "LRS_PASSWORD": None,
        # Where the site is served; xAPI activity and account ids are made from it.
        "BASE_URL": None,
    }


def _from_environment(environ) -> dict:
    """Read the settings a deployment may set; plain names first, LINKWISE_* for our own."""
    found = {}
    for name in ("SECRET_KEY", "DATABASE_URL", "PORT"):
        if environ.get(name):
            found[name] = environ[name]
    for name in (
        "ENV",
        "DEMO_PASSWORD",
        "RATELIMIT_STORAGE_URI",
        "CONTENT_DIR",
        "COMPETENCIES_DIR",
        "PROXY_HOPS",
        "LRS_URL",
        "LRS_USERNAME",
        "LRS_PASSWORD",
        "BASE_URL",
    ):
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
    if not config["SECRET_KEY"]:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set: set it to a long random string to run in production, "
                "or set LINKWISE_ENV=development to try Linkwise on your own machine"
            )
        config["SECRET_KEY"] = f"linkwise-{env}-only-key"
    for key, name in (("PORT", "PORT"), ("PROXY_HOPS", "LINKWISE_PROXY_HOPS")):
        try:
            config[key] = int(config[key])
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {config[key]!r}") from None
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    for key in ("CONTENT_DIR", "COMPETENCIES_DIR", "STATIC_DIR"):
        config[key] = Path(config[key])
    _check_lrs(config, env)
    config["TESTING"] = env == "test"
    config["SESSION_COOKIE_SECURE"] = env == "production"
    config["DEMO_DATA_ALLOWED"] = env != "production"
    return config


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at psycopg 3, whichever spelling the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _check_lrs(config: dict, env: str) -> None:
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
    if not config["BASE_URL"]:
        if env == "production":
            raise ConfigError(
                "LINKWISE_LRS_URL is set but LINKWISE_BASE_URL is not: set it to the address "
                "learners use, like https://linkwise.example.org, which names activities in xAPI"
            )
        config["BASE_URL"] = f"http://127.0.0.1:{config['PORT']}"
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
