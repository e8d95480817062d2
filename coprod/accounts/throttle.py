"""Throttles that stop attackers, not people. Counted in the database, so they hold across every
web process.

- A failure is a row in `login_attempt` under a key: the kind of attempt and a keyed hash of who
  or where (an account, an address), so the table names no email or address.
- After `free` failures in a day, each new failure makes the next try wait: the first wait, then
  twice as long each time, never longer than `longest`. Nobody is locked out for good: once the
  wait is over, the right password or code works again.
- Only failures count. A right login card or sign-in link (long random tokens nobody can guess)
  is never refused because others failed on the same wifi.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from coprod.accounts.tokens import key_for
from coprod.extensions import db
from coprod.models import LoginAttempt, utcnow

KEEP = timedelta(days=1)


class TooManyAttempts(Exception):
    """Wait a little: `wait` is how long."""

    def __init__(self, wait: timedelta):
        super().__init__("too many attempts")
        self.wait = wait

    @property
    def message(self) -> str:
        return wait_words(self.wait)


def wait_words(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext("Please wait %(num)d minute. Then try again.",
                    "Please wait %(num)d minutes. Then try again.", minutes)


@dataclass(frozen=True)
class Rule:
    free: int
    first: timedelta
    longest: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first * (2 ** min(failures - self.free, 20)), self.longest)


def rules() -> dict[str, Rule]:
    config = current_app.config
    return {
        # Typed card codes (and wrong card tokens) from one address: a day centre shares one.
        "code-address": Rule(config["THROTTLE_PER_ADDRESS"], timedelta(seconds=5), timedelta(minutes=5)),
        # Wrong passwords for one account from one address.
        "password-pair": Rule(config["THROTTLE_PER_ACCOUNT"], timedelta(seconds=30), timedelta(minutes=15)),
        # Wrong passwords for one account from anywhere (guessing from many addresses).
        "password-account": Rule(config["THROTTLE_PER_ACCOUNT_ANYWHERE"], timedelta(minutes=1),
                                 timedelta(minutes=15)),
        # Wrong passwords from one address for any account (trying one password on many).
        "password-address": Rule(config["THROTTLE_PER_ADDRESS"], timedelta(seconds=5), timedelta(minutes=5)),
        # Wrong authenticator or recovery codes for one account (the password was already right).
        "second-step": Rule(5, timedelta(seconds=30), timedelta(minutes=15)),
    }


def address() -> str:
    return request.remote_addr or "unknown"


def key(kind: str, *parts: str) -> str:
    return key_for(kind, *parts)


def _failures(attempt_key: str) -> tuple[int, object]:
    count, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.created_dt))
        .where(LoginAttempt.key == attempt_key, LoginAttempt.created_dt > utcnow() - KEEP)
    ).one()
    return count, last


def check(*limits: tuple[str, str]) -> None:
    """Raise TooManyAttempts if any (rule name, key) still has to wait; the longest wait wins."""
    all_rules = rules()
    longest = timedelta(0)
    now = utcnow()
    for rule_name, attempt_key in limits:
        count, last = _failures(attempt_key)
        wait = all_rules[rule_name].wait_after(count)
        if wait and last is not None:
            longest = max(longest, last + wait - now)
    if longest > timedelta(0):
        raise TooManyAttempts(longest)


def note(*keys: str) -> None:
    """Count a failure (or a sent link) under each key."""
    for attempt_key in keys:
        db.session.add(LoginAttempt(key=attempt_key[:300]))
    # Old attempts are no use to anyone; trim them as we go.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_dt < utcnow() - KEEP))
    db.session.flush()


def count_since(attempt_key: str, since: timedelta) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.key == attempt_key, LoginAttempt.created_dt > utcnow() - since)
    )


def forget(*keys: str) -> None:
    """A right password clears that account's failures from this address."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))


def too_many_message(error: TooManyAttempts) -> str:
    return _("There were too many tries.") + " " + error.message
