"""Rules for signing in. Functions flush, never commit: the view commits once per request."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import after_this_request, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from coprod import audit
from coprod.accounts import sessions, throttle, two_factor, way_in
from coprod.accounts.tokens import (SCHEME_KEYED, SCHEME_SHA256, format_code, hash_secret, key_for, keyed,
                                    keyed_hash, new_code, new_token, normalise_code)
from coprod.extensions import db
from coprod.mail import send_email
from coprod.models import LoginCard, MagicLink, NoticeKind, SignIn, User, utcnow
from coprod.permissions import check_may_give_way_in

password_hasher = PasswordHasher()


# The throttles live in accounts/throttle.py; this name stays for the views.
TooManyAttempts = throttle.TooManyAttempts


# ---- login cards --------------------------------------------------------------------------------

class IssuedCard:
    """A card just made: the only moment its secrets exist in plain form, to be printed."""

    def __init__(self, card: LoginCard, token: str, code: str):
        self.card = card
        self.token = token
        self.code = format_code(code)

    @property
    def path(self) -> str:
        return url_for("accounts.card", token=self.token)


def issue_card(user: User, *, by: User | None, board=None) -> IssuedCard:
    """Make a new card for `user`. Older cards keep working until revoked.
    Only someone who may give a way in to this person (permissions.may_give_way_in) can; else 403."""
    if by is not None:
        check_may_give_way_in(by, user)

    token, code = new_token(), new_code()
    card = LoginCard(user_id=user.id, token_hash=keyed_hash(token), code_hash=keyed_hash(code),
                     hash_scheme=SCHEME_KEYED, created_by_id=by.id if by else None)
    db.session.add(card)
    db.session.flush()
    audit.record("card.issue", target=user, board=board, detail=f"card {card.id}; {way_in.grounds(by, user)}",
                 actor=by)
    way_in.tell(user, NoticeKind.CARD_MADE, by=by, board=board)
    return IssuedCard(card, token, code)


def revoke_card(card: LoginCard, *, by: User | None, board=None) -> None:
    """Stop a card (it signs nobody in any more). The same rule as making one (else 403)."""
    if by is not None:
        check_may_give_way_in(by, card.user)

    if card.revoked_dt is None:
        card.revoked_dt = utcnow()
        sessions.end_for_card(card)
        audit.record("card.revoke", target=card.user, board=board,
                     detail=f"card {card.id}; {way_in.grounds(by, card.user)}", actor=by)
        way_in.tell(card.user, NoticeKind.CARD_STOPPED, by=by, board=board)
        db.session.flush()


def _card_where(column, secret: str):
    """A card whose `column` holds this secret's keyed hash, or (a card made before keyed hashes)
    its plain SHA-256."""
    plain = hash_secret(secret)
    return or_(and_(column == keyed(plain), LoginCard.hash_scheme == SCHEME_KEYED),
               and_(column == plain, LoginCard.hash_scheme == SCHEME_SHA256))


def _usable(card: LoginCard | None) -> LoginCard | None:
    if card is None or card.is_revoked or not card.user.is_active:
        return None
    return card


def card_by_token(token: str) -> LoginCard | None:
    return _usable(db.session.scalar(select(LoginCard).options(joinedload(LoginCard.user))
                                     .where(_card_where(LoginCard.token_hash, token))))


def card_by_code(typed: str) -> LoginCard | None:
    code = normalise_code(typed)
    if not code:
        return None
    return _usable(db.session.scalar(select(LoginCard).options(joinedload(LoginCard.user))
                                     .where(_card_where(LoginCard.code_hash, code))))


def card_in_any_state(*, token: str | None = None, code: str | None = None) -> LoginCard | None:
    """The card with this token (its QR code) or typed code, stopped or not, with its person: for
    checking people in at a meeting, which must tell a stopped card from an unknown one. Never signs
    anyone in."""
    if token:
        where = _card_where(LoginCard.token_hash, token)
    elif code and normalise_code(code):
        where = _card_where(LoginCard.code_hash, normalise_code(code))
    else:
        return None
    return db.session.scalar(select(LoginCard).options(joinedload(LoginCard.user)).where(where))


def upgrade_card_hashes(card: LoginCard | None = None) -> int:
    """Key the hashes of cards made before keyed hashes (one card, or all). The keyed hash is made
    from the stored SHA-256, so no code is needed: returns how many cards were upgraded."""
    query = select(LoginCard).where(LoginCard.hash_scheme == SCHEME_SHA256)
    if card is not None:
        query = query.where(LoginCard.id == card.id)
    cards = list(db.session.scalars(query))
    for old in cards:
        old.token_hash = keyed(old.token_hash)
        old.code_hash = keyed(old.code_hash)
        old.hash_scheme = SCHEME_KEYED
    db.session.flush()
    return len(cards)


def code_address_key() -> str:
    return throttle.key("code-address", throttle.address())


def check_code_throttle() -> None:
    """Typed codes are short: wrong ones from this address make the next try wait a little."""
    throttle.check(("code-address", code_address_key()))


def note_code_failure() -> None:
    throttle.note(code_address_key())


def sign_in_with_card(card: LoginCard, method: str) -> SignIn | None:
    """Sign in with a card (`card` from the QR code, `code` typed). None: the second step comes next."""
    if card.hash_scheme == SCHEME_SHA256:
        upgrade_card_hashes(card)
    return first_factor_passed(card.user, method, card=card)


def first_factor_passed(user: User, method: str, *, card: LoginCard | None = None) -> SignIn | None:
    """The person proved the first thing (card, code, link or password). If they use an
    authenticator app, the second step comes next (None); otherwise they are signed in."""
    if two_factor.is_on(user):
        two_factor.start_second_step(user, method, card=card)
        return None
    return complete_sign_in(user, method, card=card)


def complete_sign_in(user: User, method: str, *, card: LoginCard | None = None, detail: str = "") -> SignIn:
    config = current_app.config
    lifetime = config["PASSWORD_SIGN_IN_LIFETIME"] if method == "password" else config["CARD_SIGN_IN_LIFETIME"]
    row = sessions.start(user, method, lifetime, card=card)
    if user.password_hash and known_device(user) is None:
        remember_device(user)
    what = {"card": f"card (card {card.id})" if card else "card",
            "code": f"code (card {card.id})" if card else "code",
            "email": "email link", "password": "password"}.get(method, method)
    audit.record("sign-in", target=user, detail=what + detail, actor=user)
    return row


# ---- magic links ------------------------------------------------------------------------------

class LinkRequestsFromHere(throttle.TooManyAttempts):
    """Too many links asked for from this address (for any email): says nothing about accounts."""


def send_magic_link(email: str) -> None:
    """Email a sign-in link if we know this address. Says nothing either way (no account probing).

    Links sent are limited per email address and per account (a few in 15 minutes, more in a day);
    asking is limited per asking address. The answer is the same whether or not we know the
    address, and whether or not a link was sent."""
    config = current_app.config
    wanted = email.strip().lower()
    here = throttle.key("link-address", throttle.address())
    if throttle.count_since(here, timedelta(minutes=15)) >= config["EMAIL_LINKS_PER_ADDRESS_15_MINUTES"]:
        raise LinkRequestsFromHere(timedelta(minutes=15))
    throttle.note(here)
    user = db.session.scalar(select(User).where(func.lower(User.email) == wanted))
    if user is None or not user.is_active:
        return
    # Links sent, per email address and per account: a flood of asking sends a few emails, no more.
    sent = [throttle.key("link-email", wanted), throttle.key("link-account", str(user.id))]
    if any(throttle.count_since(k, timedelta(minutes=15)) >= config["EMAIL_LINKS_PER_15_MINUTES"]
           or throttle.count_since(k, timedelta(days=1)) >= config["EMAIL_LINKS_PER_DAY"] for k in sent):
        return
    throttle.note(*sent)
    token = new_token()
    lifetime = config["MAGIC_LINK_LIFETIME"]
    db.session.add(MagicLink(user_id=user.id, token_hash=hash_secret(token), expires_dt=utcnow() + lifetime))
    db.session.flush()
    link = config["PUBLIC_URL"].rstrip("/") + url_for("accounts.magic_link", token=token)
    minutes = int(lifetime.total_seconds() // 60)
    body = "\n\n".join([
        _("Hello %(name)s.", name=user.name),
        _("Use this link to sign in to %(site)s:", site=config["SITE_NAME"]),
        link,
        _("The link works once. It stops working after %(minutes)d minutes.", minutes=minutes),
        _("Did you not ask for this? Then you do not need to do anything."),
    ])
    send_email(user.email, _("Your link to sign in"), body)


def magic_link_by_token(token: str) -> MagicLink | None:
    link = db.session.scalar(select(MagicLink).options(joinedload(MagicLink.user))
                             .where(MagicLink.token_hash == hash_secret(token)))
    if link is None or link.used_dt is not None or link.expires_dt <= utcnow() or not link.user.is_active:
        return None
    return link


def sign_in_with_magic_link(link: MagicLink) -> SignIn | None:
    link.used_dt = utcnow()
    return first_factor_passed(link.user, "email")


# ---- passwords --------------------------------------------------------------------------------

def set_password(user: User, password: str) -> None:
    user.password_hash = password_hasher.hash(password)
    # Anyone holding an old session must sign in again.
    sessions.end_all(user, except_current=True)
    audit.record("password.change", target=user, actor=user)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        # Spend the same time as a real check so timing does not reveal who has an account.
        password_hasher.hash(password)
        return False
    try:
        return password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in_with_password(email: str, password: str) -> tuple[User | None, SignIn | None]:
    """(user, sign-in): (None, None) when wrong; (user, None) when the second step comes next.

    Wrong passwords make the next try wait, growing: for this account from this address soon,
    for this account from everywhere later, and for this address whatever the account. The wait
    ends, so the right password is never locked out for good. A browser this person signed in on
    before (a known device) only counts its own failures: guessing from elsewhere never slows it."""
    account = email.strip().lower()
    here = throttle.address()
    user = db.session.scalar(select(User).where(func.lower(User.email) == account))
    device = known_device(user)
    if device is not None:
        keys = {"password-pair": throttle.key("password-device", account, device)}
    else:
        keys = {"password-pair": throttle.key("password-pair", account, here),
                "password-account": throttle.key("password-account", account),
                "password-address": throttle.key("password-address", here)}
    throttle.check(*((rule, key) for rule, key in keys.items()))
    if user is None or not user.is_active or not check_password(user, password):
        throttle.note(*keys.values())
        return None, None
    throttle.forget(keys["password-pair"])
    return user, first_factor_passed(user, "password")


# ---- known devices ----------------------------------------------------------------------------

DEVICE_COOKIE = "coprod_device"


def _device_tag(user_id: int, nonce: str) -> str:
    return key_for("device", str(user_id), nonce).split(":", 1)[1]


def remember_device(user: User) -> None:
    """After a full sign-in, this browser is a known device for this person (a cookie with a random
    name and a keyed tag: it names nobody)."""
    nonce = secrets.token_urlsafe(16)
    value = f"{nonce}.{_device_tag(user.id, nonce)}"
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)

    @after_this_request
    def set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=400 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=secure)
        return response


def known_device(user: User | None) -> str | None:
    """The device's random name if this browser is a known device of `user`."""
    nonce, _, tag = request.cookies.get(DEVICE_COOKIE, "").partition(".")
    if user is None or not nonce or not tag or len(nonce) > 64:
        return None
    return nonce if hmac.compare_digest(tag, _device_tag(user.id, nonce)) else None


# ---- someone is helping me ----------------------------------------------------------------------

def start_helping(sign_in: SignIn, *, helper: User | None, helper_name: str | None) -> None:
    sign_in.helper_id = helper.id if helper else None
    sign_in.helper = helper
    sign_in.helper_name = None if helper else (helper_name or "").strip()
    sign_in.helping_since_dt = utcnow()
    audit.record("help.start", target=sign_in.user, actor=sign_in.user,
                 detail=f"helped by {sign_in.helper_display_name}")


def stop_helping(sign_in: SignIn) -> None:
    if sign_in.helping_since_dt is None:
        return
    audit.record("help.stop", target=sign_in.user, actor=sign_in.user,
                 detail=f"was helped by {sign_in.helper_display_name}")
    sign_in.helper_id = None
    sign_in.helper = None
    sign_in.helper_name = None
    sign_in.helping_since_dt = None


def possible_helpers(user: User) -> list[User]:
    """Supporters on any board this person is on."""
    from coprod.models import Membership, Role

    board_ids = [m.board_id for m in user.memberships]
    if not board_ids:
        return []
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id.in_(board_ids), Membership.role == Role.SUPPORTER,
               User.id != user.id, User.disabled_dt.is_(None))
        .distinct().order_by(User.name)
    ))
