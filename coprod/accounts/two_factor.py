"""A second factor for staff: an authenticator app (TOTP) on top of a password, card or link,
with 10 single-use recovery codes. Members and carers never need it.

Who must use it is a site setting (`COPROD_REQUIRE_2FA_FOR`: admin, secretary, commissioner; on
for admins by default). Someone who must but has not set it up yet can only reach the set-up
page (and sign out) until they do. Once it is on, every way of signing in asks for a code from
the app (or a recovery code) before the sign-in starts.

Functions flush, never commit.
"""

from __future__ import annotations

import hmac
import time
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import delete, select

from coprod import audit
from coprod.accounts import sessions, throttle
from coprod.accounts.tokens import keyed_hash, new_code, normalise_code, seal, unseal
from coprod.extensions import db
from coprod.models import LoginCard, RecoveryCode, Role, SignIn, User, utcnow

PENDING_KEY = "second_step"
PENDING_SECONDS = 10 * 60
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10
STAFF_ROLES = {"secretary": Role.SECRETARY, "commissioner": Role.COMMISSIONER}


# ---- who --------------------------------------------------------------------------------------

def required_for(user: User) -> bool:
    """Must this person use an authenticator app (the site setting)?"""
    wanted = current_app.config.get("REQUIRE_2FA_FOR") or frozenset()
    if not wanted:
        return False
    if user.is_admin and "admin" in wanted:
        return True
    roles = {STAFF_ROLES[name] for name in wanted if name in STAFF_ROLES}
    return any(m.role in roles for m in user.memberships)


def may_use(user: User) -> bool:
    """Only staff are offered an authenticator app: members and carers sign in without one."""
    return user.is_staff or is_on(user)


def is_on(user: User) -> bool:
    return user.totp_on_dt is not None and user.totp_secret is not None


# ---- setting it up ----------------------------------------------------------------------------

SETUP_KEY = "app_setup"


def setup_secret(user: User) -> str:
    """The secret being set up: made once, kept sealed (encrypted with the code key) in this
    browser's session until a code from the app confirms it. Nothing is written before that."""
    held = session.get(SETUP_KEY)
    secret = unseal(held["secret"]) if isinstance(held, dict) and held.get("user") == user.id else None
    if secret is None:
        secret = pyotp.random_base32()
        session[SETUP_KEY] = {"user": user.id, "secret": seal(secret)}
    return secret


def setup_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or user.name,
                                               issuer_name=current_app.config["SITE_NAME"])


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """ABCD EFGH ...: easier to read and type."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def turn_on(user: User, typed: str) -> list[str] | None:
    """Confirm set-up with a code from the app. Returns the new recovery codes, or None."""
    if is_on(user):
        return None
    user.totp_secret, user.totp_last_step = seal(setup_secret(user)), None
    if not _right_code(user, typed):
        user.totp_secret = None
        return None
    session.pop(SETUP_KEY, None)
    user.totp_on_dt = utcnow()
    # Anyone signed in elsewhere without the app must sign in again.
    sessions.end_all(user, except_current=True)
    audit.record("2fa.on", target=user, actor=user, detail="authenticator app")
    return new_recovery_codes(user, log=False)


def turn_off(user: User, typed: str) -> bool:
    """The person turns it off themselves, with a code from the app (or a recovery code)."""
    if not is_on(user) or not (_right_code(user, typed) or _use_recovery_code(user, typed)):
        return False
    _clear(user)
    audit.record("2fa.off", target=user, actor=user)
    return True


def reset(user: User, *, by: User) -> None:
    """An admin clears someone's authenticator app (a lost phone). They are signed out
    everywhere and set it up again when they next sign in."""
    _clear(user)
    sessions.end_all(user)
    audit.record("2fa.reset", target=user, actor=by, detail="authenticator app reset by an admin")


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_on_dt = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def new_recovery_codes(user: User, *, log: bool = True) -> list[str]:
    """10 new single-use codes (the old ones stop working). Shown once; only keyed hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_code(RECOVERY_LENGTH) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=keyed_hash(code)) for code in codes)
    db.session.flush()
    if log:
        audit.record("2fa.recovery-codes", target=user, actor=user, detail="new recovery codes")
    return [f"{code[:5]} {code[5:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    return len(list(db.session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_dt.is_(None)))))


# ---- checking codes -----------------------------------------------------------------------------

def _right_code(user: User, typed: str) -> bool:
    """A code from the app: this 30 seconds, or the one before or after (clocks drift). A code
    already used is refused, so one seen over someone's shoulder cannot be used again."""
    secret = unseal(user.totp_secret or "")
    digits = "".join(ch for ch in (typed or "") if ch.isdigit())
    if secret is None or len(digits) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(datetime.now(timezone.utc))
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def _use_recovery_code(user: User, typed: str) -> bool:
    code = normalise_code(typed or "")
    if len(code) != RECOVERY_LENGTH:
        return False
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == keyed_hash(code), RecoveryCode.used_dt.is_(None)))
    if row is None:
        return False
    row.used_dt = utcnow()
    audit.record("2fa.recovery-used", target=user, actor=user, detail="a recovery code was used")
    return True


# ---- the second step of signing in -------------------------------------------------------------

def start_second_step(user: User, method: str, *, card: LoginCard | None = None) -> None:
    """The first factor was right: remember (in this browser's signed session) who is halfway."""
    session[PENDING_KEY] = {"user": user.id, "method": method, "card": card.id if card else None,
                            "until": int(time.time()) + PENDING_SECONDS}


def pending() -> tuple[User, str, LoginCard | None] | None:
    """Who is halfway through signing in on this browser, if anyone (and still may)."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    user = db.session.get(User, data.get("user"))
    card = db.session.get(LoginCard, data["card"]) if data.get("card") else None
    if user is None or not user.is_active or not is_on(user) or (card is not None and card.is_revoked):
        return None
    return user, data.get("method", "password"), card


def cancel_second_step() -> None:
    session.pop(PENDING_KEY, None)


def _second_step_key(user: User) -> str:
    return throttle.key("second-step", str(user.id))


def finish_second_step(typed: str, *, recovery: bool = False) -> SignIn | None:
    """Check the app's code (or a recovery code) for whoever is halfway; sign them in if right.
    Raises TooManyAttempts after too many wrong codes (a growing wait)."""
    from coprod.accounts.services import complete_sign_in

    halfway = pending()
    if halfway is None:
        return None
    user, method, card = halfway
    attempt_key = _second_step_key(user)
    throttle.check(("second-step", attempt_key))
    right = _use_recovery_code(user, typed) if recovery else _right_code(user, typed)
    if not right:
        throttle.note(attempt_key)
        return None
    cancel_second_step()
    throttle.forget(attempt_key)
    return complete_sign_in(user, method, card=card,
                            detail=" + recovery code" if recovery else " + authenticator app")
