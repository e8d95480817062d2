"""Coming or not: the person's answer for a meeting, and the secretary's list. Routes on the meetings
blueprint (imported at the end of coprod/meetings/views.py). Rules in coprod/meetings/attendance.py."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod import paging
from coprod.accounts import sessions
from coprod.meetings import attendance, services
from coprod.meetings.forms import COMING_LABELS, COMING_PICTURES, AttendanceForm
from coprod.meetings.views import ON_THE_BOARD, SECRETARY, _meeting_or_404, blueprint
from coprod.models.attendance import NEED_FLAGS, NEED_TEXTS
from coprod.permissions import access
from coprod.transactions import refused_into


@blueprint.route("/<int:meeting_id>/coming", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def coming(slug: str, meeting_id: int):
    """"Are you coming?": I am coming (with the support I need) or I can't come. Changeable until
    the meeting starts. `?answer=yes|no` chooses the answer (the two big buttons on the meeting page)."""
    found = _meeting_or_404(meeting_id)
    mine = attendance.answer_of(found, current_user)
    form = AttendanceForm()
    if request.method == "GET":
        if mine is not None:
            form.process(obj=mine, coming="yes" if mine.coming else "no")
        if request.args.get("answer") in COMING_LABELS:
            form.coming.data = request.args["answer"]
    refusal, status = None, 200
    if not attendance.may_answer(found):
        refusal = _("The meeting has started. You cannot change your answer now.")
    elif form.validate_on_submit():
        with refused_into(form) as refused:
            needs = {name: form[name].data for name in (*NEED_FLAGS, *NEED_TEXTS)}
            attendance.answer(found, current_user, coming=form.coming.data == "yes", needs=needs,
                              sign_in=sessions.current())
            flash(_("Thank you. We saved your answer.") + " " + (
                _("You said you are coming.") if form.coming.data == "yes" else _("You said you can't come.")),
                "success")
            return redirect(url_for("meetings.coming", slug=slug, meeting_id=meeting_id))
        refusal, status = refused.message, 400
    elif request.method == "POST":
        status = 400
    return render_template("meetings/coming.html", meeting=found, form=form, mine=mine, refusal=refusal,
                           coming_pictures=COMING_PICTURES), status


@blueprint.get("/<int:meeting_id>/attendance")
@access(SECRETARY)
def attendance_list(slug: str, meeting_id: int):
    """For the secretary: who is coming, who sent apologies and every access need, with counts; a page
    of 50 at a time; prints cleanly."""
    found = _meeting_or_404(meeting_id)
    counts = attendance.counts(found)
    page = attendance.answers_page(found, counts.coming + counts.apologies,
                                   number=paging.page_number())
    return render_template("meetings/attendance.html", meeting=found, counts=counts, page=page,
                           manager=services.may_manage(g.board, current_user),
                           need_words=attendance.NEED_WORDS, need_pictures=attendance.NEED_PICTURES)


