"""Groups: making them, and who is in them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coprod import audit
from coprod.boards.services import NotAllowed
from coprod.extensions import db
from coprod.models import Board, Group, GroupMember, Membership, User


def groups_on(board: Board) -> list[Group]:
    return list(db.session.scalars(
        select(Group).where(Group.board_id == board.id)
        .options(joinedload(Group.board), selectinload(Group.members).selectinload(GroupMember.user)).order_by(Group.name)
    ))


def group_on(board: Board, group_id: int) -> Group | None:
    """The group, only if it belongs to this board."""
    return db.session.scalar(
        select(Group).where(Group.id == group_id, Group.board_id == board.id)
        .options(joinedload(Group.board), selectinload(Group.members).selectinload(GroupMember.user))
    )


def create_group(board: Board, name: str, *, by: User) -> Group:
    taken = db.session.scalar(select(func.count()).select_from(Group)
                              .where(Group.board_id == board.id, func.lower(Group.name) == name.lower()))
    if taken:
        raise NotAllowed(_("There is already a group with this name on this board."))
    group = Group(board_id=board.id, name=name)
    db.session.add(group)
    db.session.flush()
    audit.record("group.create", target=group, board=board, actor=by)
    return group


def people_who_can_join(board: Board, group: Group) -> list[User]:
    in_group = {m.user_id for m in group.members}
    people = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id == board.id, User.disabled_dt.is_(None)).order_by(User.name)
    )
    return [p for p in people if p.id not in in_group]


def add_member(group: Group, user: User, *, is_facilitator: bool, by: User) -> None:
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, is_facilitator=is_facilitator))
    audit.record("group.join", target=user, board=group.board,
                 detail=f"group {group.id}" + (" as facilitator" if is_facilitator else ""), actor=by)
    db.session.flush()


def remove_member(group: Group, member: GroupMember, *, by: User) -> None:
    audit.record("group.leave", target=member.user, board=group.board, detail=f"group {group.id}", actor=by)
    db.session.delete(member)
    db.session.flush()
