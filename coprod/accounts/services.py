"""Rules for signing in. Functions flush, never commit: the view commits once per request."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from coprod import audit
from coprod.accounts import sessions, way_in
from coprod.accounts.tokens import format_code, hash_secret, new_code, new_token, normalise_code
from coprod.extensions import db
from coprod.mail import send_email
from coprod.models import LoginAttempt, LoginCard, MagicLink, NoticeKind, SignIn, User, utcnow
from coprod.permissions import check_may_give_way_in

password_hasher = PasswordHasher()


class TooManyAttempts(Exception):
    """Raised when the login throttle says stop for a while."""


# ---- throttle ---------------------------------------------------------------------------------

def _address_key() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def check_throttle(account_key: str | None = None) -> None:
    """Raise TooManyAttempts when this address or account failed too often lately."""
    config = current_app.config
    since = utcnow() - config["THROTTLE_WINDOW"]
    limits = [(_address_key(), config["THROTTLE_PER_ADDRESS"])]
    if account_key:
        limits.append((f"account:{account_key}", config["THROTTLE_PER_ACCOUNT"]))
    for key, limit in limits:
        count = db.session.scalar(
            select(func.count()).select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.created_dt > since)
        )
        if count >= limit:
            raise TooManyAttempts()


def note_failure(account_key: str | None = None) -> None:
    keys = [_address_key()] + ([f"account:{account_key}"] if account_key else [])
    for key in keys:
        db.session.add(LoginAttempt(key=key[:300]))
    # Old attempts are no use to anyone; trim them as we go.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_dt < utcnow() - timedelta(days=1)))
    db.session.flush()


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
    card = LoginCard(user_id=user.id, token_hash=hash_secret(token), code_hash=hash_secret(code),
                     created_by_id=by.id if by else None)
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


def card_by_token(token: str) -> LoginCard | None:
    card = db.session.scalar(select(LoginCard).where(LoginCard.token_hash == hash_secret(token)))
    if card is None or card.is_revoked or not card.user.is_active:
        return None
    return card


def card_by_code(typed: str) -> LoginCard | None:
    code = normalise_code(typed)
    if not code:
        return None
    card = db.session.scalar(select(LoginCard).where(LoginCard.code_hash == hash_secret(code)))
    if card is None or card.is_revoked or not card.user.is_active:
        return None
    return card


def sign_in_with_card(card: LoginCard, method: str) -> SignIn:
    row = sessions.start(card.user, method, current_app.config["CARD_SIGN_IN_LIFETIME"], card=card)
    audit.record("sign-in", target=card.user, detail=f"{method} (card {card.id})", actor=card.user)
    return row


# ---- magic links ------------------------------------------------------------------------------

def send_magic_link(email: str) -> None:
    """Email a sign-in link if we know this address. Says nothing either way (no account probing)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        note_failure(email.strip().lower())
        return
    token = new_token()
    lifetime = current_app.config["MAGIC_LINK_LIFETIME"]
    db.session.add(MagicLink(user_id=user.id, token_hash=hash_secret(token), expires_dt=utcnow() + lifetime))
    db.session.flush()
    link = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("accounts.magic_link", token=token)
    minutes = int(lifetime.total_seconds() // 60)
    body = "\n\n".join([
        _("Hello %(name)s.", name=user.name),
        _("Use this link to sign in to %(site)s:", site=current_app.config["SITE_NAME"]),
        link,
        _("The link works once. It stops working after %(minutes)d minutes.", minutes=minutes),
        _("Did you not ask for this? Then you do not need to do anything."),
    ])
    send_email(user.email, _("Your link to sign in"), body)


def magic_link_by_token(token: str) -> MagicLink | None:
    link = db.session.scalar(select(MagicLink).where(MagicLink.token_hash == hash_secret(token)))
    if link is None or link.used_dt is not None or link.expires_dt <= utcnow() or not link.user.is_active:
        return None
    return link


def sign_in_with_magic_link(link: MagicLink) -> SignIn:
    link.used_dt = utcnow()
    row = sessions.start(link.user, "email", current_app.config["CARD_SIGN_IN_LIFETIME"])
    audit.record("sign-in", target=link.user, detail="email link", actor=link.user)
    return row


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


def sign_in_with_password(email: str, password: str) -> User | None:
    key = email.strip().lower()
    check_throttle(key)
    user = db.session.scalar(select(User).where(func.lower(User.email) == key))
    if user is None or not user.is_active or not check_password(user, password):
        note_failure(key)
        return None
    sessions.start(user, "password", current_app.config["PASSWORD_SIGN_IN_LIFETIME"])
    audit.record("sign-in", target=user, detail="password", actor=user)
    return user


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
