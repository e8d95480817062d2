"""Admin rules: boards, admin rights, disabling accounts."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coprod import audit
from coprod.accounts import sessions
from coprod.boards.services import NotAllowed
from coprod.extensions import db
from coprod.models import AuditEvent, Board, Membership, Role, User, utcnow


def create_board(*, name: str, slug: str, about: str, by: User) -> Board:
    if db.session.scalar(select(func.count()).select_from(Board).where(Board.slug == slug)):
        raise NotAllowed(_("Another board uses this short name. Choose a different one."))
    board = Board(name=name, slug=slug, about=about)
    db.session.add(board)
    db.session.flush()
    audit.record("board.create", target=board, board=board, actor=by)
    return board


def all_boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.name)))


def all_people(*, page: int, per_page: int = 50) -> list[User]:
    return list(db.session.scalars(
        select(User).options(selectinload(User.memberships).selectinload(Membership.board))
        .where(User.erased_dt.is_(None)).order_by(User.name).limit(per_page).offset((page - 1) * per_page)
    ))


def set_board_settings(board: Board, *, erased_questions: str, quorum: int | None = None, by: User) -> None:
    if board.erased_questions != erased_questions:
        audit.record("board.settings", target=board, board=board, actor=by,
                     detail=f"erased questions: {board.erased_questions} -> {erased_questions}")
        board.erased_questions = erased_questions
    if board.quorum != quorum:
        audit.record("board.settings", target=board, board=board, actor=by,
                     detail=f"quorum: {board.quorum} -> {quorum}")
        board.quorum = quorum


def person_or_404(user_id: int) -> User:
    """One account with its roles and their boards (what the person page shows), else 404."""
    return db.one_or_404(select(User).where(User.id == user_id)
                         .options(selectinload(User.memberships).selectinload(Membership.board)))


def set_admin(user: User, is_admin: bool, *, by: User) -> None:
    if user.id == by.id:
        raise NotAllowed(_("You cannot change your own admin rights."))
    user.is_admin = is_admin
    audit.record("admin.grant" if is_admin else "admin.remove", target=user, actor=by)


def set_disabled(user: User, disabled: bool, *, by: User) -> None:
    if user.id == by.id:
        raise NotAllowed(_("You cannot turn off your own account."))
    if disabled:
        user.disabled_dt = utcnow()
        sessions.end_all(user)
    else:
        user.disabled_dt = None
    audit.record("account.disable" if disabled else "account.enable", target=user, actor=by)


def add_role(user: User, board: Board, role: Role, *, by: User) -> None:
    membership = db.session.scalar(
        select(Membership).where(Membership.board_id == board.id, Membership.user_id == user.id))
    if membership is None:
        db.session.add(Membership(board_id=board.id, user_id=user.id, role=role))
        detail = f"none -> {role.value}"
    else:
        detail = f"{membership.role.value} -> {role.value}"
        membership.role = role
    audit.record("role.change", target=user, board=board, detail=detail, actor=by)


def audit_page(*, page: int, per_page: int = 50) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).options(selectinload(AuditEvent.actor), selectinload(AuditEvent.helper))
        .order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ))
