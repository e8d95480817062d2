"""Sign-ins held in the database, so that ending one works in every web process at once."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import g, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from coprod.accounts.tokens import hash_secret, new_token
from coprod.extensions import db
from coprod.models import LoginCard, Membership, SignIn, User, utcnow

SESSION_KEY = "sign_in"


def start(user: User, method: str, lifetime: timedelta, card: LoginCard | None = None) -> SignIn:
    """Sign `user` in on this browser."""
    token = new_token()
    # The person and card are set as objects, so the rest of this request can read them.
    row = SignIn(
        user=user, user_id=user.id, token_hash=hash_secret(token), method=method,
        card=card, card_id=card.id if card else None, expires_dt=utcnow() + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    # A fresh session: nothing from before signing in (or from someone else) carries over.
    keep = {k: session[k] for k in ("locale", "text_size", "contrast") if k in session}
    session.clear()
    session.update(keep)
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)
    g.sign_in = row
    return row


@functools.cache
def _sign_in_query():
    """One query for everything a request needs about who is asking. It runs on every request, so
    it is built once and reused with new parameters: building it (and its cache key) each time
    cost more CPU than running it."""
    return (
        select(SignIn)
        .where(SignIn.token_hash == bindparam("token_hash"), SignIn.user_id == bindparam("user_id"))
        .options(
            joinedload(SignIn.user).joinedload(User.memberships).joinedload(Membership.board),
            # Only what the validity check needs from the card. The helper (rare) is loaded by load_user.
            joinedload(SignIn.card).options(load_only(LoginCard.revoked_dt)),
        )
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user only if this browser's sign-in is still valid."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    row = db.session.scalars(
        _sign_in_query(), {"token_hash": hash_secret(token), "user_id": int(user_id)}
    ).unique().first()
    if row is None or not is_valid(row):
        return None
    if row.helper_id is not None:  # someone is helping (rare): one more query, only then
        set_committed_value(row, "helper", db.session.get(User, row.helper_id))
    g.sign_in = row
    return row.user


def is_valid(row: SignIn) -> bool:
    return (
        row.ended_dt is None
        and row.expires_dt > utcnow()
        and row.user.is_active
        and (row.card is None or not row.card.is_revoked)
    )


def end_current() -> None:
    """Sign out here: the row is ended so a copied cookie stops working too."""
    row = g.get("sign_in")
    if row is not None:
        row.ended_dt = utcnow()
    logout_user()
    keep = {k: session[k] for k in ("locale", "text_size", "contrast") if k in session}
    session.clear()
    session.update(keep)


def end_all(user: User, *, except_current: bool = False) -> None:
    query = update(SignIn).where(SignIn.user_id == user.id, SignIn.ended_dt.is_(None))
    current = g.get("sign_in")
    if except_current and current is not None:
        query = query.where(SignIn.id != current.id)
    db.session.execute(query.values(ended_dt=utcnow()))


def end_for_card(card: LoginCard) -> None:
    db.session.execute(
        update(SignIn).where(SignIn.card_id == card.id, SignIn.ended_dt.is_(None)).values(ended_dt=utcnow())
    )


def current() -> SignIn | None:
    return g.get("sign_in")

