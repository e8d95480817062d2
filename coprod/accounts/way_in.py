"""What happens around making or stopping a way in to someone's account (a login card).

The rule of who may do it is `coprod.permissions.may_give_way_in`. Here: why it was allowed (for
the audit log), and telling the person - on their Updates page, and by email if they have one (the
email goes out after the commit, through the outbox).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coprod.extensions import db
from coprod.mail import send_email
from coprod.models import AccountNotice, NoticeKind, User


def grounds(by: User | None, person: User) -> str:
    """Why `by` was allowed (for the audit log: ids and role names, never names or addresses)."""
    if by is None:
        return "by the system"
    if by.is_admin:
        return "allowed as site admin"
    boards = sorted(m.board_id for m in person.memberships)
    return "allowed as secretary of every board the person is on (board ids " + ", ".join(map(str, boards)) + ")"


def tell(person: User, kind: NoticeKind, *, by: User | None, board=None) -> None:
    """Put a notice on the person's Updates page and email them if they have an address."""
    if by is None:  # the demo and commands: nobody to warn about
        return
    by_secretary = board is not None and not by.is_admin
    db.session.add(AccountNotice(user_id=person.id, kind=kind, board_id=board.id if by_secretary else None))
    if person.email:
        with force_locale(person.locale or "en"):
            subject, line = notice_words(kind, board.name if by_secretary else None)
            body = "\n\n".join([_("Hello %(name)s.", name=person.name), line, if_not_you()])
        send_email(person.email, subject, body)


def notice_words(kind: NoticeKind, board_name: str | None) -> tuple[str, str]:
    """(a short title, the sentence) for a notice, in the current language."""
    if kind == NoticeKind.CARD_MADE:
        title = _("A new login card for you")
        line = (_("A new login card was made for you by the secretary of %(board)s.", board=board_name)
                if board_name else _("A new login card was made for you by the site admin."))
    elif kind == NoticeKind.EXPORT_READY:
        title = _("Your My data file is ready")
        line = _("A file of your data is ready. Open My data on My account to download it.")
    else:
        title = _("One of your login cards was stopped")
        line = (_("One of your login cards was stopped by the secretary of %(board)s.", board=board_name)
                if board_name else _("One of your login cards was stopped by the site admin."))
    return title, line


def if_not_you() -> str:
    return _("Did you not ask for this? Tell the site admin.")


def notices_for(user: User, limit: int = 20) -> list[AccountNotice]:
    return list(db.session.scalars(
        select(AccountNotice).where(AccountNotice.user_id == user.id).options(joinedload(AccountNotice.board))
        .order_by(AccountNotice.created_dt.desc(), AccountNotice.id.desc()).limit(limit)))
