"""Settings, read from the environment with safe defaults.

Nothing secret lives in the code: the secret key is generated once and kept in the
instance folder unless COPROD_SECRET_KEY is given.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
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


def _roles(value: str) -> frozenset[str]:
    words = {w.strip().lower() for w in value.split(",")}
    return frozenset(words & {"admin", "secretary", "commissioner"})


def _hours(value: str) -> tuple[int, int]:
    """"8-20" -> (8, 20); anything else -> the safe default (8am to 8pm)."""
    start, _dash, end = value.partition("-")
    try:
        hours = int(start), int(end)
    except ValueError:
        return 8, 20
    return hours if 0 <= hours[0] < hours[1] <= 24 else (8, 20)


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
        # Keys the hashes of login card codes and tokens (and seals authenticator secrets), so a copy
        # of the database alone cannot be used to guess codes offline. Kept out of the database.
        "CODE_KEY": _instance_secret(instance_path, "code_key", "COPROD_CODE_KEY"),
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
        # Text message reminders through GOV.UK Notify (coprod/reminders/notify.py). No key: no text is
        # sent, and the log says only "text not sent: Notify is not set up". The template is a text
        # message template in Notify whose whole content is ((body)).
        "NOTIFY_API_KEY": os.environ.get("COPROD_NOTIFY_API_KEY", ""),
        "NOTIFY_BASE_URL": os.environ.get("COPROD_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("COPROD_NOTIFY_SMS_TEMPLATE_ID", ""),
        # The meeting pack by post (Notify letters, precompiled PDFs): "second" (2-3 days) or "first".
        "NOTIFY_LETTER_POSTAGE": os.environ.get("COPROD_NOTIFY_LETTER_POSTAGE", "second"),
        # Reminders go only between these hours of the board's day (from, to: 8-20 is 8am to 8pm).
        "REMINDER_HOURS": _hours(os.environ.get("COPROD_REMINDER_HOURS", "8-20")),
        # Login throttle: failed attempts allowed per window, counted in the database so the
        # limit holds across every worker process.
        # Failures allowed before a wait starts; then the wait doubles with each failure, up to a
        # few minutes. A right card or link is never refused because of other people's failures.
        "THROTTLE_WINDOW": timedelta(minutes=15),
        "THROTTLE_PER_ACCOUNT": 5,       # wrong passwords for one account from one address
        "THROTTLE_PER_ACCOUNT_ANYWHERE": 20,  # ... for one account from every address together
        "THROTTLE_PER_ADDRESS": 30,      # wrong codes (or passwords) from one address
        # Sign-in links by email: per email address (and account), and per asking address.
        "EMAIL_LINKS_PER_15_MINUTES": 3,
        "EMAIL_LINKS_PER_DAY": 10,
        "EMAIL_LINKS_PER_ADDRESS_15_MINUTES": 20,
        # Who must use an authenticator app on top of their password or card: any of
        # admin, secretary, commissioner (comma separated), or "none".
        "REQUIRE_2FA_FOR": _roles(os.environ.get("COPROD_REQUIRE_2FA_FOR", "admin")),
        "MAGIC_LINK_LIFETIME": timedelta(minutes=30),
        # A form sent twice is done once for this long (coprod/submissions.py).
        "SUBMISSION_KEY_LIFETIME": timedelta(days=2),
        "CARD_SIGN_IN_LIFETIME": timedelta(days=365),
        "PASSWORD_SIGN_IN_LIFETIME": timedelta(hours=12),
        # Uploaded pictures and spoken questions: shared storage at scale.
        "PICTURE_DIR": os.environ.get("COPROD_PICTURE_DIR") or str(instance_path / "pictures"),
        # Meeting papers (PDF) and their easy-read versions (coprod/meetings/papers.py).
        "PAPER_DIR": os.environ.get("COPROD_PAPER_DIR") or str(instance_path / "papers"),
        "QUESTION_AUDIO_DIR": os.environ.get("COPROD_QUESTION_AUDIO_DIR") or str(instance_path / "question-audio"),
        # "My data" files (a person's own data, as a zip): private, in the instance folder, removed
        # after KEEP_EXPORT_DAYS days (a retention setting, below) and when the person is erased.
        "EXPORT_DIR": os.environ.get("COPROD_EXPORT_DIR") or str(instance_path / "exports"),
        # Photos of travel receipts for involvement payments: private (only the person and the board's
        # secretary see them), shared storage at scale; removed KEEP_RECEIPT_DAYS after the claim is paid.
        "RECEIPT_DIR": os.environ.get("COPROD_RECEIPT_DIR") or str(instance_path / "receipts"),
        **audio_settings(instance_path),
        **cache_settings(instance_path),
        **retention_settings(),
    }


def _days(name: str, default: int) -> int:
    """A number of days from the environment; a value that is not a whole number of at least 1
    falls back to the safe default (0 or less would remove things the moment they are made)."""
    try:
        value = int(os.environ.get(name, str(default)))
    except ValueError:
        return default
    return value if value >= 1 else default


def retention_settings() -> dict:
    """How long personal data is kept (UK GDPR art. 5(1)(e)). The worker's daily job
    (coprod/privacy/retention.py) removes what is older; the privacy page reads these same numbers."""
    return {
        # Questions never sent (still drafts), counted from when they were started.
        "KEEP_DRAFT_DAYS": _days("COPROD_KEEP_DRAFT_DAYS", 30),
        # Sign-ins that ended or ran out, used or expired sign-in links, and "signed in" entries of the
        # audit log. Failed attempts are kept only the day the throttle needs (accounts/throttle.py).
        "KEEP_SIGN_IN_DAYS": _days("COPROD_KEEP_SIGN_IN_DAYS", 90),
        # The recording of a spoken question, counted from when it was answered (in writing, at the
        # meeting, or not taken). The words (what the person typed, or what the secretary wrote down)
        # stay; a recording nobody has written down is kept.
        "KEEP_ANSWERED_RECORDING_DAYS": _days("COPROD_KEEP_ANSWERED_RECORDING_DAYS", 365),
        # Every other entry of the audit log (who changed what).
        "KEEP_AUDIT_DAYS": _days("COPROD_KEEP_AUDIT_DAYS", 730),
        # "My data" downloads, once made.
        "KEEP_EXPORT_DAYS": _days("COPROD_KEEP_EXPORT_DAYS", 7),
        # The help a person said they need at a meeting (access needs: personal, some about health),
        # counted from the meeting's start. Whether they were coming stays with the meeting.
        "KEEP_ACCESS_NEEDS_DAYS": _days("COPROD_KEEP_ACCESS_NEEDS_DAYS", 30),
        # Notes of which reminders were sent to whom (so none goes twice): no words, no numbers.
        "KEEP_SENT_REMINDER_DAYS": _days("COPROD_KEEP_SENT_REMINDER_DAYS", 90),
        # Involvement payments: bank details (sort code, account number, account name) and receipt photos,
        # counted from when the claim was marked paid. The payment itself (amounts, meeting, date) stays
        # for the council's finance records.
        "KEEP_BANK_DETAILS_DAYS": _days("COPROD_KEEP_BANK_DETAILS_DAYS", 90),
        "KEEP_RECEIPT_DAYS": _days("COPROD_KEEP_RECEIPT_DAYS", 90),
        # Safeguarding concerns and the lead's notes, counted from when the lead closed the concern. Six
        # years is a common council rule for adult safeguarding records; the board's data protection
        # officer should set their own (an open concern is never removed).
        "KEEP_SAFEGUARDING_DAYS": _days("COPROD_KEEP_SAFEGUARDING_DAYS", 6 * 365),
    }


def audio_settings(instance_path: Path) -> dict:
    """Listen: where clips live, how they are made, and when they are made again or removed."""
    from coprod.audio.engine import SYNTH_COMMAND

    env = os.environ.get
    return {
        "AUDIO_DIR": env("COPROD_AUDIO_DIR") or str(instance_path / "audio"),
        "AUDIO_ENGINE": env("COPROD_AUDIO_ENGINE", "espeak"),
        # The synthesis subprocess; tests point it at broken commands to check the faults.
        "AUDIO_SYNTH_COMMAND": list(SYNTH_COMMAND),
        "AUDIO_TIMEOUT": float(env("COPROD_AUDIO_TIMEOUT", "60")),
        "AUDIO_VOICES": {"en": "en-gb", "cy": "cy", "ur": "ur"},
        "AUDIO_RATES": {"normal": 160, "slow": 115},
        "AUDIO_KEEP_DAYS": int(env("COPROD_AUDIO_KEEP_DAYS", "30")),
        "AUDIO_STALE_AFTER": timedelta(minutes=2),
        "AUDIO_RETRY_FAILED_AFTER": timedelta(hours=1),
        # A clip that failed this many attempts in all (each job tries AUDIO_RETRIES + 1 times) is
        # not asked for again by pages: they say Listen is not working; `coprod audio remake` retries.
        "AUDIO_MAX_ATTEMPTS": int(env("COPROD_AUDIO_MAX_ATTEMPTS", "9")),
        # Loading the demo queues Listen audio for the whole site (about 1,400 clips). "0": only on
        # first visit (the browser tests' site: the worker would compete with the crawl for CPU).
        "DEMO_AUDIO_AHEAD": env("COPROD_DEMO_AUDIO_AHEAD", "1") != "0",
        "AUDIO_TOUCH_AFTER": timedelta(days=1),
        # How long a private clip's signed URL works (the page was shown to the person that long ago).
        "AUDIO_PRIVATE_URL_MAX_AGE": int(env("COPROD_AUDIO_PRIVATE_URL_MAX_AGE", str(4 * 3600))),
    }


def cache_settings(instance_path: Path) -> dict:
    """The shared cache of public pages and change stamps (coprod/public_cache.py): Redis when
    COPROD_CACHE_URL, or a redis:// COPROD_QUEUE_URL, is set (several machines); else files in the
    instance folder, which every process on this machine shares (the embedded default)."""
    redis_url = os.environ.get("COPROD_CACHE_URL", "")
    queue_url = os.environ.get("COPROD_QUEUE_URL", "")
    if not redis_url and queue_url.startswith(("redis://", "rediss://")):
        redis_url = queue_url
    # A page nobody asked for since yesterday is not worth its space; change stamps never expire.
    common = {"CACHE_DEFAULT_TIMEOUT": 24 * 3600}
    if redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "coprod-cache:", **common}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(instance_path / "cache"), "CACHE_THRESHOLD": 20000,
            **common}


def queue_settings() -> dict:
    """The job queue's settings. A function of the environment alone: a worker builds its queue
    (coprod/tasks.py) when the module is imported, before any app exists."""
    return {
        "QUEUE_URL": os.environ.get("COPROD_QUEUE_URL", ""),
        "QUEUE_NAME": os.environ.get("COPROD_QUEUE_NAME", "coprod"),
        # Making one clip: tries after the first, and seconds between them.
        "AUDIO_RETRIES": int(os.environ.get("COPROD_AUDIO_RETRIES", "2")),
        "AUDIO_RETRY_DELAY": int(os.environ.get("COPROD_AUDIO_RETRY_DELAY", "10")),
        # The hour (UTC) the worker removes what is past its time (coprod/privacy/retention.py).
        "RETENTION_HOUR": int(os.environ.get("COPROD_RETENTION_HOUR", "3")) % 24,
    }


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        # Several processes share one SQLite file: wait for locks instead of failing.
        # The pragmas every SQLite connection gets are set in coprod/extensions.py (on every engine).
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def sqlite_synchronous() -> str:
    """FULL (the default): a commit is on disk before the person sees "saved", so it survives a
    crash of the server and a power cut too. NORMAL (COPROD_SQLITE_SYNCHRONOUS=NORMAL) survives a
    crash of the server, but a power cut can lose the last commits; it saves an fsync (about 1.5 ms
    on the development machine) per commit."""
    value = os.environ.get("COPROD_SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    return value if value in {"FULL", "NORMAL", "EXTRA"} else "FULL"


def sqlite_durability_pragmas(connection: sqlite3.Connection) -> None:
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
