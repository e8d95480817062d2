"""Settings, read from the environment with safe defaults.

Nothing secret lives in the code: the secret key is generated once and kept in the
instance folder unless COPROD_SECRET_KEY is given.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from coprod.paths import PROJECT_ROOT

LANGUAGES = {"en": "English", "cy": "Cymraeg", "ur": "اردو"}


def _instance_secret(instance_path: Path, name: str, env: str) -> str:
    """A secret from the environment, or generated once and kept in the instance folder."""
    if key := os.environ.get(env):
        return key
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when several gunicorn workers start at once only one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: Path) -> dict:
    """Build the Flask config for this process from the environment."""
    database_url = os.environ.get(
        "COPROD_DATABASE_URL", f"sqlite:///{instance_path / 'coprod.sqlite'}"
    )
    https = _flag("COPROD_HTTPS")
    mail_server = os.environ.get("COPROD_MAIL_SERVER", "")
    return {
        "SECRET_KEY": _instance_secret(instance_path, "secret_key", "COPROD_SECRET_KEY"),
        # Separate from SECRET_KEY so rotating session keys never splits anyone's ballot in two.
        "BALLOT_SECRET": _instance_secret(instance_path, "ballot_secret", "COPROD_BALLOT_SECRET"),
        "TIMEZONE": os.environ.get("COPROD_TIMEZONE", "Europe/London"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "SITE_NAME": os.environ.get("COPROD_SITE_NAME", "Coprod"),
        # People stay signed in on their own tablet; each sign-in has its own expiry in the database.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=400),
        # The cookie outlives the longest sign-in (a year), so it need not be signed and sent again on
        # every answer: that cost CPU on each of a meeting's 500 votes. It is still sent when it changes.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "COPROD_HTTPS": https,
        # How many proxies (e.g. nginx) stand in front: then the address in X-Forwarded-For is the
        # tablet's, which sign-in throttling needs. 0 (no proxy) trusts no such header.
        "PROXY_COUNT": int(os.environ.get("COPROD_PROXY_COUNT", "0") or 0),
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open during a meeting must still send
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": LANGUAGES,
        "MAIL_BACKEND": os.environ.get("COPROD_MAIL_BACKEND", "smtp" if mail_server else "log"),
        # The demo (scripts/demo) writes emails it cannot send - sign-in links too - to the log, so
        # people trying it can sign in. Anywhere else the log gets only that an email was not sent.
        "DEMO": _flag("COPROD_DEMO"),
        "MAIL_SERVER": mail_server or "localhost",
        "MAIL_PORT": int(os.environ.get("COPROD_MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("COPROD_MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("COPROD_MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("COPROD_MAIL_USE_TLS"),
        "MAIL_FROM": os.environ.get("COPROD_MAIL_FROM", "coprod@localhost"),
        "PUBLIC_URL": os.environ.get("COPROD_PUBLIC_URL", "http://localhost:5000"),
        # Login throttle: failed attempts allowed per window, counted in the database so the
        # limit holds across every worker process.
        "THROTTLE_WINDOW": timedelta(minutes=15),
        "THROTTLE_PER_ACCOUNT": 5,
        "THROTTLE_PER_ADDRESS": 30,
        "MAGIC_LINK_LIFETIME": timedelta(minutes=30),
        "CARD_SIGN_IN_LIFETIME": timedelta(days=365),
        "PASSWORD_SIGN_IN_LIFETIME": timedelta(hours=12),
    }


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        # Several processes share one SQLite file: wait for locks instead of failing.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
