""""You said, we did": the public tracker, record pages, dashboard and open data; feedback and
following for people on the board; writing records and actions for commissioners and secretaries.
Thin: rules in services, reading in queries, open-data files in exports and feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import paging, topics
from coprod.accounts import sessions, way_in
from coprod.content import services as content
from coprod.easyread import review as easyread
from coprod.extensions import db
from coprod.follow import open_files, queries, services
from coprod.follow.forms import (STATUS_LABELS, STATUS_PICTURES, ActionDateForm, ActionForm, ActionStepForm, FeedbackForm,
                                 RecordForm, RemoveActionForm)
from coprod.forms import choices
from coprod.meetings import services as meetings
from coprod.models import ActionStatus, Feeling, Role
from coprod.models.follow import Feedback
from coprod.check_step import Check, check_page, isolated
from coprod.permissions import PUBLIC, SIGNED_IN, access, board_roles, public_board_or_404
from coprod.pictures.forms import finding_pictures
from coprod.questions import recordings
from coprod.transactions import back_to, refused_into
from coprod.votes import services as votes

blueprint = Blueprint("follow", __name__)

WRITERS = board_roles(Role.SECRETARY, Role.COMMISSIONER)
SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)
BASE = "/boards/<slug>/said-did"


def _record_or_404(record_id: int, *, drafts: bool | None = None):
    """The record, only if it is this board's; a draft only for the people who write them."""
    record = services.record_on(g.board, record_id)
    if drafts is None:
        drafts = services.may_write(g.board, current_user)
    if record is None or (not record.is_published and not drafts):
        abort(404)
    return record


# ---- for everyone -------------------------------------------------------------------------------

def _filters() -> queries.Filters:
    """The tracker's filters from the address. Values that are not choices are ignored."""
    status = request.args.get("status", "")
    topic = request.args.get("topic", "")
    meeting = request.args.get("meeting", "")
    return queries.Filters(
        status=status if status in {s.value for s in ActionStatus} | {"late"} else "",
        topic=topics.key(topic),
        meeting=int(meeting) if meeting.isascii() and meeting.isdigit() and len(meeting) < 10 else None)


# Records on one page of the tracker (a board's whole history was one page of 400 KB at national size).
TRACKER_PAGE_SIZE = 25


@blueprint.get(BASE)
@access(PUBLIC)
def tracker(slug: str):
    """Everything the board said and what was done about it, with what is late."""
    board = public_board_or_404(slug)
    today = services.today()
    filters = _filters()
    found = queries.tracker(board, filters, today, TRACKER_PAGE_SIZE)
    content.load(*found.page.items)
    return render_template("follow/tracker.html", records=found.page.items, page=found.page, total=found.total,
                           filters=filters, counts=found.counts, today=today, topic_counts=found.topic_counts,
                           meeting_counts=found.meeting_counts, meetings=meetings.meetings_on(board, drafts=False),
                           writer=services.may_write(board, current_user))


@blueprint.get(BASE + "/<int:record_id>")
@access(PUBLIC)
def record(slug: str, record_id: int):
    """One record: you said, we did, the actions with who and when, their history, and how happy people are."""
    public_board_or_404(slug)
    found = _record_or_404(record_id)
    proposal = found.proposal
    content.load(found, proposal)
    shown_result = proposal is not None and proposal.results_visible()
    return render_template(
        "follow/record.html", record=found, today=services.today(),
        questions=queries.public_questions(found), feelings=queries.feelings_for([found.id])[found.id],
        results=votes.results(proposal) if shown_result else None,
        may_feedback=services.may_give_feedback(found, current_user),
        mine=services.my_feedback(found, current_user), following=services.is_following(found, current_user),
        on_board=current_user.is_authenticated and (current_user.is_admin or current_user.role_on(g.board)),
        writer=services.may_write(g.board, current_user), form=FlaskForm(),
        taken_away=services.removed_actions(found))


@blueprint.get(BASE + "/dashboard")
@access(PUBLIC)
def dashboard(slug: str):
    """The numbers that matter, as charts, tables and easy-read sentences."""
    board = public_board_or_404(slug)
    return render_template("follow/dashboard.html", stats=queries.dashboard(board, services.today()))


@blueprint.get(BASE + "/open-data")
@access(PUBLIC)
def open_data(slug: str):
    """Where to get the records as data."""
    public_board_or_404(slug)
    return render_template("follow/open_data.html")


@blueprint.get(BASE + "/records.json")
@access(PUBLIC)
def records_json(slug: str):
    """The public records and actions as a JSON file."""
    return open_files.send(public_board_or_404(slug), "records.json", services.today())


@blueprint.get(BASE + "/records.csv")
@access(PUBLIC)
def records_csv(slug: str):
    """The public records as a spreadsheet (one row each)."""
    return open_files.send(public_board_or_404(slug), "records.csv", services.today())


@blueprint.get(BASE + "/actions.csv")
@access(PUBLIC)
def actions_csv(slug: str):
    """The actions as a spreadsheet (one row each)."""
    return open_files.send(public_board_or_404(slug), "actions.csv", services.today())


@blueprint.get("/api/boards/<slug>/records")
@access(PUBLIC)
def api_records(slug: str):
    """Read-only JSON API: the board's public records. The same document as records.json: the
    worker's file, or streamed from the database before it is made (never built whole here)."""
    return open_files.send(public_board_or_404(slug), "records.json", services.today(), attachment=False)


@blueprint.get("/api/boards/<slug>/records/<int:record_id>")
@access(PUBLIC)
def api_record(slug: str, record_id: int):
    """Read-only JSON API: one public record."""
    found = queries.open_record(public_board_or_404(slug), record_id, services.today())
    if found is None:
        return jsonify(error="not found"), 404
    return jsonify(found)


@blueprint.get(BASE + "/feed.atom")
@access(PUBLIC)
def feed(slug: str):
    """An Atom feed of new records and action changes."""
    from coprod.follow.feed import atom

    board = public_board_or_404(slug)
    records, updates = queries.feed_entries(board)
    return Response(atom(board, records, updates), mimetype="application/atom+xml")


# ---- people on the board ------------------------------------------------------------------------

@blueprint.get("/updates")
@access(SIGNED_IN)
def updates():
    """What changed for me: answers to my questions, and news on records I follow."""
    updates = queries.person_updates(current_user)
    content.load(*(update.record for update in updates))
    notices = [(notice, way_in.notice_words(notice.kind, notice.board.name if notice.board else None)[1])
               for notice in way_in.notices_for(current_user)]
    return render_template("follow/updates.html", updates=updates, notices=notices,
                           if_not_you=way_in.if_not_you())


@blueprint.post(BASE + "/<int:record_id>/follow")
@access(ON_THE_BOARD)
def follow(slug: str, record_id: int):
    """Follow a record (or stop following it): news goes to your Updates page."""
    found = _record_or_404(record_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    now_following = not services.is_following(found, current_user)
    services.set_following(found, current_user, now_following)
    flash(_("You follow this now. News goes to your Updates page.") if now_following
          else _("You do not follow this now."), "success")
    return redirect(url_for("follow.record", slug=slug, record_id=record_id))


@blueprint.route(BASE + "/<int:record_id>/happy", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def feedback(slug: str, record_id: int):
    """"Are you happy with this?": Happy, OK or Not happy, and a comment if you want."""
    found = _record_or_404(record_id)
    form = FeedbackForm()
    mine = services.my_feedback(found, current_user)
    if request.method == "GET" and mine is not None:
        form.feeling.data, form.comment.data = mine.feeling.value, mine.comment
    refusal, status = None, 200
    if form.validate_on_submit() and (audio := _spoken_comment(form)) is not False:
        with refused_into() as refused:  # the message goes above the form
            services.give_feedback(found, current_user, Feeling(form.feeling.data), form.comment.data or "",
                                   sessions.current(), audio)
            flash(_("Thank you. We saved your answer."), "success")
            return redirect(url_for("follow.record", slug=slug, record_id=record_id))
        refusal, status = refused.message, 400
    elif request.method == "POST":
        status = 400
    return render_template("follow/feedback.html", record=found, form=form, refusal=refusal, mine=mine,
                           allowed=services.may_give_feedback(found, current_user)), status


def _spoken_comment(form):
    """The checked recording (name, seconds), None when there is none, or False after putting an
    easy-read message next to the field (the typed comment stays in the form)."""
    upload = form.recording.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    with refused_into(form, "recording"):
        return recordings.store(upload.stream)
    return False


@blueprint.get(BASE + "/<int:record_id>/feedback/<int:feedback_id>/recording")
@access(ON_THE_BOARD)
def feedback_recording(slug: str, record_id: int, feedback_id: int):
    """A spoken comment: only the person who gave it and the board's secretaries and commissioners."""
    answer = db.session.get(Feedback, feedback_id)
    if answer is None or answer.record_id != record_id or _record_or_404(record_id).board_id != g.board.id:
        abort(404)
    writer = current_user.is_admin or current_user.role_on(g.board) in (Role.SECRETARY, Role.COMMISSIONER)
    if not (writer or answer.user_id == current_user.id):
        abort(404)
    return recordings.send(answer.audio_name, f"comment-{answer.id}.mp3")


# ---- writing records ----------------------------------------------------------------------------

@blueprint.get(BASE + "/manage")
@access(WRITERS)
def manage(slug: str):
    """All the board's records, drafts first, for the people who write them."""
    numbers = {name: paging.page_number(name) for name in queries.WRITER_LISTS}
    pages = queries.records_for_writers(g.board, TRACKER_PAGE_SIZE, numbers)
    content.load(*pages["drafts"].items, *pages["published"].items)
    return render_template("follow/manage.html", pages=pages, today=services.today(),
                           numbers={name: pages[name].number if pages[name].number > 1 else None
                                    for name in queries.WRITER_LISTS})


def _record_form(record=None) -> RecordForm:
    form = RecordForm()
    form.questions.choices = choices(
        (str(q.id), (q.shown_text or _("A spoken question"))[:120]) for q in services.questions_to_link(g.board, current_user))
    form.proposal.choices = choices([("", _("No vote"))] + [
        (str(p.id), p.title) for p in services.proposals_to_link(g.board)])
    form.meeting.choices = choices([("", _("No meeting"))] + [
        (str(m.id), m.title) for m in services.meetings_to_link(g.board)])
    if record is not None and request.method == "GET":
        form.process(obj=record, questions=[str(link.question_id) for link in record.links],
                     proposal=str(record.proposal_id or ""), meeting=str(record.meeting_id or ""),
                     topic=record.topic or "other")
    return form


def _record_findings(form: RecordForm) -> list:
    """The easy-read check on what the record says, for every writer (commissioners too)."""
    return easyread.review(form.title.data, form.said_text.data, form.did_text.data)


def _record_fields(form: RecordForm) -> dict:
    return {"title": form.title.data, "said_text": form.said_text.data or "", "topic": form.topic.data,
            "meeting_id": int(form.meeting.data) if form.meeting.data else None,
            "proposal_id": int(form.proposal.data) if form.proposal.data else None,
            "did_text": form.did_text.data or "", "did_picture": form.did_picture.data,
            "question_ids": [int(v) for v in form.questions.data or []]}


@blueprint.route(BASE + "/new", methods=["GET", "POST"])
@access(WRITERS)
def new_record(slug: str):
    """Write a "You said, we did" record. It is a draft until you publish it."""
    form = _record_form()
    findings: list = []
    if not finding_pictures() and form.validate_on_submit():
        findings = _record_findings(form)
        if not easyread.hold_back(form, findings):
            with refused_into(form):
                made = services.create_record(g.board, by=current_user, **_record_fields(form))
                easyread.record_if_saved_anyway(findings, target=made, board=g.board, by=current_user)
                flash(_("The record is saved as a draft. Now add the actions."), "success")
                return redirect(url_for("follow.record", slug=slug, record_id=made.id))
    return render_template("follow/record_form.html", form=form, record=None, findings=findings)


@blueprint.route(BASE + "/<int:record_id>/edit", methods=["GET", "POST"])
@access(WRITERS)
def edit_record(slug: str, record_id: int):
    """Change what a record says."""
    found = _record_or_404(record_id, drafts=True)
    form = _record_form(found)
    findings: list = []
    if not finding_pictures() and form.validate_on_submit():
        findings = _record_findings(form)
        if not easyread.hold_back(form, findings):
            with refused_into(form):
                services.update_record(found, by=current_user, **_record_fields(form))
                easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
                flash(_("The record is saved."), "success")
                return redirect(url_for("follow.record", slug=slug, record_id=record_id))
    return render_template("follow/record_form.html", form=form, record=found, findings=findings)


@blueprint.route(BASE + "/<int:record_id>/publish", methods=["GET", "POST"])
@access(WRITERS)
def publish(slug: str, record_id: int):
    """Publish a draft (after a check page: it cannot be taken back, and people are told): everyone
    can read it, and the people who asked are told."""
    found = _record_or_404(record_id, drafts=True)
    if request.method == "GET":
        return check_page(Check(
            title=_("Publish this record?"), confirm=_("Yes, publish it"), picture="yes", style="primary",
            back=url_for("follow.record", slug=slug, record_id=record_id),
            points=[(found.did_picture, isolated(_("The record is: %(title)s"), title=found.title)),
                    ("people", _("Everyone can read it. The people who asked are told.")),
                    ("warning", _("You cannot make it a draft again. You can still change it."))]))
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("follow.record", slug=slug, record_id=record_id)
    back_to(back)  # a refusal is said on the record's page
    services.publish(found, by=current_user)
    flash(_("The record is published. The people who asked are told."), "success")
    return redirect(back)


@blueprint.route(BASE + "/<int:record_id>/actions/new", methods=["GET", "POST"])
@access(WRITERS)
def new_action(slug: str, record_id: int):
    """Add an action: what, how, who and by when."""
    found = _record_or_404(record_id, drafts=True)
    form = ActionForm()
    findings: list = []
    if form.validate_on_submit():
        findings = easyread.review(form.what.data, form.how.data)
        if not easyread.hold_back(form, findings):
            with refused_into(form):
                services.add_action(found, what=form.what.data, how=form.how.data or "", who_name=form.who_name.data,
                                    who_organisation=form.who_organisation.data, due_date=form.due_date.data,
                                    by=current_user)
                easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
                flash(_("The action is added."), "success")
                return redirect(url_for("follow.record", slug=slug, record_id=record_id, _anchor="actions"))
    return render_template("follow/action_form.html", form=form, record=found, findings=findings)


@blueprint.route(BASE + "/<int:record_id>/actions/<int:action_id>", methods=["GET", "POST"])
@access(WRITERS)
def action_step(slug: str, record_id: int, action_id: int):
    """Say where an action is up to. Each change is added to its history."""
    found = _record_or_404(record_id, drafts=True)
    action = services.action_on(found, action_id)
    if action is None:
        abort(404)
    form = ActionStepForm()
    if request.method == "GET":
        form.status.data = action.status.value
    findings: list = []
    if form.validate_on_submit():
        findings = easyread.review(form.note.data, form.reason.data)
        if not easyread.hold_back(form, findings):
            with refused_into(form):
                services.change_action(action, status=ActionStatus(form.status.data), note=form.note.data or "",
                                       reason=form.reason.data or "", by=current_user)
                easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
                flash(_("Saved. The action is now: %(status)s.", status=STATUS_LABELS[action.status]), "success")
                return redirect(url_for("follow.record", slug=slug, record_id=record_id,
                                        _anchor=f"action-{action_id}"))
    return render_template("follow/action_step.html", form=form, record=found, action=action, findings=findings,
                           status_pictures={s.value: p for s, p in STATUS_PICTURES.items()})


@blueprint.route(BASE + "/<int:record_id>/actions/<int:action_id>/date", methods=["GET", "POST"])
@access(WRITERS)
def action_date(slug: str, record_id: int, action_id: int):
    """Change an action's date, with the reason: both go in its history."""
    found = _record_or_404(record_id, drafts=True)
    action = services.action_on(found, action_id)
    if action is None:
        abort(404)
    form = ActionDateForm()
    if request.method == "GET":
        form.due_date.data = action.due_date
    if form.validate_on_submit():
        with refused_into(form):
            services.change_due_date(action, due_date=form.due_date.data, reason=form.reason.data or "",
                                     by=current_user)
            flash(_("Saved. The new date is in the action's history."), "success")
            return redirect(url_for("follow.record", slug=slug, record_id=record_id, _anchor=f"action-{action_id}"))
    return render_template("follow/action_date.html", form=form, record=found, action=action)


@blueprint.route(BASE + "/<int:record_id>/actions/<int:action_id>/remove", methods=["GET", "POST"])
@access(WRITERS)
def remove_action(slug: str, record_id: int, action_id: int):
    """Take away an action added by mistake (a copy), after a check page with the reason. It stays
    in the record's history under "Taken away"."""
    found = _record_or_404(record_id, drafts=True)
    action = services.action_on(found, action_id, taken_away_too=True)
    if action is None:
        abort(404)
    if action.removed_dt is not None:
        flash(_("This action is taken away already."), "info")
        return redirect(url_for("follow.record", slug=slug, record_id=record_id, _anchor="taken-away"))
    form = RemoveActionForm()
    if form.validate_on_submit():
        with refused_into(form):
            services.remove_action(action, reason=form.reason.data or "", by=current_user)
            flash(_("The action is taken away. The reason is on the page."), "success")
            return redirect(url_for("follow.record", slug=slug, record_id=record_id, _anchor="taken-away"))
    return render_template("follow/remove_action.html", form=form, record=found, action=action)


# ---- the loop back ------------------------------------------------------------------------------

@blueprint.post("/boards/<slug>/meetings/<int:meeting_id>/came-back/<int:record_id>")
@access(SECRETARY)
def bring_back(slug: str, meeting_id: int, record_id: int):
    """One click: a record that came back to the board becomes an item on this meeting's agenda."""
    meeting = meetings.meeting_on(g.board, meeting_id)
    found = _record_or_404(record_id, drafts=False)
    if meeting is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    entry = queries.came_back_of(meeting, found, services.today())
    lines = [_("This came back to the board.")]
    if entry is not None and entry.not_happy:
        lines.append(ngettext("%(num)d person is not happy.", "%(num)d people are not happy.", entry.not_happy))
    if entry is not None and entry.late:
        lines.append(ngettext("%(num)d action is late.", "%(num)d actions are late.", len(entry.late)))
    back = url_for("meetings.manage", slug=slug, meeting_id=meeting_id)
    back_to(back)  # a refusal is said on the meeting's page
    services.bring_back(found, meeting, by=current_user, title=_("Came back: %(title)s", title=found.title),
                        summary="\n".join(lines))
    flash(_("It is on the agenda now."), "success")
    return redirect(back)

