"""Meetings: the easy-read agenda, minutes and "Next meeting" for everyone, and the secretary's
pages to plan meetings and build agendas. Thin: rules in services."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod.content import services as content
from coprod.easyread import review as easyread
from coprod.follow.queries import came_back
from coprod.forms import choices
from coprod import paging, times
from coprod.meetings import services
from coprod.meetings.forms import (STATUS_LABELS, STATUS_PICTURES, AgendaItemForm, MeetingForm, MoveForm,
                                   StatusForm, minutes_form)
from coprod.models import MeetingStatus, Role, utcnow
from coprod.check_step import Check, check_page, isolated
from coprod.permissions import PUBLIC, access, board_roles, public_board_or_404
from coprod.pictures.forms import finding_pictures
from coprod.questions import services as questions
from coprod.transactions import back_to

# Calendars and access at the place.
from coprod.meetings import attendance, calendar, checkin
from coprod.meetings import pack_pdf as printed_pack
from coprod.payments import services as payments
from coprod.meetings.forms import ANSWERS
from coprod.models.meeting import ACCESS_FIELDS

blueprint = Blueprint("meetings", __name__, url_prefix="/boards/<slug>/meetings")

SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)


def _meeting_or_404(meeting_id: int):
    meeting = services.meeting_on(g.board, meeting_id)
    if meeting is None:
        abort(404)
    return meeting



def _published_meeting_or_404(slug: str, meeting_id: int):
    """The agenda is public once published; before that only the secretary sees the draft."""
    board = public_board_or_404(slug)
    meeting = _meeting_or_404(meeting_id)
    if not meeting.agenda_is_public and not services.may_manage(board, current_user):
        abort(404)
    return meeting


# ---- for everyone -------------------------------------------------------------------------------

# What came back to the board: a board can have hundreds (253 records at national size), so the agenda
# and the secretary's page show the most late first and say how many more; the printed pack a few more;
# the came-back page all of them, a page at a time.
CAME_BACK_SHOWN = 10
CAME_BACK_PRINTED = 20
CAME_BACK_PAGE_SIZE = 25
# Past meetings on one page of the meetings list (a board meets for years).
MEETINGS_PAGE_SIZE = 25


def _with_versions(meeting, shown: int = CAME_BACK_SHOWN) -> tuple[dict, paging.Page]:
    """The proposals under each item and the first of what came back to the board; the versions of
    all the items, proposals and records on the page read in one query."""
    proposals = services.proposals_by_item(meeting)
    back = came_back(meeting, shown)
    content.load(*meeting.items, *(p for listed in proposals.values() for p in listed), *(e.record for e in back.items))
    return proposals, back


@blueprint.get("")
@access(PUBLIC)
def index(slug: str):
    """The board's meetings: coming and past, with their agendas and minutes (the public record)."""
    board = public_board_or_404(slug)
    manager = services.may_manage(board, current_user)
    coming, past = services.meetings_split(board, drafts=manager, now=utcnow(), per_page=MEETINGS_PAGE_SIZE)
    return render_template("meetings/index.html", coming=coming, past=past.items, page=past,
                           manager=manager, status_labels=STATUS_LABELS)


@blueprint.get("/next")
@access(ON_THE_BOARD)
def next_meeting(slug: str):
    """The next meeting: when, where, what it is about, how to ask, and by when."""
    meeting = services.next_meeting(g.board)
    now = utcnow()
    return render_template("meetings/next.html", meeting=meeting, now=now,
                           coming=attendance.block_for_page(meeting) if meeting is not None else None,
                           taking=meeting is not None and services.takes_questions(meeting, now),
                           any_taking=bool(questions.meetings_taking_questions(g.board, now)))


@blueprint.get("/<int:meeting_id>")
@access(PUBLIC)
def meeting(slug: str, meeting_id: int):
    """The easy-read agenda, with the proposals to vote on; the minutes once published."""
    found = _published_meeting_or_404(slug, meeting_id)
    proposals, back = _with_versions(found)
    manager = services.may_manage(g.board, current_user)
    my_answer, my_check_in, my_claim, check_in_used = checkin.mine(found, current_user)
    came = payments.Came(said_coming=my_answer.coming if my_answer is not None else None,
                         checked_in=my_check_in is not None, check_in_used=check_in_used)
    return render_template("meetings/meeting.html", meeting=found, proposals=proposals,
                           coming=attendance.block_for_page(found, my_answer),
                           was_there=checkin.for_minutes(found, g.board, names=manager)
                           if found.minutes_are_public or (manager and found.is_over) else None,
                           my_check_in=my_check_in,
                           # A meeting that happened: the payment for coming (coprod/payments).
                           payment=payments.block_for_page(found, came, my_claim),
                           manager=manager,
                           taking=services.takes_questions(found),
                           questions=questions.on_the_agenda(found), came_back=back)


@blueprint.get("/<int:meeting_id>/pack")
@access(PUBLIC)
def pack(slug: str, meeting_id: int):
    """The meeting pack to print: large type, pictures, and space for notes."""
    found = _published_meeting_or_404(slug, meeting_id)
    proposals, back = _with_versions(found, CAME_BACK_PRINTED)
    return render_template("meetings/pack.html", meeting=found, proposals=proposals,
                           questions=questions.on_the_agenda(found), came_back=back, printed=True)


def pack_document(slug: str, meeting_id: int) -> str:
    """The printed pack's page, for a PDF: here, and in the letters that post it (coprod/reminders/letters.py)."""
    found = _published_meeting_or_404(slug, meeting_id)
    proposals, back = _with_versions(found, CAME_BACK_PRINTED)
    return render_template("meetings/pack.html", meeting=found, proposals=proposals,
                           questions=questions.on_the_agenda(found), came_back=back, printed=True)


@blueprint.get("/<int:meeting_id>/pack.pdf")
@access(PUBLIC)
def pack_pdf(slug: str, meeting_id: int):
    """The meeting pack as a PDF, `?print=standard` or `?print=large`."""
    size = request.args.get("print", "standard")
    if size not in printed_pack.PRINT_SIZES:
        abort(404)

    def make() -> bytes:  # everything read after the cache's stamp (see coprod/public_cache.py)
        return printed_pack.render(pack_document(slug, meeting_id), size)

    pdf = printed_pack.cached(slug, meeting_id, size, make)
    name = f"meeting-pack-{meeting_id}{'-large-print' if size == 'large' else ''}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.get("/<int:meeting_id>/came-back")
@access(PUBLIC)
def came_back_list(slug: str, meeting_id: int):
    """Everything that came back to the board for this meeting, a page at a time, the most late
    first. The secretary sees what people said and can put each on the agenda."""
    found = _published_meeting_or_404(slug, meeting_id)
    manager = services.may_manage(g.board, current_user)
    page = came_back(found, CAME_BACK_PAGE_SIZE, None)
    content.load(*(entry.record for entry in page.items))
    return render_template("meetings/came_back.html", meeting=found, page=page, manager=manager)


# ---- the secretary ------------------------------------------------------------------------------

@blueprint.get("/manage")
@access(SECRETARY)
def manage_index(slug: str):
    """All the board's meetings, drafts too, for the secretary."""
    page = services.meetings_page(g.board, per_page=MEETINGS_PAGE_SIZE)
    return render_template("meetings/manage_index.html", meetings=page.items, page=page,
                           status_labels=STATUS_LABELS, status_pictures=STATUS_PICTURES)


def _meeting_fields(form: MeetingForm, *, was=None) -> dict | None:
    """The form's values in UTC, or None after putting easy-read messages next to the fields."""
    starts = times.to_utc(form.starts.data)
    if was is not None and was.starts_dt.replace(second=0, microsecond=0) == starts:
        starts = was.starts_dt  # the form shows minutes only: unchanged is unchanged
    fields = {
        "title": form.title.data, "about": form.about.data or "", "starts_dt": starts,
        "ends_dt": times.at_local_time(starts, form.ends.data) if form.ends.data else None,
        "place": form.place.data, "place_notes": form.place_notes.data or "",
        "place_picture": form.place_picture.data, "online_url": form.online_url.data or None,
        "question_deadline_dt": times.to_utc(form.question_deadline.data),
        **{name: ANSWERS[form[name].data] for name in ACCESS_FIELDS},
    }
    problems = services.check_times(
        starts_dt=starts, ends_dt=fields["ends_dt"], question_deadline_dt=fields["question_deadline_dt"],
        now=utcnow(), starts_changed=was is None or was.starts_dt != starts)
    for name, message in problems.items():
        form[name].errors.append(message)
    return None if problems else fields


def _meeting_findings(form: MeetingForm) -> list:
    """The easy-read check on what members read about the meeting (the address is not checked)."""
    return easyread.review(form.title.data, form.about.data, form.place_notes.data)


@blueprint.route("/new", methods=["GET", "POST"])
@access(SECRETARY)
def new_meeting(slug: str):
    """Plan a meeting: when, where, and the deadline for questions."""
    form = MeetingForm()
    findings: list = []
    if not finding_pictures() and form.validate_on_submit() and (fields := _meeting_fields(form)):
        findings = _meeting_findings(form)
        if not easyread.hold_back(form, findings):
            made = services.create_meeting(g.board, by=current_user, **fields)
            easyread.record_if_saved_anyway(findings, target=made, board=g.board, by=current_user)
            flash(_("The meeting is planned. Now add the agenda items."), "success")
            return redirect(url_for("meetings.manage", slug=slug, meeting_id=made.id))
    return render_template("meetings/meeting_form.html", form=form, meeting=None, findings=findings)


@blueprint.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@access(SECRETARY)
def edit_meeting(slug: str, meeting_id: int):
    """Change the meeting's time, place or question deadline."""
    found = _meeting_or_404(meeting_id)
    form = MeetingForm()
    if request.method == "GET":
        form.process(obj=found, starts=times.form_value(found.starts_dt),
                     ends=times.form_value(found.ends_dt).time() if found.ends_dt else None,
                     question_deadline=times.form_value(found.question_deadline_dt))
    findings: list = []
    if not finding_pictures() and form.validate_on_submit() and (fields := _meeting_fields(form, was=found)):
        findings = _meeting_findings(form)
        if not easyread.hold_back(form, findings):
            services.update_meeting(found, by=current_user, **fields)
            easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.manage", slug=slug, meeting_id=meeting_id))
    return render_template("meetings/meeting_form.html", form=form, meeting=found, findings=findings)


@blueprint.get("/<int:meeting_id>/manage")
@access(SECRETARY)
def manage(slug: str, meeting_id: int):
    """One meeting for the secretary: its status, its agenda items in order, and the minutes."""
    found = _meeting_or_404(meeting_id)
    form = StatusForm(status=found.status.value)
    return render_template("meetings/manage.html", meeting=found, form=form, status_labels=STATUS_LABELS,
                           status_pictures={s.value: p for s, p in STATUS_PICTURES.items()},
                           proposals=services.proposals_by_item(found),
                           waiting=questions.stats(found, staff=True), came_back=_came_back_loaded(found),
                           taking=services.takes_questions(found), reopen_form=FlaskForm())


@blueprint.post("/<int:meeting_id>/status")
@access(SECRETARY)
def change_status(slug: str, meeting_id: int):
    """Open questions, publish the agenda, say the meeting happened, publish the minutes."""
    found = _meeting_or_404(meeting_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return render_template("meetings/manage.html", meeting=found, form=form, status_labels=STATUS_LABELS,
                               status_pictures={s.value: p for s, p in STATUS_PICTURES.items()},
                               proposals=services.proposals_by_item(found),
                               waiting=questions.stats(found, staff=True), came_back=_came_back_loaded(found),
                               taking=services.takes_questions(found), reopen_form=FlaskForm()), 400
    status = MeetingStatus(form.status.data)
    back = url_for("meetings.manage", slug=slug, meeting_id=meeting_id)
    back_to(back)  # a refusal is said on the meeting's page
    services.set_status(found, status, by=current_user)
    flash(_("Saved. The meeting is now: %(status)s.", status=STATUS_LABELS[status]), "success")
    return redirect(back)


@blueprint.route("/<int:meeting_id>/stop-questions", methods=["GET", "POST"])
@access(SECRETARY)
def stop_questions(slug: str, meeting_id: int):
    """Stop taking questions before the deadline: a check page first (it says how many questions
    are still waiting), then the button. Works without JavaScript. Can be undone."""
    found = _meeting_or_404(meeting_id)
    form = FlaskForm()
    back = url_for("meetings.manage", slug=slug, meeting_id=meeting_id)
    if not services.takes_questions(found):
        flash(_("This meeting is not taking questions now."), "info")
        return redirect(back)
    if form.validate_on_submit():
        back_to(back)
        services.stop_questions(found, by=current_user)
        flash(_("Questions for this meeting are stopped. Nobody can send a new one."), "success")
        return redirect(back)
    return render_template("meetings/stop_questions.html", meeting=found, form=form,
                           unhandled=services.unhandled(found)), 400 if request.method == "POST" else 200


@blueprint.post("/<int:meeting_id>/reopen-questions")
@access(SECRETARY)
def reopen_questions(slug: str, meeting_id: int):
    """Take questions again after stopping them early (until the deadline)."""
    found = _meeting_or_404(meeting_id)
    back = url_for("meetings.manage", slug=slug, meeting_id=meeting_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back_to(back)
    services.reopen_questions(found, by=current_user)
    flash(_("The meeting is taking questions again."), "success")
    return redirect(back)


def _came_back_loaded(meeting) -> paging.Page:
    back = came_back(meeting, CAME_BACK_SHOWN)
    content.load(*(entry.record for entry in back.items))
    return back


def _item_form(item=None, formdata=None) -> AgendaItemForm:
    form = AgendaItemForm(formdata=formdata) if formdata is not None else AgendaItemForm()
    form.proposal.choices = choices([("", _("No proposal"))] + [
        (str(p.id), p.title) for p in services.proposals_to_link(g.board)])
    return form


def _item_fields(form: AgendaItemForm, meeting) -> dict | None:
    starts_after = None
    if form.starts.data:
        starts_after = round((times.at_local_time(meeting.starts_dt, form.starts.data)
                              - meeting.starts_dt).total_seconds() / 60)
        if starts_after < 0:
            form.starts.errors.append(_("The meeting starts at %(time)s. Choose that time or later.",
                                        time=times.easy_time(meeting.starts_dt)))
            return None
    return {"title": form.title.data, "summary": form.summary.data or "", "picture": form.picture.data,
            "presenter": form.presenter.data or "", "starts_after_minutes": starts_after,
            "length_minutes": int(form.length.data) if form.length.data else None,
            "proposal_id": int(form.proposal.data) if form.proposal.data else None}


@blueprint.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@access(SECRETARY)
def new_item(slug: str, meeting_id: int):
    """Add an item to the agenda. It goes at the end; move it with the up and down buttons."""
    found = _meeting_or_404(meeting_id)
    form = _item_form()
    findings = []
    if not finding_pictures() and form.validate_on_submit() and (fields := _item_fields(form, found)):
        findings = easyread.review(form.title.data, form.summary.data)
        if not easyread.hold_back(form, findings):
            item = services.add_item(found, by=current_user, **fields)
            easyread.record_if_saved_anyway(findings, target=item, board=g.board, by=current_user)
            flash(_("The item is on the agenda."), "success")
            return redirect(url_for("meetings.manage", slug=slug, meeting_id=meeting_id))
    return render_template("meetings/item_form.html", form=form, meeting=found, item=None, findings=findings)


def _item_or_404(meeting, item_id: int):
    item = services.item_on(meeting, item_id)
    if item is None:
        abort(404)
    return item


@blueprint.route("/<int:meeting_id>/items/<int:item_id>", methods=["GET", "POST"])
@access(SECRETARY)
def edit_item(slug: str, meeting_id: int, item_id: int):
    """Change an agenda item."""
    found = _meeting_or_404(meeting_id)
    item = _item_or_404(found, item_id)
    form = _item_form()
    if request.method == "GET":
        starts, _ends = item.slot(found.starts_dt)
        linked = services.linked_proposal_id(item)
        form.process(obj=item, starts=times.form_value(starts).time() if starts else None,
                     length=str(item.length_minutes or ""), proposal=str(linked) if linked else "")
    findings = []
    if not finding_pictures() and form.validate_on_submit() and (fields := _item_fields(form, found)):
        findings = easyread.review(form.title.data, form.summary.data)
        if not easyread.hold_back(form, findings):
            services.update_item(found, item, by=current_user, **fields)
            easyread.record_if_saved_anyway(findings, target=item, board=g.board, by=current_user)
            flash(_("The item is saved."), "success")
            return redirect(url_for("meetings.manage", slug=slug, meeting_id=meeting_id))
    return render_template("meetings/item_form.html", form=form, meeting=found, item=item, findings=findings)


@blueprint.post("/<int:meeting_id>/items/<int:item_id>/move")
@access(SECRETARY)
def move_item(slug: str, meeting_id: int, item_id: int):
    """Move an item up or down the agenda (buttons: no dragging needed)."""
    found = _meeting_or_404(meeting_id)
    item = _item_or_404(found, item_id)
    form = MoveForm()
    back = url_for("meetings.manage", slug=slug, meeting_id=meeting_id, _anchor=f"item-{item_id}")
    if not form.validate_on_submit():
        flash(_("Choose up or down."), "error")
        return redirect(back)
    back_to(back)  # a refusal (the first item cannot go up) is said beside the item
    services.move_item(found, item, form.direction.data, by=current_user)
    flash(_("The item is moved."), "success")
    return redirect(back)


@blueprint.route("/<int:meeting_id>/items/<int:item_id>/remove", methods=["GET", "POST"])
@access(SECRETARY)
def remove_item(slug: str, meeting_id: int, item_id: int):
    """Take an item off the agenda (after a check page: it cannot be put back)."""
    found = _meeting_or_404(meeting_id)
    item = _item_or_404(found, item_id)
    if request.method == "GET":
        return check_page(Check(
            title=_("Take this item off the agenda?"), confirm=_("Yes, take it off the agenda"), picture="stop",
            back=url_for("meetings.edit_item", slug=slug, meeting_id=meeting_id, item_id=item_id),
            points=[("talk", isolated(_("The item is: %(title)s"), title=item.title)),
                    ("question", _("Its questions go back to the list of questions to look at.")),
                    ("warning", _("You cannot undo this. To have it again, add a new item."))]))
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.remove_item(found, item, by=current_user)
    flash(_("The item is off the agenda."), "success")
    return redirect(url_for("meetings.manage", slug=slug, meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@access(SECRETARY)
def minutes(slug: str, meeting_id: int):
    """Write what happened under each item, in easy read."""
    found = _meeting_or_404(meeting_id)
    form = minutes_form(found.items)
    if request.method == "GET":
        form.process(data={f"minutes_{item.id}": item.minutes_text for item in found.items})
    findings: list = []
    if form.validate_on_submit():
        texts = {item.id: form[f"minutes_{item.id}"].data or "" for item in found.items}
        findings = easyread.review(*texts.values())
        if not easyread.hold_back(form, findings):
            services.save_minutes(found, texts, by=current_user)
            easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
            flash(_("The minutes are saved. Publish them when they are ready."), "success")
            return redirect(url_for("meetings.manage", slug=slug, meeting_id=meeting_id))
    return render_template("meetings/minutes.html", form=form, meeting=found, findings=findings)


# ---- calendars ----------------------------------------------------------------------------------

@blueprint.get("/calendar.ics")
@access(PUBLIC)
def calendar_feed(slug: str):
    """The board's published meetings as a calendar feed (iCalendar) that a phone, tablet or
    calendar app can subscribe to. The same meetings as the public list, and only what their pages
    show: no personal data."""
    board = public_board_or_404(slug)
    body = calendar.board_feed(board, services.meetings_on(board, drafts=False))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{board.slug}-meetings.ics"'})


@blueprint.get("/<int:meeting_id>/calendar.ics")
@access(PUBLIC)
def meeting_calendar(slug: str, meeting_id: int):
    """"Add to my calendar": one meeting as a calendar file. Whoever may see the meeting's page."""
    found = _published_meeting_or_404(slug, meeting_id)
    return Response(calendar.one_meeting(found), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{found.id}.ics"'})


# ---- coming or not (its routes are on this blueprint) -------------------------------------------

from coprod.meetings import attendance_views  # noqa: E402,F401

# ---- papers for agenda items (their routes are on this blueprint) -------------------------------

from coprod.meetings import papers_views  # noqa: E402,F401

# ---- check-in on the day (its routes are on this blueprint) -------------------------------------

from coprod.meetings import checkin_views  # noqa: E402,F401
