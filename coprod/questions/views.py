"""Asking a question one page at a time, "me too", "My questions", and the secretary's queue.
Thin: rules in services, sound files in recordings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import paging, topics
from coprod.accounts import sessions
from coprod.easyread import review as easyread
from coprod.forms import choices
from coprod.meetings import services as meetings
from coprod.models import QuestionStatus, Role
from coprod.permissions import SIGNED_IN, access, board_roles
from coprod.questions import recordings, services
from coprod.questions.forms import (AboutForm, AnswerForm, DeclineForm, JoinForm, MeetingChoiceForm, PlaceForm,
                                    PrivateForm, WhoForm, WordingForm, WordsForm)
from coprod.transactions import back_to, keep_changes, refused_into

blueprint = Blueprint("questions", __name__)

SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)

STEPS = ("about", "words", "who", "check")


@blueprint.record_once
def _settings(state) -> None:
    app = state.app
    # Bigger than any sound file we accept, so a too-big recording gets a message next to the
    # field (and the typed words are kept) rather than a bare "too large" page. (The folder for
    # recordings, QUESTION_AUDIO_DIR, is set in coprod/config.py.)
    # (Flask's own config has the key, set to None, so setdefault would leave it unlimited.)
    if not app.config.get("MAX_CONTENT_LENGTH"):
        app.config["MAX_CONTENT_LENGTH"] = recordings.MAX_BYTES + 5 * 1024 * 1024


# ---- asking -------------------------------------------------------------------------------------

def _draft_or_404(question_id: int):
    question = services.own_question(g.board, question_id, current_user)
    if question is None:
        abort(404)
    return question


def _step_page(template: str, question, form, status=200, **values):
    return render_template(f"questions/{template}.html", question=question, form=form, steps=STEPS,
                           step=STEPS.index(template) + 1 if template in STEPS else None, **values), status


def _not_a_draft(question):
    """A sent question cannot be changed: show it on "My questions" instead."""
    flash(_("This question is sent. You cannot change it now. You can ask a new one."), "info")
    return redirect(url_for("questions.mine"))


@blueprint.route("/boards/<slug>/ask", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def ask(slug: str):
    """Start: which meeting the question is for (skipped when only one is taking questions)."""
    open_meetings = services.meetings_taking_questions(g.board)
    form = MeetingChoiceForm()
    form.meeting.choices = choices((str(m.id), m.title) for m in open_meetings)
    if len(open_meetings) == 1 and request.method == "GET":
        form.meeting.data = str(open_meetings[0].id)
    if form.validate_on_submit():
        chosen = next(m for m in open_meetings if str(m.id) == form.meeting.data)
        question = services.start(chosen, current_user, sessions.current())
        return redirect(url_for("questions.about", slug=slug, question_id=question.id))
    return render_template("questions/ask.html", form=form, meetings=open_meetings,
                           next_meeting=meetings.next_meeting(g.board), drafts=services.drafts(g.board, current_user),
                           ), 400 if form.errors else 200


def _about_choices(question):
    items = [(f"item-{item.id}", item.title, item.picture) for item in question.meeting.items]
    return items + [(f"topic-{key}", label, picture) for key, (label, picture) in topics.TOPICS.items()]


@blueprint.route("/boards/<slug>/ask/<int:question_id>/about", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def about(slug: str, question_id: int):
    """What the question is about: an item on the agenda, or a topic. Each with a picture."""
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    options = _about_choices(question)
    form = AboutForm()
    form.about.choices = choices((value, label) for value, label, _picture in options)
    if request.method == "GET":
        form.about.data = (f"item-{question.asked_item_id}" if question.asked_item_id
                           else f"topic-{question.topic}" if question.topic else None)
    if form.validate_on_submit():
        kind, _dash, key = form.about.data.partition("-")
        services.set_about(question, item_id=int(key) if kind == "item" else None,
                           topic=key if kind == "topic" else None)
        return redirect(url_for("questions.words", slug=slug, question_id=question.id))
    return _step_page("about", question, form, 400 if form.errors else 200,
                      pictures={value: picture for value, _label, picture in options})


@blueprint.route("/boards/<slug>/ask/<int:question_id>/words", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def words(slug: str, question_id: int):
    """The question: typed, or spoken (recorded in the browser, or a sound file)."""
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    form = WordsForm()
    if request.method == "GET":
        form.text.data = question.text
    if form.validate_on_submit():
        audio = None
        upload = form.recording.data
        if upload is not None and getattr(upload, "filename", None):
            with refused_into(form, "recording"):
                audio = recordings.store(upload.stream)
        # The typed words are saved even when the recording is refused (the page then answers 400):
        # nothing is lost.
        services.set_words(question, text=form.text.data or "", audio=audio,
                           remove_audio=bool(form.remove_recording.data), sign_in=sessions.current())
        keep_changes()
        if not form.recording.errors and services.missing(question):
            form.text.errors = [_("Type your question, or send a recording of it.")]
        if not form.text.errors and not form.recording.errors:
            return redirect(url_for("questions.who", slug=slug, question_id=question.id))
    return _step_page("words", question, form, 400 if request.method == "POST" else 200)


def _asker_choices(groups):
    return choices([("me", _("Me")), *((f"group-{group.id}", _("My group: %(name)s", name=group.name))
                                      for group in groups)])


@blueprint.route("/boards/<slug>/ask/<int:question_id>/who", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def who(slug: str, question_id: int):
    """Whether to show the person's name; a facilitator can ask for their self-advocacy group."""
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    groups = services.facilitated_groups(g.board, current_user)
    form = WhoForm()
    if groups:
        form.asker.choices = _asker_choices(groups)
    else:
        del form.asker  # only a group's facilitator is asked whose question it is
    if request.method == "GET":
        if groups:
            form.asker.data = f"group-{question.group_id}" if question.group_id else "me"
        form.show_name.data = "yes" if question.show_name else "no"
        form.worried.data = question.worried
    if form.validate_on_submit():
        group = next((each for each in groups if form.asker.data == f"group-{each.id}"), None) if groups else None
        services.set_who(question, show_name=form.show_name.data == "yes", group=group,
                         worried=bool(form.worried.data))
        return redirect(url_for("questions.check", slug=slug, question_id=question.id))
    return _step_page("who", question, form, 400 if form.errors else 200, groups=groups)


def _check_page(question, status=200):
    late = not services.taking_questions(question.meeting)
    return _step_page("check", question, FlaskForm(), status, late=late,
                      other_meetings=[m for m in services.meetings_taking_questions(g.board)
                                      if m.id != question.meeting_id] if late else [],
                      topic_label=topics.label(question.topic), topic_picture=topics.picture(question.topic))


@blueprint.get("/boards/<slug>/ask/<int:question_id>/check")
@access(ON_THE_BOARD)
def check(slug: str, question_id: int):
    """Check your question: everything on one page, read back by the Listen button."""
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    return _check_page(question)


@blueprint.post("/boards/<slug>/ask/<int:question_id>/send")
@access(ON_THE_BOARD)
def send(slug: str, question_id: int):
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if (step := services.missing(question)) is not None:
        flash(_("Type your question, or send a recording of it."), "error")
        return redirect(url_for(f"questions.{step}", slug=slug, question_id=question.id))
    with refused_into():
        services.send(question, by=current_user)
        return redirect(url_for("questions.sent", slug=slug, question_id=question.id))
    # Too late: the check page says so plainly and offers the next meeting. Nothing is lost.
    return _check_page(question, 409)


@blueprint.post("/boards/<slug>/ask/<int:question_id>/move")
@access(ON_THE_BOARD)
def move(slug: str, question_id: int):
    """A late question goes to the next meeting that is taking questions."""
    question = _draft_or_404(question_id)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    open_meetings = services.meetings_taking_questions(g.board)
    form = MeetingChoiceForm()
    form.meeting.choices = choices((str(m.id), m.title) for m in open_meetings)
    if not form.validate_on_submit():
        flash(_("Choose a meeting."), "error")
        return redirect(url_for("questions.check", slug=slug, question_id=question.id))
    services.move_to(question, next(m for m in open_meetings if str(m.id) == form.meeting.data))
    flash(_("Your question is now for %(meeting)s. Check it and send it.", meeting=question.meeting.title), "success")
    return redirect(url_for("questions.check", slug=slug, question_id=question.id))


@blueprint.route("/boards/<slug>/ask/<int:question_id>/throw-away", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def throw_away(slug: str, question_id: int):
    """Throw away a question you started and did not send: a check page first (no JavaScript
    needed), then the button. Pressed twice, the second press finds nothing and says so."""
    question = services.own_question(g.board, question_id, current_user)
    if question is None and request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        flash(_("This question is not there any more."), "info")
        return redirect(url_for("questions.mine"))
    if question is None:
        abort(404)
    if question.status != QuestionStatus.DRAFT:
        return _not_a_draft(question)
    form = FlaskForm()
    if form.validate_on_submit():
        services.throw_away(question)
        flash(_("The question you started is thrown away."), "success")
        return redirect(url_for("questions.mine"))
    return render_template("questions/throw_away.html", question=question, form=form,
                           meeting=meetings.meeting_on(g.board, question.meeting_id)), \
        400 if request.method == "POST" else 200


@blueprint.get("/boards/<slug>/ask/<int:question_id>/sent")
@access(ON_THE_BOARD)
def sent(slug: str, question_id: int):
    """Sent: the question shown back to the person, and what happens next."""
    question = _draft_or_404(question_id)
    if question.status == QuestionStatus.DRAFT:
        return redirect(url_for("questions.check", slug=slug, question_id=question.id))
    return render_template("questions/sent.html", question=question, topic_label=topics.label(question.topic))


@blueprint.get("/boards/<slug>/questions/<int:question_id>/recording")
@access(ON_THE_BOARD)
def recording(slug: str, question_id: int):
    """A spoken question: only the person who asked and the board's secretaries can play it."""
    question = services.own_question(g.board, question_id, current_user)
    if question is None and meetings.may_manage(g.board, current_user):
        question = services.question_on(g.board, question_id)
    if question is None:
        abort(404)
    return recordings.send(question.audio_name, f"question-{question.id}.mp3")


# ---- following questions ------------------------------------------------------------------------

@blueprint.get("/my-questions")
@access(SIGNED_IN)
def mine():
    """Each of my questions with what happened to it and why, in words and a picture."""
    asked = services.my_questions(current_user)
    return render_template("questions/mine.html", questions=asked, groups=services.by_meeting(asked),
                           outcome=services.outcome,
                           records=services.answering_records(asked),
                           status_words=services.STATUS_WORDS, status_pictures=services.STATUS_PICTURES,
                           topic_label=topics.label)


# Questions on one page (the public list and each of the secretary's lists): 4,300 questions a board
# at national size, 500 KB for one meeting's queue when it was one page.
QUESTIONS_PAGE_SIZE = 25
# The secretary's lists, each with its own page number in the address (?waiting=2&done=3).
QUEUE_LISTS = ("waiting", "private", "done")


@blueprint.get("/boards/<slug>/meetings/<int:meeting_id>/questions")
@access(ON_THE_BOARD)
def meeting_questions(slug: str, meeting_id: int):
    """The questions the secretary has taken for a meeting. Say "I want to ask this too"."""
    meeting = meetings.meeting_on(g.board, meeting_id)
    if meeting is None:
        abort(404)
    stats = services.stats(meeting)
    page, me_too, joined = services.shown_page(meeting, services.shown_count(stats), QUESTIONS_PAGE_SIZE)
    return render_template("questions/meeting_questions.html", meeting=meeting, questions=page.items, page=page,
                           me_too=me_too, mine=services.my_me_toos(current_user, [q.id for q in page.items]),
                           joined=joined, stats=stats, taking=services.taking_questions(meeting), form=FlaskForm())


def _back_to_question(slug: str, question) -> str:
    """The public questions page the question is on, at the question."""
    page = services.shown_position(question) // QUESTIONS_PAGE_SIZE + 1
    return url_for("questions.meeting_questions", slug=slug, meeting_id=question.meeting_id,
                   page=page if page > 1 else None, _anchor=f"question-{question.id}")


@blueprint.post("/boards/<slug>/questions/<int:question_id>/me-too")
@access(ON_THE_BOARD)
def me_too(slug: str, question_id: int):
    question = services.question_on(g.board, question_id)
    if question is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = _back_to_question(slug, question)
    back_to(back)  # a refusal is said beside the question
    services.me_too(question, current_user, sessions.current())
    flash(_("Thank you. You want to ask this too. We counted you."), "success")
    return redirect(back)


@blueprint.post("/boards/<slug>/questions/<int:question_id>/me-too/undo")
@access(ON_THE_BOARD)
def undo_me_too(slug: str, question_id: int):
    """Take back "I want to ask this too" (a tap by mistake, or a change of mind)."""
    question = services.question_on(g.board, question_id)
    if question is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = _back_to_question(slug, question)
    back_to(back)
    services.undo_me_too(question, current_user)
    flash(_("Done. You are not counted for this question now."), "success")
    return redirect(back)


# ---- the secretary ------------------------------------------------------------------------------

@blueprint.get("/boards/<slug>/meetings/<int:meeting_id>/questions/manage")
@access(SECRETARY)
def queue(slug: str, meeting_id: int):
    """New questions, oldest first; then the ones already dealt with."""
    meeting = meetings.meeting_on(g.board, meeting_id)
    if meeting is None:
        abort(404)
    stats = services.stats(meeting, staff=True)
    numbers = {name: paging.page_number(name) for name in QUEUE_LISTS}
    pages = services.queue_pages(meeting, stats, QUESTIONS_PAGE_SIZE, numbers)
    return render_template("questions/queue.html", meeting=meeting, pages=pages, stats=stats,
                           numbers={name: pages[name].number if pages[name].number > 1 else None for name in QUEUE_LISTS},
                           status_words=services.STATUS_WORDS, status_pictures=services.STATUS_PICTURES,
                           topic_label=topics.label)


def _question_or_404(question_id: int):
    question = services.question_on(g.board, question_id)
    if question is None:
        abort(404)
    return question


def _moderation_forms(question, **given):
    forms = {"wording": WordingForm(formdata=None, obj=question), "place": PlaceForm(formdata=None),
             "join": JoinForm(formdata=None), "answer": AnswerForm(formdata=None, answer=question.answer_text),
             "decline": DeclineForm(formdata=None), "private": PrivateForm(formdata=None, note=question.private_note)}
    forms.update(given)
    forms["place"].item.choices = choices([("", _("Choose an item"))] + [
        (str(item.id), f"{item.position + 1}. {item.title}") for item in question.meeting.items])
    forms["join"].lead.choices = choices([("", _("Choose a question"))] + [
        (str(other.id), f"{other.id}: {other.shown_text[:80]}") for other in services.join_targets(question)])
    if question.agenda_item_id and "place" not in given:
        forms["place"].item.data = str(question.agenda_item_id)
    return forms


def _moderate_page(question, status=200, findings=None, **given):
    return render_template("questions/moderate.html", question=question, forms=_moderation_forms(question, **given),
                           findings=findings or {},
                           joined=services.joined_into([question.id]).get(question.id, []),
                           me_too=services.me_too_counts([question.id]).get(question.id, 0),
                           status_words=services.STATUS_WORDS, status_pictures=services.STATUS_PICTURES,
                           topic_label=topics.label(question.topic)), status


@blueprint.get("/boards/<slug>/questions/<int:question_id>/moderate")
@access(SECRETARY)
def moderate(slug: str, question_id: int):
    """One question: play it, write what was said, and decide what happens to it."""
    return _moderate_page(_question_or_404(question_id))


def _done(question, message):
    flash(message, "success")
    return redirect(url_for("questions.moderate", slug=g.board.slug, question_id=question.id))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/wording")
@access(SECRETARY)
def wording(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = WordingForm()
    if not form.validate_on_submit():
        return _moderate_page(question, 400, wording=form)
    services.save_wording(question, transcript=form.transcript.data or "", public_text=form.public_text.data or "",
                          by=current_user)
    return _done(question, _("Saved. The person's own words are kept too."))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/place")
@access(SECRETARY)
def place(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = _moderation_forms(question, place=PlaceForm())["place"]
    if not form.validate_on_submit():
        return _moderate_page(question, 400, place=form)
    item = meetings.item_on(question.meeting, int(form.item.data))
    services.place(question, item, by=current_user)
    return _done(question, _("The question is on the agenda."))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/join")
@access(SECRETARY)
def join(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = JoinForm()
    form.lead.choices = choices([(str(other.id), "") for other in services.join_targets(question)]
                                + [(str(question.id), "")])  # itself: refused with a clear message below
    if not form.validate_on_submit():
        return _moderate_page(question, 400, join=form)
    with refused_into(form, "lead"):
        services.join(question, services.question_on(g.board, int(form.lead.data)), by=current_user)
        return _done(question, _("The questions are joined. Everyone who asked will get the answer."))
    return _moderate_page(question, 400, join=form)


@blueprint.post("/boards/<slug>/questions/<int:question_id>/answer")
@access(SECRETARY)
def answer(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _moderate_page(question, 400, answer=form)
    findings = easyread.review(form.answer.data)
    if easyread.hold_back(form, findings):
        return _moderate_page(question, 200, answer=form, findings={"answer": findings})
    services.answer(question, form.answer.data, by=current_user)
    easyread.record_if_saved_anyway(findings, target=question, board=g.board, by=current_user)
    return _done(question, _("The answer is saved. The person can read it on \"My questions\"."))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/decline")
@access(SECRETARY)
def decline(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _moderate_page(question, 400, decline=form)
    findings = easyread.review(form.own_reason.data) if form.reason.data == "own" else []
    if easyread.hold_back(form, findings):
        return _moderate_page(question, 200, decline=form, findings={"decline": findings})
    services.decline(question, form.reason_text(), by=current_user)
    easyread.record_if_saved_anyway(findings, target=question, board=g.board, by=current_user)
    return _done(question, _("Saved. The person can read the reason on \"My questions\"."))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/private")
@access(SECRETARY)
def make_private(slug: str, question_id: int):
    question = _question_or_404(question_id)
    form = PrivateForm()
    if not form.validate_on_submit():
        return _moderate_page(question, 400, private=form)
    services.make_private(question, form.note.data or "", by=current_user)
    return _done(question, _("The question is private. It will never be published. The safeguarding lead is told."))


@blueprint.post("/boards/<slug>/questions/<int:question_id>/put-back")
@access(SECRETARY)
def put_back(slug: str, question_id: int):
    question = _question_or_404(question_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.put_back(question, by=current_user)
    return _done(question, _("The question is back with the new questions."))
