"""A board's home page, and the secretary's pages for the people on it."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from coprod import submissions
from coprod.accounts import services as accounts
from coprod.boards import services
from coprod.boards.todo import todo_for
from coprod.boards.forms import ROLE_EXPLAINED, ROLE_LABELS, PersonForm, RoleForm
from coprod.extensions import db
from coprod.models import Board, Membership, Role
from coprod.check_step import Check, check_page, isolated
from coprod.permissions import PUBLIC, access, board_roles
from coprod.transactions import refused_into

blueprint = Blueprint("boards", __name__, url_prefix="/boards")

SECRETARY = board_roles(Role.SECRETARY)


def _membership_or_404(user_id: int) -> Membership:
    membership = services.membership_for(g.board, user_id)
    if membership is None or not services.may_manage(membership, current_user):
        abort(404)
    return membership


@blueprint.get("/<slug>")
@access(PUBLIC)
def board(slug: str):
    """A board's own page: what it is for, and what you can do here."""
    found = db.session.scalar(select(Board).where(Board.slug == slug))
    if found is None:
        abort(404)
    g.board = found
    role = current_user.role_on(found) if current_user.is_authenticated else None
    secretary = current_user.is_authenticated and (current_user.is_admin or role == Role.SECRETARY)
    return render_template("boards/board.html", board=found, role=role, role_labels=ROLE_LABELS,
                           todo=todo_for([found.id])[found.id] if secretary else None)


@blueprint.get("/<slug>/people")
@access(SECRETARY)
def people(slug: str):
    """Everyone on the board, with their role."""
    return render_template("boards/people.html", memberships=services.people_on(g.board),
                           role_labels=ROLE_LABELS)


@blueprint.route("/<slug>/people/new", methods=["GET", "POST"])
@access(SECRETARY)
def add_person(slug: str):
    """Add a person to the board and choose what they do."""
    form = PersonForm()
    if form.validate_on_submit():
        with refused_into(form, "email"):
            user = services.add_person(g.board, name=form.name.data, email=form.email.data,
                                       role=Role(form.role.data), by=current_user)
            flash(_("%(name)s is on the board now. Make a login card for them next.", name=user.name), "success")
            return redirect(url_for("boards.person", slug=slug, user_id=user.id))
    return render_template("boards/add_person.html", form=form, role_labels=ROLE_LABELS,
                           role_explained=ROLE_EXPLAINED)


def _person_page(membership: Membership, role_form: RoleForm, status: int = 200):
    return render_template("boards/person.html", membership=membership, person=membership.user,
                           cards=services.cards_of(membership.user), role_form=role_form,
                           role_labels=ROLE_LABELS, role_explained=ROLE_EXPLAINED), status


@blueprint.get("/<slug>/people/<int:user_id>")
@access(SECRETARY)
def person(slug: str, user_id: int):
    """One person: their role and their login cards."""
    membership = _membership_or_404(user_id)
    return _person_page(membership, RoleForm(role=membership.role.value))


@blueprint.post("/<slug>/people/<int:user_id>/role")
@access(SECRETARY)
def change_role(slug: str, user_id: int):
    """Give a person a different role on this board (recorded in the audit log)."""
    membership = _membership_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        with refused_into(form, "role"):
            services.change_role(membership, Role(form.role.data), by=current_user)
            flash(_("The role is changed."), "success")
            return redirect(url_for("boards.person", slug=slug, user_id=user_id))
    return _person_page(membership, form, 400)


@blueprint.post("/<slug>/people/<int:user_id>/cards")
@access(SECRETARY)
def new_card(slug: str, user_id: int):
    """Make a login card and show it for printing. Its secrets are shown only now."""
    membership = _membership_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    issued = accounts.issue_card(membership.user, by=current_user, board=g.board)
    # The card's secrets are shown only now: the same form sent again makes no second card.
    submissions.shown_once(url_for("boards.person", slug=slug, user_id=user_id))
    site = current_app.config["PUBLIC_URL"].rstrip("/")
    link = site + issued.path
    qr = segno.make(link, error="m")
    return render_template(
        "boards/card.html", person=membership.user, issued=issued, link=link,
        code_url=site + url_for("accounts.sign_in_code"),
        qr_data_uri=qr.svg_data_uri(scale=6, border=2, dark="#000", light="#fff"),
    )


@blueprint.route("/<slug>/people/<int:user_id>/cards/<int:card_id>/revoke", methods=["GET", "POST"])
@access(SECRETARY)
def revoke_card(slug: str, user_id: int, card_id: int):
    """Stop a login card working (lost or stolen), after a check page: a stopped card cannot work
    again. Anyone signed in with it is signed out."""
    membership = _membership_or_404(user_id)
    card = services.card_of(membership.user, card_id)
    if card is None:
        abort(404)
    if request.method == "GET":
        return check_page(Check(
            title=_("Stop this card?"), confirm=_("Yes, stop this card"), picture="stop",
            back=url_for("boards.person", slug=slug, user_id=user_id),
            points=[("people", isolated(_("The card is for: %(name)s"), name=membership.user.name)),
                    ("stop", _("After this, the card does not work. Anyone using it is signed out.")),
                    ("warning", _("You cannot undo this. You can make a new card."))]))
    if not FlaskForm().validate_on_submit():
        abort(400)
    accounts.revoke_card(card, by=current_user, board=g.board)
    flash(_("The card does not work any more. Anyone using it is signed out."), "success")
    return redirect(url_for("boards.person", slug=slug, user_id=user_id))
