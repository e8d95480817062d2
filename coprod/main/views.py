"""Home, help and the about page with picture credits."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from coprod import pictures
from coprod.extensions import db
from coprod.boards.todo import todo_for
from coprod.models import Board, Role
from coprod.permissions import PUBLIC, SAFEGUARDING_LEAD, SECRETARY_ANYWHERE, access

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
@access(PUBLIC)
def home():
    """Start here: your boards and what you can do, or how to sign in."""
    if current_user.is_authenticated:
        boards = [m.board for m in current_user.memberships]
        if current_user.is_admin and not boards:
            boards = list(db.session.scalars(select(Board).order_by(Board.name).limit(20)))
        # The secretary's "to do" for each board they are secretary of.
        running = [m.board_id for m in current_user.memberships if m.role == Role.SECRETARY]
        return render_template("main/home.html", boards=boards, todos=todo_for(running),
                               may_add_pictures=SECRETARY_ANYWHERE.allows(current_user, None),
                               safeguarding_lead=SAFEGUARDING_LEAD.allows(current_user, None))
    boards = list(db.session.scalars(select(Board).order_by(Board.name).limit(20)))
    return render_template("main/welcome.html", boards=boards)


@blueprint.get("/help")
@access(PUBLIC)
def help():
    """Help: how to use the site, and who to ask."""
    return render_template("main/help.html")


@blueprint.get("/privacy")
@access(PUBLIC)
def privacy():
    """Your information: what is kept, why, for how long (from the real settings), who sees it, and
    how to get it or have it deleted. In easy read."""
    from coprod.privacy.retention import periods

    return render_template("main/privacy.html", keep=periods())


@blueprint.get("/about")
@access(PUBLIC)
def about():
    """About Coprod, and the pictures we use with their licences."""
    return render_template("main/about.html", pictures=pictures)
