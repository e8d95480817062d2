"""Check-in on the day: the secretary's tablet marks who is here (a card's square picture scanned with
the camera, its short code typed, or a name tapped), and can undo a mistake. Routes on the meetings
blueprint (imported at the end of coprod/meetings/views.py). Rules in coprod/meetings/checkin.py.

Nothing here signs anyone in: the tablet stays signed in as the secretary."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import paging
from coprod.accounts import services as accounts
from coprod.accounts import throttle
from coprod.meetings import checkin
from coprod.meetings.forms import CheckInCodeForm, CheckInScanForm
from coprod.meetings.views import SECRETARY, _meeting_or_404, blueprint
from coprod.permissions import access
from coprod.transactions import back_to, keep_changes, refused_into


def _here_url(slug: str, meeting_id: int, anchor: str | None = None) -> str:
    return url_for("meetings.check_in", slug=slug, meeting_id=meeting_id, _anchor=anchor)


def _page(meeting, *, code_form=None, refusal: str | None = None, status: int = 200):
    total = checkin.board_size(g.board)
    return render_template(
        "meetings/check_in.html", meeting=meeting, code_form=code_form or CheckInCodeForm(),
        scan_form=CheckInScanForm(), refusal=refusal, open=checkin.may_check_in(meeting),
        quorum=checkin.quorum(meeting, g.board),
        people=checkin.people_page(meeting, g.board, total, number=paging.page_number())), status


def _said_here(done: checkin.Done) -> None:
    if done.already:
        flash(_("%(name)s is already checked in.", name=done.person.name), "info")
    else:
        flash(_("%(name)s is here. They are checked in.", name=done.person.name), "success")


@blueprint.get("/<int:meeting_id>/check-in")
@access(SECRETARY)
def check_in(slug: str, meeting_id: int):
    """The secretary's check-in page: how many are here and the quorum, the camera (with JavaScript),
    the typed code, and the board's people to tap."""
    return _page(_meeting_or_404(meeting_id))


@blueprint.post("/<int:meeting_id>/check-in/scan")
@access(SECRETARY)
def check_in_scan(slug: str, meeting_id: int):
    """What the camera read from a login card: the person is marked here. No sign-in is made."""
    found = _meeting_or_404(meeting_id)
    form = CheckInScanForm()
    if not form.validate_on_submit():
        abort(400)
    with refused_into() as refused:
        _said_here(checkin.check_in_scanned(found, g.board, form.scanned.data or "", by=current_user))
        return redirect(_here_url(slug, meeting_id))
    return _page(found, refusal=refused.message, status=400)


@blueprint.post("/<int:meeting_id>/check-in/code")
@access(SECRETARY)
def check_in_code(slug: str, meeting_id: int):
    """The short code typed from a login card: the person is marked here. No sign-in is made.
    Wrong codes count towards the same wait as wrong codes at sign-in (codes are short)."""
    found = _meeting_or_404(meeting_id)
    form = CheckInCodeForm()
    if form.validate_on_submit():
        try:
            accounts.check_code_throttle()
        except accounts.TooManyAttempts as error:
            form.code.errors.append(throttle.too_many_message(error)
                                    + " " + _("Scan the card's square picture, or tap their name."))
            return _page(found, code_form=form, status=429)
        with refused_into(form, field="code"):
            _said_here(checkin.check_in_code(found, g.board, form.code.data, by=current_user))
            return redirect(_here_url(slug, meeting_id))
        if accounts.card_in_any_state(code=form.code.data) is None:
            accounts.note_code_failure()
            keep_changes()
    return _page(found, code_form=form, status=400)


@blueprint.post("/<int:meeting_id>/check-in/people/<int:user_id>")
@access(SECRETARY)
def check_in_person(slug: str, meeting_id: int, user_id: int):
    """A name tapped on the board's list (for someone without their card): they are marked here."""
    found = _meeting_or_404(meeting_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back_to(_here_url(slug, meeting_id))
    _said_here(checkin.check_in_person(found, g.board, user_id, by=current_user))
    return redirect(_here_url(slug, meeting_id, f"person-{user_id}"))


@blueprint.post("/<int:meeting_id>/check-in/people/<int:user_id>/undo")
@access(SECRETARY)
def check_in_undo(slug: str, meeting_id: int, user_id: int):
    """Undo a check-in made by mistake."""
    found = _meeting_or_404(meeting_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back_to(_here_url(slug, meeting_id))
    person = checkin.undo(found, g.board, user_id, by=current_user)
    flash(_("%(name)s is not checked in now.", name=person.name), "success")
    return redirect(_here_url(slug, meeting_id, f"person-{user_id}"))
