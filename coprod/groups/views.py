"""The secretary's pages for self-advocacy groups."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod.check_step import Check, check_page, isolated
from coprod.forms import choices
from coprod.groups import services
from coprod.groups.forms import GroupForm, GroupMemberForm
from coprod.models import Role
from coprod.permissions import access, board_roles
from coprod.transactions import refused_into

blueprint = Blueprint("groups", __name__, url_prefix="/boards/<slug>/groups")

SECRETARY = board_roles(Role.SECRETARY)


def _group_or_404(group_id: int):
    group = services.group_on(g.board, group_id)
    if group is None:
        abort(404)
    return group


@blueprint.route("", methods=["GET", "POST"])
@access(SECRETARY)
def index(slug: str):
    """The board's self-advocacy groups, and a form to add one."""
    form = GroupForm()
    if form.validate_on_submit():
        with refused_into(form, "name"):
            group = services.create_group(g.board, form.name.data, by=current_user)
            flash(_("The group is made. Now add its members."), "success")
            return redirect(url_for("groups.group", slug=slug, group_id=group.id))
    return render_template("groups/index.html", groups=services.groups_on(g.board), form=form)


def _member_form(group) -> tuple[GroupMemberForm, list]:
    candidates = services.people_who_can_join(g.board, group)
    form = GroupMemberForm()
    form.person.choices = choices((str(p.id), p.name) for p in candidates)
    return form, candidates


@blueprint.route("/<int:group_id>", methods=["GET", "POST"])
@access(SECRETARY)
def group(slug: str, group_id: int):
    """One group: who is in it and who can send questions for it."""
    found = _group_or_404(group_id)
    form, candidates = _member_form(found)
    if form.validate_on_submit():
        person = next(p for p in candidates if str(p.id) == form.person.data)
        services.add_member(found, person, is_facilitator=form.is_facilitator.data, by=current_user)
        flash(_("%(name)s is in the group now.", name=person.name), "success")
        return redirect(url_for("groups.group", slug=slug, group_id=group_id))
    return render_template("groups/group.html", group=found, form=form, has_candidates=bool(candidates))


@blueprint.route("/<int:group_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@access(SECRETARY)
def remove_member(slug: str, group_id: int, member_id: int):
    """Take someone out of the group, after a check page that says what changes."""
    found = _group_or_404(group_id)
    back = url_for("groups.group", slug=slug, group_id=group_id)
    member = next((m for m in found.members if m.id == member_id), None)
    if request.method == "GET":
        if member is None:  # taken out already
            return redirect(back)
        points = [("person", isolated(_("The person is: %(name)s"), name=member.user.name)),
                  ("group", isolated(_("The group is: %(group)s"), group=found.name))]
        if member.is_facilitator:
            points.append(("question", _("They cannot send questions for the group after this.")))
        points += [("page", _("Questions that were sent already stay as they are.")),
                   ("came-back", _("You can add them to the group again."))]
        return check_page(Check(title=_("Take this person out of the group?"), confirm=_("Yes, take them out"),
                                picture="stop", back=back, points=points))
    if not FlaskForm().validate_on_submit():
        abort(400)
    if member is None:  # taken out already (sent twice, or by another secretary): what they wanted is so
        flash(_("They are not in the group now."), "success")
        return redirect(back)
    services.remove_member(found, member, by=current_user)
    flash(_("They are not in the group now."), "success")
    return redirect(url_for("groups.group", slug=slug, group_id=group_id))
