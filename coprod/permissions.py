"""Deny by default: every view declares who may use it, or nobody can.

    @access(PUBLIC)                       anyone, signed in or not
    @access(SIGNED_IN)                    any signed-in person
    @access(ADMIN)                        site admins
    @access(board_roles(Role.SECRETARY))  that role on the board named in the URL (`slug`), or an admin
    @access(SECRETARY_ANYWHERE)           a secretary of any board, or an admin (site-wide content)
    @access(SAFEGUARDING_LEAD)            the safeguarding lead of any board, or an admin (which concerns:
                                          checked again per record in coprod/safeguarding/services.py)

A board rule loads the board from the URL and puts it in `g.board`. Rules about a single record
(this person, this card) are checked again in the view through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from coprod.extensions import db
from coprod.models import Board, Role


@dataclass(frozen=True)
class Access:
    name: str
    needs_sign_in: bool = True
    roles: frozenset[Role] = field(default_factory=frozenset)
    admin_only: bool = False
    # Roles that count on whichever board (for site-wide things such as the glossary).
    any_board: frozenset[Role] = field(default_factory=frozenset)
    # The safeguarding lead of some board (Board.safeguarding_lead_id), whatever their roles.
    safeguarding_lead: bool = False

    def allows(self, user, board: Board | None) -> bool:
        if not self.needs_sign_in:
            return True
        if not user.is_authenticated:
            return False
        if user.is_admin:
            return True
        if self.admin_only:
            return False
        if self.safeguarding_lead:
            return is_safeguarding_lead(user)
        if self.roles:
            return board is not None and user.role_on(board) in self.roles
        if self.any_board:
            return any(membership.role in self.any_board for membership in user.memberships)
        return True


PUBLIC = Access("public", needs_sign_in=False)
SIGNED_IN = Access("signed in")
ADMIN = Access("admin", admin_only=True)
ANY_BOARD_ROLE = frozenset(Role)
SECRETARY_ANYWHERE = Access("secretary of any board", any_board=frozenset({Role.SECRETARY}))
SAFEGUARDING_LEAD = Access("safeguarding lead", safeguarding_lead=True)


def is_safeguarding_lead(user) -> bool:
    """Is this person the safeguarding lead of any board? (One small query.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Board.id).where(Board.safeguarding_lead_id == user.id).limit(1)) is not None


def board_roles(*roles: Role) -> Access:
    return Access("board: " + ", ".join(r.value for r in roles), roles=frozenset(roles))


# ---- who may give someone a way in ----------------------------------------------------------------

class NotEntitled(Forbidden):
    """Someone tried to make or stop a way in (a login card, a sign-in link) they are not entitled to
    (answered 403)."""


def may_give_way_in(actor, person) -> bool:
    """May `actor` make or stop a way in to `person`'s account: a login card (with its QR link and
    code) or a sign-in link?

    A way in opens the whole account - every role on every board - so it may only be given by
    someone entitled on *every* board the person belongs to:

    - a site admin: always;
    - a board's secretary: only when every one of the person's roles is on a board they are
      secretary of. So never for a site admin, never for someone with no role (only an admin can
      reach them), and never for someone who also has a role on another board - least of all staff
      (a secretary or commissioner) there: a secretary of board B must not be able to sign in as
      board A's secretary.
    - nobody else.

    This is the one place the rule lives: `accounts.services.issue_card` and `revoke_card` apply it
    to whoever asks (every route that makes or stops a card goes through them), and templates use
    it to offer the buttons only to people who may press them.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_admin:
        return True
    if person.is_admin or not person.memberships:
        return False
    runs = {m.board_id for m in actor.memberships if m.role == Role.SECRETARY}
    return all(m.board_id in runs for m in person.memberships)


def check_may_give_way_in(actor, person) -> None:
    """Raise NotEntitled (403) unless `actor` may make or stop a way in to `person`'s account."""
    if not may_give_way_in(actor, person):
        raise NotEntitled()


def access(rule: Access) -> Callable:
    def decorate(view):
        view.access = rule
        return view

    return decorate


def access_for_endpoint(endpoint: str | None) -> Access | None:
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access", None)


def _board_by_slug(slug: str) -> Board | None:
    """The board named in the URL. The sign-in query already loaded the person's own boards, so
    for them no query is needed (board pages are the busiest, e.g. a vote burst in a meeting)."""
    if current_user.is_authenticated:
        for membership in current_user.memberships:
            if membership.board.slug == slug:
                return membership.board
    return db.session.scalar(select(Board).where(Board.slug == slug))


def public_board_or_404(slug: str) -> Board:
    """For public pages under /boards/<slug>/ (no board rule ran): the board, also put in g.board."""
    board = _board_by_slug(slug)
    if board is None:
        abort(404)
    g.board = board
    return board


def enforce_access():
    """before_request hook: apply the view's declared rule, refuse views that declare none."""
    if request.endpoint is None:  # no such route: let Flask answer 404/405
        return None
    rule = access_for_endpoint(request.endpoint)
    if rule is None:
        current_app.logger.error("view %s declares no access rule: refused", request.endpoint)
        abort(403)
    board = None
    if rule.roles:
        slug = (request.view_args or {}).get("slug")
        board = _board_by_slug(slug) if slug else None
        if board is None:
            abort(404)
        g.board = board
    if rule.allows(current_user, board):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    abort(403)
