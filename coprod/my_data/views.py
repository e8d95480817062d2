"""My data: a person downloads everything about them (UK GDPR art. 15); staff make the same file for
someone who asks on paper. Thin: the rules are in services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import audit
from coprod.extensions import db
from coprod.models import DataExport, Role, User, utcnow
from coprod.my_data import services
from coprod.permissions import ADMIN, SIGNED_IN, access, board_roles

blueprint = Blueprint("my_data", __name__)
SECRETARY = board_roles(Role.SECRETARY)


@blueprint.get("/account/my-data")
@access(SIGNED_IN)
def index():
    """What My data is, the files being made or ready, and a button to ask for one."""
    mine, others = services.exports_of(current_user)
    return render_template("my_data/index.html", mine=mine, others=others, now=utcnow(), form=FlaskForm(),
                           ready_file=services.ready_file)


@blueprint.post("/account/my-data")
@access(SIGNED_IN)
def ask():
    """Ask for a file of my data. The worker makes it; I am told when it is ready."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.ask(current_user, by=current_user, language=str(get_locale()))
    flash(_("Your file is being made. We will tell you on your Updates page when it is ready."), "success")
    return redirect(url_for("my_data.index"))


@blueprint.get("/account/my-data/<int:export_id>/file")
@access(SIGNED_IN)
def download(export_id: int):
    """The zip, only for the person it is about or the staff member who made it for them."""
    export = db.session.get(DataExport, export_id)
    if export is None or not services.may_download(export, current_user):
        abort(404)
    path = services.ready_file(export)
    if path is None:
        abort(404)
    audit.record("my-data.download", target=export, detail=f"file {export.id} of person {export.user_id}")
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=f"my-data-{export.created_dt:%Y-%m-%d}.zip", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _on_paper(person: User, board=None):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not services.may_make_for(current_user, person):
        abort(403)
    services.ask(person, by=current_user, board=board)
    flash(_("The file of %(name)s's data is being made. Find it on My data when it is ready.", name=person.name),
          "success")


@blueprint.post("/boards/<slug>/people/<int:user_id>/my-data")
@access(SECRETARY)
def board_on_paper(slug: str, user_id: int):
    """A secretary makes the file for a person on their board who asked on paper (audited)."""
    from coprod.boards.services import may_manage, membership_for

    membership = membership_for(g.board, user_id)
    if membership is None or not may_manage(membership, current_user):
        abort(404)  # not on this board, or a site admin: as on the person's page
    _on_paper(db.session.get(User, user_id), board=g.board)
    return redirect(url_for("boards.person", slug=slug, user_id=user_id))


@blueprint.post("/admin/people/<int:user_id>/my-data")
@access(ADMIN)
def admin_on_paper(user_id: int):
    """An admin makes the file for anyone who asked on paper (audited)."""
    _on_paper(db.get_or_404(User, user_id))
    return redirect(url_for("admin.person", user_id=user_id))
