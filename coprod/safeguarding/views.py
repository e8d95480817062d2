"""The safeguarding lead's pages, the board's choice of lead, and what the lead does (easy read).
Thin: the rules are in services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod import paging
from coprod.forms import choices
from coprod.models import Role
from coprod.permissions import SAFEGUARDING_LEAD, access, board_roles
from coprod.questions import recordings
from coprod.safeguarding import services
from coprod.safeguarding.forms import LeadForm, NoteForm
from coprod.transactions import keep_changes, refused_into

blueprint = Blueprint("safeguarding", __name__)

SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)
CONCERNS_PAGE_SIZE = 25


@blueprint.get("/boards/<slug>/safeguarding")
@access(ON_THE_BOARD)
def about(slug: str):
    """What the safeguarding lead does, in easy read, and who it is on this board."""
    return render_template("safeguarding/about.html", board=g.board, lead=services.lead_of(g.board))


@blueprint.route("/boards/<slug>/safeguarding/lead", methods=["GET", "POST"])
@access(SECRETARY)
def choose_lead(slug: str):
    """The board's secretary (or a site admin) names the safeguarding lead."""
    people = services.lead_choices(g.board)
    form = LeadForm()
    form.lead.choices = choices([("none", _("Nobody yet"))] + [(str(p.id), p.name) for p in people])
    if request.method == "GET":
        form.lead.data = str(g.board.safeguarding_lead_id or "none")
    if form.validate_on_submit():
        chosen = next((p for p in people if str(p.id) == form.lead.data), None)
        with refused_into(form, "lead"):
            services.set_lead(g.board, chosen, by=current_user)
            flash(_("The safeguarding lead is saved.") if chosen else _("The board has no safeguarding lead now."),
                  "success")
            return redirect(url_for("safeguarding.choose_lead", slug=slug))
    return render_template("safeguarding/lead.html", board=g.board, form=form,
                           lead=services.lead_of(g.board)), 400 if form.errors else 200


@blueprint.get("/safeguarding")
@access(SAFEGUARDING_LEAD)
def concerns():
    """The concerns of the boards this person is the lead of (a site admin: every board's)."""
    page, still_open = services.concerns_page(current_user, CONCERNS_PAGE_SIZE, paging.page_number())
    return render_template("safeguarding/concerns.html", page=page, still_open=still_open)


def _concern_or_404(concern_id: int):
    concern = services.concern_for(current_user, concern_id)
    if concern is None:
        abort(404)
    return concern


def _concern_page(concern, form: NoteForm, status: int = 200):
    services.seen(concern, by=current_user)
    return render_template("safeguarding/concern.html", concern=concern, question=concern.question,
                           person=concern.person, form=form, raised_by=services.raised_by(concern)), status


@blueprint.get("/safeguarding/<int:concern_id>")
@access(SAFEGUARDING_LEAD)
def concern(concern_id: int):
    """One concern: the question, who asked and how to reach them, what was done. Every look is audited."""
    found = _concern_or_404(concern_id)
    return _concern_page(found, NoteForm(formdata=None, state="open" if found.is_open else "closed"))


@blueprint.post("/safeguarding/<int:concern_id>/notes")
@access(SAFEGUARDING_LEAD)
def add_note(concern_id: int):
    """Record what was done, and whether it is dealt with."""
    found = _concern_or_404(concern_id)
    form = NoteForm()
    if form.validate_on_submit():
        with refused_into(form, "note"):
            services.add_note(found, form.note.data or "", close=form.state.data == "closed", by=current_user)
            flash(_("Saved."), "success")
            return redirect(url_for("safeguarding.concern", concern_id=concern_id))
    # The form again with its message: the look is audited (and kept, although the answer is 400).
    response = _concern_page(found, form, 400)
    keep_changes()
    return response


@blueprint.get("/safeguarding/<int:concern_id>/recording")
@access(SAFEGUARDING_LEAD)
def recording(concern_id: int):
    """A spoken question, for the lead (and site admins) only."""
    question = services.recording_for(current_user, concern_id)
    if question is None or not question.audio_name:
        abort(404)
    return recordings.send(question.audio_name, f"question-{question.id}.mp3")
