"""Rules for questions: asking (one page at a time, as a draft until sent), "me too", and the
secretary's moderation. Functions flush; the view commits once.

Nothing is deleted here. Every moderation step is in the audit log, and the people who asked are
emailed (if they have an email address) when what happens to their question changes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from coprod.errors import Refused
from coprod import audit, paging, times
from coprod.extensions import db
from coprod.models.auth import helped_by
from coprod.mail import send_email
from coprod.meetings.services import takes_questions, takes_questions_sql
from coprod.models import (AgendaItem, Board, Group, GroupMember, Meeting, Membership, MeToo, Question,
                           QuestionStatus, SignIn, User, utcnow)
from coprod.models.question import MODERATED
from coprod.models.upsert import upsert

# Common reasons for not taking a question, in easy read. The secretary can also write one.
COMMON_REASONS = {
    "not-board": _l("This is not something the board can decide. We will tell you who can help."),
    "asked-before": _l("The board answered this question before. We will send you the answer."),
    "personal": _l("This is about one person. The secretary will talk to you about it."),
    "unclear": _l("We could not understand the question. The secretary will talk to you."),
}


class QuestionRefused(Refused):
    """Something that cannot be done to a question; the message is easy read."""


class TooLate(QuestionRefused):
    """The meeting is not taking questions any more. The question is kept as it is."""


# ---- reading ------------------------------------------------------------------------------------

def taking_questions(meeting: Meeting, now: datetime | None = None) -> bool:
    """The one rule (coprod.meetings.services.takes_questions)."""
    return takes_questions(meeting, now)


def meetings_taking_questions(board: Board, now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    found = db.session.scalars(
        select(Meeting).where(Meeting.board_id == board.id, takes_questions_sql(now))
        .options(selectinload(Meeting.items)).order_by(Meeting.starts_dt))
    return [meeting for meeting in found if takes_questions(meeting, now)]


def question_on(board: Board, question_id: int) -> Question | None:
    """Any question of this board (for its secretary), with what its page shows."""
    return db.session.scalar(
        select(Question).where(Question.id == question_id, Question.board_id == board.id,
                               Question.status != QuestionStatus.DRAFT)
        .options(joinedload(Question.meeting).joinedload(Meeting.board),
                 joinedload(Question.meeting).selectinload(Meeting.items), joinedload(Question.asker),
                 joinedload(Question.joined_to),
                 joinedload(Question.group), joinedload(Question.asked_item), joinedload(Question.agenda_item)))


def own_question(board: Board, question_id: int, user: User) -> Question | None:
    """The person's own question on this board, drafts too; None for anybody else's."""
    return db.session.scalar(select(Question).where(Question.id == question_id, Question.board_id == board.id,
                                                    Question.asker_id == user.id)
                             .options(joinedload(Question.meeting).joinedload(Meeting.board),
                                      joinedload(Question.meeting).selectinload(Meeting.items),
                                      joinedload(Question.group), joinedload(Question.asked_item)))


def my_questions(user: User) -> list[Question]:
    """Everything the person asked, with what is needed to say what happened: by meeting, the
    newest meeting first, and in each meeting the newest question first (sent, or started for a
    draft)."""
    return list(db.session.scalars(
        select(Question).join(Meeting, Meeting.id == Question.meeting_id).where(Question.asker_id == user.id)
        # Many-to-one: joined into the one query (the page also looks up uploaded pictures: keep it under 10).
        .options(selectinload(Question.meeting).selectinload(Meeting.board), joinedload(Question.agenda_item),
                 joinedload(Question.group),
                 selectinload(Question.joined_to).selectinload(Question.agenda_item))
        .order_by(Meeting.starts_dt.desc(), Meeting.id.desc(),
                  func.coalesce(Question.sent_dt, Question.created_dt).desc(), Question.id.desc())))


def by_meeting(questions: list[Question]) -> list[tuple[Meeting, list[Question]]]:
    """The questions (in `my_questions` order) grouped under their meetings."""
    groups: list[tuple[Meeting, list[Question]]] = []
    for question in questions:
        if not groups or groups[-1][0].id != question.meeting_id:
            groups.append((question.meeting, []))
        groups[-1][1].append(question)
    return groups


def answering_records(questions: list[Question]) -> dict[int, list]:
    """The published "You said, we did" records about each question (or about the question it was
    joined with), so "My questions" can show what the board did: one query."""
    from coprod.models.follow import Record, RecordQuestion, RecordStatus  # follow builds on questions

    asked = {question.id: outcome(question).id for question in questions}
    if not asked:
        return {}
    found: dict[int, list] = defaultdict(list)
    rows = db.session.execute(
        select(RecordQuestion.question_id, Record).join(Record, Record.id == RecordQuestion.record_id)
        .where(RecordQuestion.question_id.in_(set(asked.values())), Record.status == RecordStatus.PUBLISHED)
        .options(joinedload(Record.board)).order_by(Record.published_dt)).all()
    for question_id, lead_id in asked.items():
        found[question_id] = [record for linked_id, record in rows if linked_id == lead_id]
    return found


def drafts(board: Board, user: User) -> list[Question]:
    """Questions the person started and has not sent yet: kept, so nothing is lost."""
    return list(db.session.scalars(
        select(Question).where(Question.board_id == board.id, Question.asker_id == user.id,
                               Question.status == QuestionStatus.DRAFT)
        .options(selectinload(Question.meeting)).order_by(Question.created_dt.desc())))


def facilitated_groups(board: Board, user: User) -> list[Group]:
    """The self-advocacy groups on this board that the person can ask for."""
    return list(db.session.scalars(
        select(Group).join(GroupMember).where(Group.board_id == board.id, GroupMember.user_id == user.id,
                                              GroupMember.is_facilitator.is_(True)).order_by(Group.name)))


def me_too_counts(question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    return dict(db.session.execute(select(MeToo.question_id, func.count()).where(MeToo.question_id.in_(question_ids))
                                   .group_by(MeToo.question_id)).all())


def my_me_toos(user, question_ids: list[int]) -> set[int]:
    if not question_ids or not user.is_authenticated:
        return set()
    return set(db.session.scalars(select(MeToo.question_id).where(MeToo.user_id == user.id,
                                                                 MeToo.question_id.in_(question_ids))))


def joined_into(question_ids: list[int]) -> dict[int, list[Question]]:
    """The questions joined into each of these: their askers keep the credit."""
    found: dict[int, list[Question]] = defaultdict(list)
    if question_ids:
        for joined in db.session.scalars(
                select(Question).where(Question.joined_to_id.in_(question_ids))
                .options(joinedload(Question.asker), joinedload(Question.group))
                .order_by(Question.sent_dt)):
            found[joined.joined_to_id].append(joined)
    return found


def shown_with_joined(meeting: Meeting) -> tuple[list[Question], dict[int, int], dict[int, list[Question]]]:
    """The questions others may see for this meeting (on the agenda or answered, never private),
    how many people said "me too" to each, and the questions joined into each (their askers keep
    the credit): one query, as a question is only joined with another of the same meeting."""
    me_too = (select(func.count()).where(MeToo.question_id == Question.id).correlate(Question)
              .scalar_subquery())
    public = and_(Question.private.is_(False),
                  Question.status.in_([QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED]))
    rows = db.session.execute(
        select(Question, me_too).where(Question.meeting_id == meeting.id,
                                       or_(public, and_(Question.status == QuestionStatus.JOINED,
                                                        Question.private.is_(False))))
        .options(joinedload(Question.asker), joinedload(Question.group))
        .order_by(Question.sent_dt, Question.id)).all()
    shown = [q for q, _count in rows if q.status != QuestionStatus.JOINED]
    ids = {q.id for q in shown}
    joined: dict[int, list[Question]] = defaultdict(list)
    for question, _count in rows:
        if question.status == QuestionStatus.JOINED and question.joined_to_id in ids:
            joined[question.joined_to_id].append(question)
    return shown, {q.id: count for q, count in rows if q.id in ids}, joined


_PUBLIC = and_(Question.private.is_(False), Question.status.in_([QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED]))
_IN_ORDER = (Question.sent_dt, Question.id)


def shown_count(counted: dict[str, int]) -> int:
    """How many questions others may see, from `stats` (on the agenda or answered, never private)."""
    return counted["on_agenda"] + counted["answered"]


def shown_page(meeting: Meeting, total: int, per_page: int, number: int | None = None
               ) -> tuple[paging.Page[Question], dict[int, int], dict[int, list[Question]]]:
    """One page of the questions others may see for this meeting (`total` of them: `shown_count`),
    oldest first, with their "me too" counts and the questions joined into them: two statements,
    whatever the meeting holds."""
    me_too = (select(func.count()).where(MeToo.question_id == Question.id).correlate(Question)
              .scalar_subquery())
    rows = paging.page_from(
        select(Question, me_too).where(Question.meeting_id == meeting.id, _PUBLIC)
        .options(joinedload(Question.asker), joinedload(Question.group)).order_by(*_IN_ORDER), total, per_page, number)
    page = paging.Page([q for q, _count in rows.items], rows.number, rows.pages, rows.total, rows.first)
    joined: dict[int, list[Question]] = defaultdict(list)
    if page.items:
        for question in db.session.scalars(
                select(Question).where(Question.meeting_id == meeting.id, Question.status == QuestionStatus.JOINED,
                                       Question.private.is_(False), Question.joined_to_id.in_([q.id for q in page.items]))
                .options(joinedload(Question.asker), joinedload(Question.group)).order_by(*_IN_ORDER)):
            joined[question.joined_to_id].append(question)
    return page, {q.id: count for q, count in rows.items}, joined


def shown_position(question: Question) -> int:
    """Where this question is among those others may see for its meeting (from 0): for the page it is on."""
    return db.session.scalar(
        select(func.count()).select_from(Question).where(
            Question.meeting_id == question.meeting_id, _PUBLIC,
            or_(Question.sent_dt < question.sent_dt,
                and_(Question.sent_dt == question.sent_dt, Question.id < question.id)))) or 0


def on_the_agenda(meeting: Meeting) -> dict:
    """The public questions of a meeting arranged for its agenda page and pack: by item, with their
    "me too" counts, the questions joined into them, and the numbers of what happened."""
    shown, me_too, joined = shown_with_joined(meeting)
    by_item: dict[int | None, list[Question]] = defaultdict(list)
    for question in shown:
        by_item[question.agenda_item_id if question.status == QuestionStatus.ON_AGENDA else None].append(question)
    return {"by_item": by_item, "me_too": me_too, "joined": joined, "stats": stats(meeting)}


def _queue(meeting: Meeting, private: bool):
    """New questions for the secretary, oldest first: the public ones, or (`private`) the private
    ones, which have their own section and are never counted with the others."""
    return (select(Question).where(Question.meeting_id == meeting.id, Question.status == QuestionStatus.SENT,
                                   Question.private.is_(private))
            .options(joinedload(Question.asker), joinedload(Question.group), joinedload(Question.asked_item))
            .order_by(Question.sent_dt, Question.id))


def _dealt_with(meeting: Meeting):
    return (select(Question).where(Question.meeting_id == meeting.id, Question.status.in_(MODERATED))
            .options(joinedload(Question.asker), joinedload(Question.group), joinedload(Question.agenda_item))
            .order_by(Question.status_dt.desc(), Question.id.desc()))


def queue_pages(meeting: Meeting, counted: dict[str, int], per_page: int, numbers: dict[str, int]
                ) -> dict[str, paging.Page[Question]]:
    """The secretary's three lists a page at a time: new questions ("waiting"), private ones
    ("private") and those dealt with ("done"); `counted` is `stats(meeting, staff=True)`, so the
    lists are not counted again. One statement a list."""
    return {
        "waiting": paging.page_from(_queue(meeting, False), counted["waiting"], per_page, numbers["waiting"]),
        "private": paging.page_from(_queue(meeting, True), counted["private_waiting"], per_page, numbers["private"]),
        "done": paging.page_from(_dealt_with(meeting), counted["dealt_with"], per_page, numbers["done"]),
    }


def join_targets(question: Question) -> list[Question]:
    """The other questions of the same meeting this one can be joined with."""
    return list(db.session.scalars(
        select(Question).where(Question.meeting_id == question.meeting_id, Question.id != question.id,
                               Question.status.in_([QuestionStatus.SENT, QuestionStatus.ON_AGENDA,
                                                    QuestionStatus.ANSWERED]))
        .order_by(Question.sent_dt)))


def stats(meeting: Meeting, *, staff: bool = False) -> dict[str, int]:
    """How many questions were sent, and what happened to them (so moderation can be seen).
    Private (safeguarding) questions are never counted in these public numbers; for the secretary
    (`staff`), "private_waiting" says how many private ones still wait."""
    rows = db.session.execute(
        select(Question.status, Question.private, func.count()).where(Question.meeting_id == meeting.id,
                                                                      Question.status != QuestionStatus.DRAFT)
        .group_by(Question.status, Question.private)).all()
    counts = Counter({status: count for status, private, count in rows if not private})
    found = {"sent": sum(counts.values()), "waiting": counts[QuestionStatus.SENT],
             "on_agenda": counts[QuestionStatus.ON_AGENDA], "joined": counts[QuestionStatus.JOINED],
             "answered": counts[QuestionStatus.ANSWERED], "not_taken": counts[QuestionStatus.NOT_TAKEN]}
    if staff:
        found["private_waiting"] = sum(count for status, private, count in rows
                                       if private and status == QuestionStatus.SENT)
        # How many the secretary has dealt with, private ones too: the length of that list.
        found["dealt_with"] = sum(count for status, _private, count in rows if status in MODERATED)
    return found


def outcome(question: Question) -> Question:
    """The question whose status says what happened: the lead one, for a joined question."""
    return question.joined_to if question.status == QuestionStatus.JOINED and question.joined_to else question


# ---- asking -------------------------------------------------------------------------------------

def start(meeting: Meeting, user: User, sign_in: SignIn | None) -> Question:
    """A draft question for this meeting; nothing is sent until the person says so."""
    if not taking_questions(meeting):
        raise TooLate(_("This meeting is not taking questions."))
    question = Question(board_id=meeting.board_id, meeting_id=meeting.id, asker_id=user.id,
                        status=QuestionStatus.DRAFT, **helped_by(sign_in))
    db.session.add(question)
    db.session.flush()
    return question


def _still_a_draft(question: Question) -> None:
    if question.status != QuestionStatus.DRAFT:
        raise QuestionRefused(_("This question is sent. You cannot change it now. You can ask a new one."))


def set_about(question: Question, *, item_id: int | None, topic: str | None) -> None:
    _still_a_draft(question)
    question.asked_item_id = item_id
    question.topic = topic
    db.session.flush()


def set_words(question: Question, *, text: str, audio: tuple[str, int] | None, remove_audio: bool,
              sign_in: SignIn | None) -> None:
    _still_a_draft(question)
    question.text = text
    if audio is not None:
        question.audio_name, question.audio_seconds = audio
    elif remove_audio:
        # The old file stays on disk: nothing is deleted, it is only no longer part of the question.
        question.audio_name = question.audio_seconds = None
    question.helper_id, question.helper_name = helped_by(sign_in).values()
    db.session.flush()


def set_who(question: Question, *, show_name: bool, group: Group | None, worried: bool = False) -> None:
    """Whose question it is, whether to show the name, and "I am worried about my safety" (when sent,
    the question is private and the board's safeguarding lead is told)."""
    _still_a_draft(question)
    question.show_name = show_name
    question.worried = worried
    question.group_id = group.id if group else None
    db.session.flush()


def missing(question: Question) -> str | None:
    """What the question still needs before it can be sent, as the name of the step."""
    if not question.text and not question.audio_name:
        return "words"
    return None


def send(question: Question, *, by: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    _still_a_draft(question)
    if not taking_questions(question.meeting, now):
        raise TooLate(_("The time to send questions for this meeting has passed."))
    if missing(question):
        raise QuestionRefused(_("Type your question or record it first."))
    question.status = QuestionStatus.SENT
    question.sent_dt = question.status_dt = now
    if question.worried:
        # Private from the start: never public, never on the agenda; the safeguarding lead is told.
        question.private = True
    audit.record("question.send", target=question, board_id=question.board_id, actor=by,
                 detail=f"meeting {question.meeting_id}" + (f", group {question.group_id}" if question.group_id else ""))
    db.session.flush()
    if question.worried:
        from coprod.models import ConcernReason
        from coprod.safeguarding.services import raise_concern

        raise_concern(question, ConcernReason.WORRIED, by=by)


def throw_away(question: Question) -> None:
    """The person throws away a draft they started: it was never sent, so nobody else has seen
    it. Its recording (if any) is removed once the change is saved."""
    from coprod import outbox
    from coprod.questions import recordings

    _still_a_draft(question)
    if question.audio_name:
        outbox.after_commit(recordings.delete, question.audio_name)
    db.session.delete(question)
    db.session.flush()


def move_to(question: Question, meeting: Meeting) -> None:
    """A late question goes to another meeting that is taking questions; the words stay the same."""
    _still_a_draft(question)
    if meeting.board_id != question.board_id or not taking_questions(meeting):
        raise TooLate(_("This meeting is not taking questions."))
    question.meeting_id = meeting.id
    question.meeting = meeting
    question.asked_item_id = None  # the items belong to the other meeting
    db.session.flush()


def _add_me_too(question_id: int, user_id: int, helper_id: int | None) -> bool:
    """Count one "me too"; False if this person was already counted. A double tap, or two tabs at
    once, can never make a second row (or a server error): the database's unique key decides."""
    added = upsert(db.session, MeToo, {"question_id": question_id, "user_id": user_id, "helper_id": helper_id,
                                       "created_dt": utcnow()},
                   keys=["question_id", "user_id"], returning=MeToo.id)
    return added is not None


def me_too(question: Question, user: User, sign_in: SignIn | None) -> None:
    if not question.is_public:
        raise QuestionRefused(_("You cannot say \"me too\" to this question."))
    if question.asker_id == user.id:
        raise QuestionRefused(_("This is your own question. It already counts for you."))
    if not _add_me_too(question.id, user.id, helped_by(sign_in)["helper_id"]):
        raise QuestionRefused(_("You already said you want to ask this too. It counts once."))
    audit.record("question.me-too", target=question, board_id=question.board_id, actor=user)
    db.session.flush()


def undo_me_too(question: Question, user: User) -> None:
    """"I do not want to ask this any more": this person is not counted now (a mistaken tap is mended).
    Nothing to take back is not a mistake: a second tap does nothing."""
    if question.meeting.is_over:
        raise QuestionRefused(_("The meeting is over. The count cannot change now."))
    removed = db.session.execute(delete(MeToo).where(MeToo.question_id == question.id, MeToo.user_id == user.id))
    if getattr(removed, "rowcount", 0):
        audit.record("question.me-too-undone", target=question, board=question.meeting.board, actor=user)
    db.session.flush()


# ---- moderation ---------------------------------------------------------------------------------

def _moderated(question: Question, status: QuestionStatus, action: str, *, by: User, detail: str = "") -> None:
    before = question.status
    question.status = status
    question.status_dt = utcnow()
    question.moderated_by_id = by.id
    audit.record(action, target=question, board_id=question.board_id, actor=by,
                 detail=f"{before.value} -> {status.value}" + (f": {detail}" if detail else ""))
    db.session.flush()
    if before != status:
        tell_askers(question)


def save_wording(question: Question, *, transcript: str, public_text: str, by: User) -> None:
    """What was said on a recording, and the wording others see (clearer, or with names taken out).
    The person's own words are kept as they are."""
    changed = [name for name, value in (("transcript", transcript), ("public_text", public_text))
               if getattr(question, name) != value]
    question.transcript, question.public_text = transcript, public_text
    if changed:
        audit.record("question.wording", target=question, board_id=question.board_id, actor=by,
                     detail=", ".join(changed))
    db.session.flush()


def _not_private(question: Question) -> None:
    if question.private:
        raise QuestionRefused(_("This question is private. It cannot go on the agenda or be joined with another."))


def place(question: Question, item: AgendaItem, *, by: User) -> None:
    _not_private(question)
    if item.meeting_id != question.meeting_id:
        raise QuestionRefused(_("Choose an item on this meeting's agenda."))
    question.agenda_item_id = item.id
    question.joined_to_id = None
    _moderated(question, QuestionStatus.ON_AGENDA, "question.place", by=by, detail=f"item {item.id}")


def join(question: Question, lead: Question, *, by: User) -> None:
    """Join with a similar question: the asker keeps the credit and follows the lead's answer, and
    the "me too"s carry over."""
    _not_private(question)
    if lead.joined_to_id is not None:
        lead = db.session.get_one(Question, lead.joined_to_id)
    _not_private(lead)
    if lead.id == question.id:
        raise QuestionRefused(_("A question cannot be joined with itself. Choose another question."))
    if lead.meeting_id != question.meeting_id:
        raise QuestionRefused(_("Choose a question for the same meeting."))
    if lead.status in (QuestionStatus.DRAFT, QuestionStatus.NOT_TAKEN, QuestionStatus.JOINED):
        raise QuestionRefused(_("Choose a question that is still being taken."))
    # Questions already joined into this one follow it to the lead.
    db.session.execute(update(Question).where(Question.joined_to_id == question.id).values(joined_to_id=lead.id))
    moving = set(db.session.scalars(select(MeToo.user_id).where(MeToo.question_id == question.id)))
    moving.add(question.asker_id)
    already = set(db.session.scalars(select(MeToo.user_id).where(MeToo.question_id == lead.id)))
    for user_id in sorted(moving - already - {lead.asker_id}):
        _add_me_too(lead.id, user_id, None)
    question.joined_to_id = lead.id
    question.joined_to = lead
    question.agenda_item_id = None
    _moderated(question, QuestionStatus.JOINED, "question.join", by=by, detail=f"with question {lead.id}")


def answer(question: Question, text: str, *, by: User) -> None:
    question.answer_text = text
    _moderated(question, QuestionStatus.ANSWERED, "question.answer", by=by)


def decline(question: Question, reason: str, *, by: User) -> None:
    question.reason = reason
    question.agenda_item_id = None
    _moderated(question, QuestionStatus.NOT_TAKEN, "question.decline", by=by, detail=reason[:200])


def make_private(question: Question, note: str, *, by: User) -> None:
    """Safeguarding: from now on only the asker and the board's secretaries ever see it (and the board's
    safeguarding lead, who is told at once)."""
    from coprod.models import ConcernReason
    from coprod.safeguarding.services import raise_concern

    question.private = True
    question.private_note = note
    audit.record("question.private", target=question, board_id=question.board_id, actor=by)
    db.session.flush()
    raise_concern(question, ConcernReason.MARKED_PRIVATE, by=by)


def put_back(question: Question, *, by: User) -> None:
    """Back into the queue (a mistake undone). What was written stays."""
    question.agenda_item_id = None
    question.joined_to_id = None
    _moderated(question, QuestionStatus.SENT, "question.put-back", by=by)


# ---- telling people -----------------------------------------------------------------------------

STATUS_WORDS = {
    QuestionStatus.DRAFT: _l("Not sent yet. You can carry on with it."),
    QuestionStatus.SENT: _l("Sent. The secretary will look at it soon."),
    QuestionStatus.ON_AGENDA: _l("It is on the agenda for the meeting."),
    QuestionStatus.JOINED: _l("It was joined with a question like it."),
    QuestionStatus.ANSWERED: _l("It was answered in writing."),
    QuestionStatus.NOT_TAKEN: _l("The board did not take it. We say why."),
}

STATUS_PICTURES = {
    QuestionStatus.DRAFT: "edit",
    QuestionStatus.SENT: "email",
    QuestionStatus.ON_AGENDA: "page",
    QuestionStatus.JOINED: "link",
    QuestionStatus.ANSWERED: "notes",
    QuestionStatus.NOT_TAKEN: "no",
}


def tell_askers(question: Question) -> None:
    """Email the person who asked (and the askers of questions joined into it) what changed."""
    askers = [question.asker] + [joined.asker for joined in
                                 db.session.scalars(select(Question).where(Question.joined_to_id == question.id)
                                                    .options(selectinload(Question.asker)))]
    link = url_for("questions.mine", _external=True)
    for asker in {a.id: a for a in askers}.values():
        if not asker.email or not asker.is_active:
            continue
        with force_locale(asker.locale or "en"):
            body = "\n\n".join([
                _("Hello %(name)s,", name=asker.name),
                _("There is news about your question for %(meeting)s.", meeting=question.meeting.title),
                str(STATUS_WORDS[question.status]),
                _("See what happened on your \"My questions\" page:") + "\n" + link,
            ])
            send_email(asker.email, _("News about your question"), body)


def tell_board_questions_open(meeting: Meeting) -> int:
    """Email everyone on the board who has an email address: the meeting is taking questions.
    (People without email see it on the board's pages.) Returns how many were told."""
    link = url_for("questions.ask", slug=meeting.board.slug, _external=True)
    people = db.session.scalars(select(User).join(Membership).where(Membership.board_id == meeting.board_id,
                                                                    User.email.is_not(None)))
    told = 0
    for person in people:
        if not person.is_active:
            continue
        with force_locale(person.locale or "en"):
            lines = [_("Hello %(name)s,", name=person.name),
                     _("You can send questions for %(meeting)s.", meeting=meeting.title),
                     _("The meeting is on %(when)s.", when=times.easy_when(meeting.starts_dt))]
            if meeting.question_deadline_dt:
                lines.append(_("Send your questions by %(when)s.", when=times.easy_when(meeting.question_deadline_dt)))
            lines.append(_("You can type your question or say it:") + "\n" + link)
            send_email(person.email, _("Send your questions for the meeting"), "\n\n".join(lines))
        told += 1
    return told
