"""Site admin pages. Every view here is admin-only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod.admin import services
from coprod.admin.forms import AddRoleForm, BoardForm
from coprod.boards.forms import ROLE_LABELS
from coprod.extensions import db
from coprod.forms import choices
from coprod.models import Board, Role, User
from coprod.permissions import ADMIN, access
from coprod.transactions import back_to, refused_into

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _page() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


@blueprint.get("/")
@access(ADMIN)
def index():
    """What a site admin can do."""
    return render_template("admin/index.html")


@blueprint.get("/boards")
@access(ADMIN)
def boards():
    """All boards on this site."""
    return render_template("admin/boards.html", boards=services.all_boards())


@blueprint.route("/boards/new", methods=["GET", "POST"])
@access(ADMIN)
def new_board():
    """Start a new board."""
    form = BoardForm()
    if form.validate_on_submit():
        with refused_into(form, "slug"):
            board = services.create_board(name=form.name.data, slug=form.slug.data,
                                          about=form.about.data or "", by=current_user)
            flash(_("The board is made."), "success")
            return redirect(url_for("boards.board", slug=board.slug))
    return render_template("admin/new_board.html", form=form)


@blueprint.get("/people")
@access(ADMIN)
def people():
    """Everyone with an account."""
    page = _page()
    return render_template("admin/people.html", people=services.all_people(page=page), page=page,
                           role_labels=ROLE_LABELS)


def _person_page(person: User, role_form: AddRoleForm, status: int = 200):
    return render_template("admin/person.html", person=person, role_form=role_form,
                           role_labels=ROLE_LABELS), status


def _role_form() -> AddRoleForm:
    form = AddRoleForm()
    form.board.choices = choices((str(b.id), b.name) for b in services.all_boards())
    return form


@blueprint.get("/people/<int:user_id>")
@access(ADMIN)
def person(user_id: int):
    """One account: roles on boards, admin rights, on or off."""
    return _person_page(services.person_or_404(user_id), _role_form())


@blueprint.post("/people/<int:user_id>/roles")
@access(ADMIN)
def add_role(user_id: int):
    """Give a person a role on a board."""
    person = services.person_or_404(user_id)
    form = _role_form()
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    board = db.get_or_404(Board, int(form.board.data))
    services.add_role(person, board, Role(form.role.data), by=current_user)
    flash(_("The role is saved."), "success")
    return redirect(url_for("admin.person", user_id=user_id))


def _toggle(user_id: int, change, message: str):
    person = services.person_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("admin.person", user_id=user_id)
    back_to(back)  # a refusal (your own rights) is said there
    change(person)
    flash(message, "success")
    return redirect(back)


@blueprint.post("/people/<int:user_id>/admin")
@access(ADMIN)
def toggle_admin(user_id: int):
    """Give or take away site admin rights."""
    return _toggle(user_id, lambda p: services.set_admin(p, not p.is_admin, by=current_user),
                   _("Admin rights are changed."))


@blueprint.post("/people/<int:user_id>/disable")
@access(ADMIN)
def toggle_disabled(user_id: int):
    """Turn an account off (it is signed out everywhere) or back on."""
    return _toggle(user_id, lambda p: services.set_disabled(p, p.is_active, by=current_user),
                   _("The account is changed."))


@blueprint.get("/audit")
@access(ADMIN)
def audit_log():
    """Who did what and when: sign-ins, roles, cards, help."""
    page = _page()
    return render_template("admin/audit.html", events=services.audit_page(page=page), page=page)
