"""Site admin pages. Every view here is admin-only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from coprod import paging
from coprod.admin import services
from coprod.admin.forms import AddRoleForm, BoardForm, BoardSettingsForm
from coprod.boards.forms import ROLE_LABELS
from coprod.check_step import Check, check_page, isolated
from coprod.extensions import db
from coprod.forms import choices
from coprod.models import Board, Role, User
from coprod.permissions import ADMIN, access
from coprod.privacy import erasure
from coprod.transactions import back_to, refused_into

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


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


@blueprint.route("/boards/<slug>/settings", methods=["GET", "POST"])
@access(ADMIN)
def board_settings(slug: str):
    """A board's settings: what happens to an erased person's public questions, and the quorum."""
    board = db.first_or_404(select(Board).where(Board.slug == slug))
    form = BoardSettingsForm(data={"erased_questions": board.erased_questions,
                                   "quorum": str(board.quorum) if board.quorum else ""}
                             if request.method == "GET" else None)
    if form.validate_on_submit():
        services.set_board_settings(board, erased_questions=form.erased_questions.data,
                                    quorum=form.quorum_number, by=current_user)
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.board_settings", slug=slug))
    return render_template("admin/board_settings.html", board=board, form=form), 400 if form.errors else 200


@blueprint.get("/people")
@access(ADMIN)
def people():
    """Everyone with an account."""
    page = paging.page_number()
    return render_template("admin/people.html", people=services.all_people(page=page), page=page,
                           role_labels=ROLE_LABELS)


def _person_page(person: User, role_form: AddRoleForm, status: int = 200):
    from coprod.reminders import phone
    from coprod.reminders.services import choice_for

    # How they get reminders, with their numbers: admins see them (for a paper request, or a problem).
    return render_template("admin/person.html", person=person, role_form=role_form,
                           role_labels=ROLE_LABELS, reminders=choice_for(person.id), shown_phone=phone.shown), status


def _role_form() -> AddRoleForm:
    form = AddRoleForm()
    form.board.choices = choices((str(b.id), b.name) for b in services.all_boards())
    return form


@blueprint.get("/people/<int:user_id>")
@access(ADMIN)
def person(user_id: int):
    """One account: roles on boards, admin rights, on or off."""
    return _person_page(_erasable_or_404(user_id), _role_form())


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


@blueprint.route("/people/<int:user_id>/disable", methods=["GET", "POST"])
@access(ADMIN)
def toggle_disabled(user_id: int):
    """Turn an account off (it is signed out everywhere; after a check page) or back on (no check:
    it is what people want). `turn` says which, so a second send changes nothing."""
    turn = request.args.get("turn")
    if request.method == "GET":
        person = services.person_or_404(user_id)
        if not person.is_active:
            return redirect(url_for("admin.person", user_id=user_id))
        return check_page(Check(
            title=_("Turn this account off?"), confirm=_("Yes, turn the account off"), picture="stop",
            back=url_for("admin.person", user_id=user_id),
            action=url_for("admin.toggle_disabled", user_id=user_id, turn="off"),
            points=[("person", isolated(_("The person is: %(name)s"), name=person.name)),
                    ("sign-out", _("They are signed out on every tablet and phone.")),
                    ("stop", _("They cannot sign in until the account is turned back on.")),
                    ("came-back", _("You can turn it back on later."))]))

    def change(person: User) -> None:
        off = person.is_active if turn not in ("off", "on") else turn == "off"
        if off == person.is_active:  # sent twice, or by two admins: what is so already is not done again
            services.set_disabled(person, off, by=current_user)

    return _toggle(user_id, change, _("The account is changed."))


def _erasable_or_404(user_id: int) -> User:
    person = services.person_or_404(user_id)
    if not erasure.is_erasable(person):
        abort(404)
    return person


@blueprint.route("/people/<int:user_id>/erase", methods=["GET", "POST"])
@access(ADMIN)
def erase_person(user_id: int):
    """Erase a person (UK GDPR art. 17): first a page that says what will go, then the button."""
    person = db.get_or_404(User, user_id)
    if not erasure.is_erasable(person):
        flash(_("This person is erased."), "success")
        return redirect(url_for("admin.people"))
    form = FlaskForm()
    problem = None
    if person.id == current_user.id:
        problem = _("You cannot erase yourself here. Use My account.")
    else:
        try:
            erasure.check_may_erase(person, by=current_user)
        except erasure.CannotErase:
            problem = _("This is the only site admin. Make someone else an admin first.")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if problem is None and request.form.get("confirm") == "yes":
            erasure.erase(person.id, by=current_user)
            flash(_("The person is erased. Their votes still count."), "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/erase.html", person=person, form=form, problem=problem,
                           preview=erasure.preview(person)), 400 if problem and request.method == "POST" else 200


@blueprint.get("/audit")
@access(ADMIN)
def audit_log():
    """Who did what and when: sign-ins, roles, cards, help."""
    page = paging.page_number()
    return render_template("admin/audit.html", events=services.audit_page(page=page), page=page)


@blueprint.get("/removed")
@access(ADMIN)
def removed():
    """What was removed: the counts of each daily run that removed personal data past its time."""
    from coprod.privacy import retention

    return render_template("admin/removed.html", runs=retention.reports(), labels=retention.labels())
