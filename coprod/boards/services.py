"""People on a board: adding them, their roles, their login cards."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coprod import audit
from coprod.errors import Refused
from coprod.extensions import db
from coprod.models import Board, LoginCard, Membership, Role, User


class NotAllowed(Refused):
    """The rule says no; the message is easy read."""


def people_on(board: Board, *, page: int = 1, per_page: int = 50) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.board_id == board.id)
        .options(selectinload(Membership.user))
        .join(User, User.id == Membership.user_id)
        .order_by(User.name).limit(per_page).offset((page - 1) * per_page)
    ))


def membership_for(board: Board, user_id: int) -> Membership | None:
    """The person's place on this board, or None: a secretary only reaches people on their board."""
    return db.session.scalar(
        select(Membership).where(Membership.board_id == board.id, Membership.user_id == user_id)
        .options(joinedload(Membership.board), selectinload(Membership.user).selectinload(User.memberships))
    )


def add_person(board: Board, *, name: str, email: str | None, role: Role, by: User) -> User:
    email = (email or "").strip().lower() or None
    if email and db.session.scalar(select(func.count()).select_from(User).where(func.lower(User.email) == email)):
        raise NotAllowed(_("Someone already has this email address. Each person needs their own."))
    user = User(name=name, email=email)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(board_id=board.id, user_id=user.id, role=role))
    audit.record("person.add", target=user, board=board, detail=f"role {role.value}", actor=by)
    db.session.flush()
    return user


def change_role(membership: Membership, role: Role, *, by: User) -> None:
    if membership.user_id == by.id and not by.is_admin:
        raise NotAllowed(_("You cannot change your own role. Ask another secretary or the site admin."))
    if membership.user.is_admin and not by.is_admin:
        raise NotAllowed(_("Only a site admin can change this person."))
    old = membership.role
    if old == role:
        return
    membership.role = role
    audit.record("role.change", target=membership.user, board=membership.board,
                 detail=f"{old.value} -> {role.value}", actor=by)
    db.session.flush()


def may_manage(membership: Membership, by: User) -> bool:
    """Secretaries manage the people on their board, but not site admins."""
    return by.is_admin or not membership.user.is_admin


def cards_of(user: User) -> list[LoginCard]:
    return list(db.session.scalars(
        select(LoginCard).where(LoginCard.user_id == user.id).order_by(LoginCard.created_dt.desc())
    ))


def card_of(user: User, card_id: int) -> LoginCard | None:
    return db.session.scalar(select(LoginCard).where(LoginCard.id == card_id, LoginCard.user_id == user.id)
                             .options(joinedload(LoginCard.user)))
