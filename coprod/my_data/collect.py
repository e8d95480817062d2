"""Gather everything about one person for their "My data" file, as coprod/my_data/inventory.py decides.

Each section reads its rows with one query (no lazy loading). The result holds only plain values
(strings, numbers, booleans, ISO dates) so it can be written as JSON; files to copy into the zip
(recordings, uploaded pictures) are listed apart, by the name they get in the zip.

Nobody else's private data: in the help you gave, another person appears by name only when you
share a board (they are on your board's lists anyway), never with their words or their choice;
"me too" shows a question's words only once they are public; a secret vote says only that you voted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, and_, or_, select

from coprod import topics
from coprod.extensions import db
from coprod.models import (AccountNotice, AgendaItem, AuditEvent, Base, Board, Choice, ContentLanguage, DataExport,
                           Feedback, Follower, Group, GroupMember, LoginCard, MagicLink, Meeting, Membership, MeToo,
                           PersonUpdate, Picture, Proposal, Question, RecoveryCode, SignIn, User, Vote)
from coprod.models.follow import Record
from coprod.models.question import SHOWN
from coprod.my_data.inventory import USER_COLUMNS, WORK


@dataclass
class Collected:
    data: dict[str, Any]
    # name in the zip -> the file to copy
    files: dict[str, Path] = field(default_factory=dict)


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def collect(user_id: int) -> Collected:
    person = db.session.get(User, user_id)
    if person is None:
        raise LookupError(f"no person {user_id}")
    files: dict[str, Path] = {}
    board_ids = set(db.session.scalars(select(Membership.board_id).where(Membership.user_id == user_id)))
    data: dict[str, Any] = {
        "about_you": _about(person),
        "boards": _boards(user_id),
        "groups": _groups(user_id),
        "login_cards": _cards(user_id),
        "sign_in_links": _links(user_id),
        "sign_ins": _sign_ins(user_id),
        "two_factor": _two_factor(person),
        "account_notices": _notices(user_id),
        "questions": _questions(user_id, files),
        "me_too": _me_too(user_id),
        "votes": _votes(user_id),
        "meetings_coming": _coming(user_id),
        "meetings_checked_in": _checked_in(user_id),
        "payments": _payments(user_id, files),
        "not_happy_ratings": _feedback(user_id, files),
        "follows": _follows(user_id),
        "updates": _updates(user_id),
        "pictures": _pictures(user_id, files),
        "help_you_gave": _help_given(user_id, board_ids),
        "easy_read_checks": _checks(user_id),
        "data_files": _data_files(user_id),
        "reminders": _reminders(user_id),
        "reminders_sent": _reminders_sent(user_id),
        "safeguarding": _safeguarding(user_id),
        "safeguarding_lead_for": _lead_for(user_id),
        "audit": _audit(user_id),
        "work": _work(user_id),
    }
    return Collected(data=data, files=files)


def _about(person: User) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "email": person.email, "picture": person.picture,
            "is_site_admin": person.is_admin, "disabled": _when(person.disabled_dt),
            "language": person.locale, "text_size": person.text_size, "colours": person.contrast,
            "has_password": person.password_hash is not None, "account_made": _when(person.created_dt)}


def _boards(user_id: int) -> list[dict]:
    rows = db.session.execute(select(Membership, Board.name, Board.slug).join(Board, Board.id == Membership.board_id)
                              .where(Membership.user_id == user_id).order_by(Board.name))
    return [{"board": name, "board_slug": slug, "role": m.role.value, "since": _when(m.created_dt)}
            for m, name, slug in rows]


def _groups(user_id: int) -> list[dict]:
    rows = db.session.execute(select(GroupMember.is_facilitator, Group.name, Board.name)
                              .join(Group, Group.id == GroupMember.group_id).join(Board, Board.id == Group.board_id)
                              .where(GroupMember.user_id == user_id).order_by(Group.name))
    return [{"group": group, "board": board, "facilitator": facilitator} for facilitator, group, board in rows]


def _cards(user_id: int) -> list[dict]:
    cards = db.session.scalars(select(LoginCard).where(LoginCard.user_id == user_id).order_by(LoginCard.id))
    return [{"id": c.id, "made": _when(c.created_dt), "stopped": _when(c.revoked_dt),
             "made_by": "you" if c.created_by_id == user_id else ("staff" if c.created_by_id else "the system")}
            for c in cards]


def _links(user_id: int) -> list[dict]:
    links = db.session.scalars(select(MagicLink).where(MagicLink.user_id == user_id).order_by(MagicLink.id))
    return [{"sent": _when(link.created_dt), "expires": _when(link.expires_dt), "used": _when(link.used_dt)}
            for link in links]


def _sign_ins(user_id: int) -> list[dict]:
    rows = db.session.scalars(select(SignIn).where(SignIn.user_id == user_id).order_by(SignIn.id))
    return [{"how": s.method, "card_id": s.card_id, "started": _when(s.created_dt), "expires": _when(s.expires_dt),
             "ended": _when(s.ended_dt), "helped_by": s.helper_name, "helping_since": _when(s.helping_since_dt)}
            for s in rows]


def _two_factor(person: User) -> dict[str, Any]:
    codes = list(db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == person.id)))
    return {"authenticator_app_on": person.totp_on_dt is not None, "on_since": _when(person.totp_on_dt),
            "recovery_codes": len(codes), "recovery_codes_used": sum(1 for c in codes if c.used_dt is not None)}


def _notices(user_id: int) -> list[dict]:
    rows = db.session.execute(select(AccountNotice, Board.name).outerjoin(Board, Board.id == AccountNotice.board_id)
                              .where(AccountNotice.user_id == user_id).order_by(AccountNotice.id))
    return [{"kind": n.kind.value, "board": board, "when": _when(n.created_dt)} for n, board in rows]


def _recording(name: str | None, zip_name: str, files: dict[str, Path]) -> str | None:
    from coprod.questions import recordings

    path = recordings.path_of(name) if name else None
    if path is None:
        return None
    files[zip_name] = path
    return zip_name


def _questions(user_id: int, files: dict[str, Path]) -> list[dict]:
    asked = AgendaItem.__table__.alias("asked_item")
    placed = AgendaItem.__table__.alias("placed_item")
    rows = db.session.execute(
        select(Question, Board.name, Meeting.title, Meeting.starts_dt, Group.name, asked.c.title, placed.c.title)
        .join(Board, Board.id == Question.board_id).join(Meeting, Meeting.id == Question.meeting_id)
        .outerjoin(Group, Group.id == Question.group_id)
        .outerjoin(asked, asked.c.id == Question.asked_item_id).outerjoin(placed, placed.c.id == Question.agenda_item_id)
        .where(Question.asker_id == user_id).order_by(Question.id))
    found = []
    for q, board, meeting, starts, group, asked_title, placed_title in rows:
        found.append({
            "id": q.id, "board": board, "meeting": meeting, "meeting_date": _when(starts), "status": q.status.value,
            "about": asked_title or topics.label(q.topic) or None, "your_words": q.text,
            "recording": _recording(q.audio_name, f"recordings/question-{q.id}.mp3", files),
            "recording_seconds": q.audio_seconds, "what_the_secretary_heard": q.transcript,
            "wording_others_see": q.public_text, "show_your_name": q.show_name, "private": q.private,
            "for_your_group": group, "on_the_agenda_under": placed_title, "joined_to_question": q.joined_to_id,
            "answer": q.answer_text, "why_not_taken": q.reason, "helped_by": q.helper_name,
            "started": _when(q.created_dt), "sent": _when(q.sent_dt)})
    return found


def _safeguarding(user_id: int) -> list[dict]:
    """Only "you told the safeguarding lead on <date>", for the times the person ticked "I am worried
    about my safety" - never the lead's notes, nor concerns the secretary raised.

    Why: the notes can say who may be hurting the person, or what the council or police are doing.
    The file can be read by whoever is with the person (a family carer, a support worker), who may be
    the one they are worried about. UK GDPR art. 15(4) and the Data Protection Act 2018 (sch. 3, part 2:
    health, social work; and sch. 2 para. 16, other people's data) allow withholding where disclosure
    would be likely to cause serious harm. Staff decide case by case when someone asks on paper.
    (To confirm with the planner / the controller's data-protection officer.)"""
    from coprod.models import ConcernReason, SafeguardingConcern

    rows = db.session.scalars(select(SafeguardingConcern.created_dt).where(
        SafeguardingConcern.person_id == user_id, SafeguardingConcern.reason == ConcernReason.WORRIED)
        .order_by(SafeguardingConcern.id))
    return [{"what": "you told the safeguarding lead you were worried about your safety", "when": _when(when)}
            for when in rows]


def _lead_for(user_id: int) -> list[dict]:
    return [{"board": name} for name in db.session.scalars(
        select(Board.name).where(Board.safeguarding_lead_id == user_id).order_by(Board.name))]


def _me_too(user_id: int) -> list[dict]:
    rows = db.session.execute(select(MeToo, Question).join(Question, Question.id == MeToo.question_id)
                              .where(MeToo.user_id == user_id).order_by(MeToo.id))
    # Someone else's question: its words only once the board shows them to everyone.
    return [{"question": q.id, "wording": q.shown_text if (not q.private and q.status in SHOWN) else None,
             "when": _when(m.created_dt)} for m, q in rows]


def _votes(user_id: int) -> list[dict]:
    rows = db.session.execute(select(Vote, Proposal.title, Proposal.is_secret, Board.name, Choice.label)
                              .join(Proposal, Proposal.id == Vote.proposal_id).join(Board, Board.id == Proposal.board_id)
                              .outerjoin(Choice, Choice.id == Vote.open_choice_id)
                              .where(Vote.user_id == user_id).order_by(Vote.id))
    # Secret votes: the choice is in a ballot no one can link to a person (models/proposal.py); only
    # that they voted is known, and only that is here.
    return [{"vote": title, "board": board, "secret": secret, "voted": _when(v.cast_dt),
             "your_choice": None if secret else label, "helped_by": v.helper_name}
            for v, title, secret, board, label in rows]


def _coming(user_id: int) -> list[dict]:
    """Coming or not, and the help they asked for (their own access needs: only theirs to see)."""
    from coprod.models import Attendance

    rows = db.session.execute(select(Attendance, Meeting.title, Meeting.starts_dt)
                              .join(Meeting, Meeting.id == Attendance.meeting_id)
                              .where(Attendance.user_id == user_id).order_by(Attendance.id))
    return [{"meeting": title, "meeting_starts": _when(starts), "coming": a.coming,
             "support_worker": a.support_worker, "bsl_interpreter": a.bsl, "large_print": a.large_print,
             "hearing_loop": a.hearing_loop, "food": a.diet, "travel": a.travel, "other": a.other_need,
             "helped_by": a.helper_name, "when": _when(a.answered_dt)} for a, title, starts in rows]


def _checked_in(user_id: int) -> list[dict]:
    """The meetings they were at: when they were checked in, and how (card, code or name tapped)."""
    from coprod.models import CheckIn

    rows = db.session.execute(select(CheckIn, Meeting.title, Meeting.starts_dt)
                              .join(Meeting, Meeting.id == CheckIn.meeting_id)
                              .where(CheckIn.user_id == user_id).order_by(CheckIn.id))
    return [{"meeting": title, "meeting_starts": _when(starts), "checked_in": _when(c.checked_in_dt),
             "how": c.how} for c, title, starts in rows]
def _payments(user_id: int, files: dict[str, Path]) -> list[dict]:
    """Involvement payment claims: amounts (pence), how they are paid (bank details masked: the file
    may be opened on a shared tablet), the question and answer, where it is up to, the receipt photo."""
    from coprod.models.payment import PaymentClaim
    from coprod.payments import receipts

    rows = db.session.execute(select(PaymentClaim, Meeting.title, Meeting.starts_dt)
                              .join(Meeting, Meeting.id == PaymentClaim.meeting_id)
                              .where(PaymentClaim.user_id == user_id).order_by(PaymentClaim.id))
    found = []
    for claim, title, starts in rows:
        receipt = None
        if (path := receipts.path_of(claim.receipt_name)) is not None:
            receipt = f"receipts/claim-{claim.id}.jpg"
            files[receipt] = path
        found.append({"meeting": title, "meeting_starts": _when(starts), "involvement_pence": claim.involvement_pence,
                      "travel_pence": claim.travel_pence, "total_pence": claim.total_pence,
                      "pay_by": claim.pay_by.value, "account_name": claim.account_name,
                      "account_ending": claim.account_last4, "bank_details_deleted": _when(claim.bank_deleted_dt),
                      "receipt": receipt, "status": claim.status.value, "question": claim.question_text,
                      "your_answer": claim.answer_text, "helped_by": claim.helper_name,
                      "sent": _when(claim.created_dt), "approved": _when(claim.approved_dt),
                      "paid": _when(claim.paid_dt)})
    return found


def _feedback(user_id: int, files: dict[str, Path]) -> list[dict]:
    rows = db.session.execute(select(Feedback, Record.title).join(Record, Record.id == Feedback.record_id)
                              .where(Feedback.user_id == user_id).order_by(Feedback.id))
    return [{"record": title, "feeling": f.feeling.value, "comment": f.comment,
             "recording": _recording(f.audio_name, f"recordings/comment-{f.id}.mp3", files),
             "recording_seconds": f.audio_seconds, "helped_by": f.helper_name, "when": _when(f.updated_dt)}
            for f, title in rows]


def _follows(user_id: int) -> list[dict]:
    rows = db.session.execute(select(Follower.created_dt, Record.title).join(Record, Record.id == Follower.record_id)
                              .where(Follower.user_id == user_id).order_by(Follower.id))
    return [{"record": title, "since": _when(since)} for since, title in rows]


def _updates(user_id: int) -> list[dict]:
    rows = db.session.execute(select(PersonUpdate, Record.title).join(Record, Record.id == PersonUpdate.record_id)
                              .where(PersonUpdate.user_id == user_id).order_by(PersonUpdate.id))
    return [{"kind": u.kind.value, "record": title, "action_status": u.status.value if u.status else None,
             "when": _when(u.created_dt)} for u, title in rows]


def _pictures(user_id: int, files: dict[str, Path]) -> list[dict]:
    from coprod.pictures import uploads

    found = []
    for picture in db.session.scalars(select(Picture).where(Picture.uploaded_by_id == user_id).order_by(Picture.id)):
        path = uploads.path_of(picture.file_name) if picture.removed_dt is None else None
        zip_name = None
        if path is not None:
            zip_name = f"pictures-you-uploaded/{picture.id}{path.suffix}"
            files[zip_name] = path
        found.append({"id": picture.id, "words": picture.alt_text, "search_words": picture.search_words,
                      "uploaded": _when(picture.created_dt), "removed": _when(picture.removed_dt), "file": zip_name})
    return found


def _help_given(user_id: int, board_ids: set[int]) -> list[dict]:
    """Whom you helped, and when: never their words or their choice. Their name only if you share a
    board with them (you see them on the board anyway); otherwise "someone"."""
    shared = set(db.session.scalars(select(Membership.user_id).where(Membership.board_id.in_(board_ids)))) \
        if board_ids else set()
    names = {row[0]: row[1] for row in db.session.execute(select(User.id, User.name).where(User.id.in_(shared)))} \
        if shared else {}

    def who(person_id: int) -> str | None:
        return names.get(person_id)

    given: list[dict] = []
    for started, person_id in db.session.execute(select(SignIn.helping_since_dt, SignIn.user_id)
                                                 .where(SignIn.helper_id == user_id)):
        given.append({"what": "helping on their device", "person": who(person_id), "when": _when(started)})
    for sent, created, person_id in db.session.execute(select(Question.sent_dt, Question.created_dt, Question.asker_id)
                                                       .where(Question.helper_id == user_id)):
        given.append({"what": "a question", "person": who(person_id), "when": _when(sent or created)})
    for created, person_id in db.session.execute(select(MeToo.created_dt, MeToo.user_id)
                                                 .where(MeToo.helper_id == user_id)):
        given.append({"what": "me too", "person": who(person_id), "when": _when(created)})
    for cast, person_id in db.session.execute(select(Vote.cast_dt, Vote.user_id).where(Vote.helper_id == user_id)):
        given.append({"what": "a vote", "person": who(person_id), "when": _when(cast)})
    from coprod.models import Attendance

    for answered, person_id in db.session.execute(select(Attendance.answered_dt, Attendance.user_id)
                                                  .where(Attendance.helper_id == user_id)):
        given.append({"what": "are you coming", "person": who(person_id), "when": _when(answered)})
    from coprod.models.payment import PaymentClaim

    for created, person_id in db.session.execute(select(PaymentClaim.created_dt, PaymentClaim.user_id)
                                                 .where(PaymentClaim.helper_id == user_id)):
        given.append({"what": "a payment claim (not the amounts)", "person": who(person_id), "when": _when(created)})
    for updated, person_id in db.session.execute(select(Feedback.updated_dt, Feedback.user_id)
                                                 .where(Feedback.helper_id == user_id)):
        given.append({"what": "are you happy with this", "person": who(person_id), "when": _when(updated)})
    return sorted(given, key=lambda row: row["when"] or "")


def _checks(user_id: int) -> list[dict]:
    rows = db.session.scalars(select(ContentLanguage).where(ContentLanguage.checker_id == user_id)
                              .order_by(ContentLanguage.id))
    return [{"kind": row.kind, "content_id": row.content_id, "language": row.language,
             "checked_on": _when(row.checked_on), "name_shown": row.checker_name} for row in rows]


def _data_files(user_id: int) -> list[dict]:
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == user_id).order_by(DataExport.id))
    return [{"asked": _when(e.created_dt), "on_paper": e.on_paper, "status": e.status.value,
             "expires": _when(e.expires_dt)} for e in rows]


def _reminders(user_id: int) -> dict[str, Any]:
    """How you get reminders: your choice, your mobile number, your supporter's details."""
    from coprod.models import ReminderChoice
    from coprod.reminders.services import DEFAULT_HOW

    choice = db.session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == user_id))
    if choice is None:
        return {"how": DEFAULT_HOW.value, "chosen": False}
    return {"how": choice.how.value, "chosen": True, "mobile": choice.mobile,
            "supporter_gets_a_copy": choice.supporter_on, "supporter_name": choice.supporter_name,
            "supporter_email": choice.supporter_email, "supporter_mobile": choice.supporter_mobile,
            "meeting_pack_by_post": choice.pack_by_post, "meeting_pack_in_large_print": choice.pack_large_print,
            "postal_address": choice.postal_address, "changed": _when(choice.updated_dt)}


def _reminders_sent(user_id: int) -> list[dict]:
    from coprod.models import SentReminder

    rows = db.session.execute(select(SentReminder, Board.name).join(Board, Board.id == SentReminder.board_id)
                              .where(SentReminder.user_id == user_id).order_by(SentReminder.id))
    return [{"board": board, "kind": sent.kind, "about_id": sent.subject_id, "how": sent.channel.value,
             "status": sent.status.value, "when": _when(sent.sent_dt or sent.created_dt)} for sent, board in rows]


def _audit(user_id: int) -> list[dict]:
    """Entries you made, entries where you helped, and entries about you or your questions and comments.
    Who did something to you is said as "you" or "staff", never by name; details only of what you did
    or what was done to you (they hold ids and role names, not other people's words)."""
    question_ids = select(Question.id).where(Question.asker_id == user_id).scalar_subquery()
    about_you = or_(and_(AuditEvent.target_type == "user", AuditEvent.target_id == user_id),
                    and_(AuditEvent.target_type == "question", AuditEvent.target_id.in_(question_ids)))
    rows = db.session.execute(select(AuditEvent, Board.name).outerjoin(Board, Board.id == AuditEvent.board_id)
                              .where(or_(AuditEvent.actor_id == user_id, AuditEvent.helper_id == user_id, about_you))
                              .order_by(AuditEvent.id))
    found = []
    for event, board in rows:
        mine = event.actor_id == user_id
        about = (event.target_type == "user" and event.target_id == user_id) or event.target_type == "question"
        role = "you did it" if mine else ("you helped" if event.helper_id == user_id else "about you")
        found.append({"when": _when(event.created_dt), "action": event.action, "board": board, "you": role,
                      "done_by": "you" if mine else ("staff" if event.actor_id else "the system"),
                      "helped_by": event.helper_name if mine else None,
                      "target": event.target_type, "target_id": event.target_id,
                      "detail": event.detail if (mine or about) and event.helper_id != user_id else ""})
    return found


# The date that goes with a column that says who did something (else the row's first date).
_WHEN_OF = {"removed_by_id": "removed_dt", "published_by_id": "published_dt", "checked_by_id": "checked_dt",
            "moderated_by_id": "status_dt", "updated_by_id": "updated_dt"}


def _when_column(table: Table, column_name: str) -> Any:
    for name in (_WHEN_OF.get(column_name), "created_dt", "updated_dt", "entered_dt"):
        if name and name in table.c:
            return table.c[name]
    return None


def _work(user_id: int) -> list[dict]:
    """What you did for the board as staff: which table, which row, when - from every column the
    inventory marks WORK."""
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    found = []
    for table_name, columns in USER_COLUMNS.items():
        table: Table = tables[table_name]
        for column_name, use in columns.items():
            if use.how != WORK:
                continue
            column = table.c[column_name]
            when = _when_column(table, column_name)
            key = table.c["id"]
            statement = select(key, when) if when is not None else select(key)
            for row in db.session.execute(statement.where(column == user_id).order_by(key)):
                found.append({"what": use.why, "table": table_name, "id": row[0],
                              "when": _when(row[1]) if when is not None else None})
    return found


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many of each, for the summary."""
    return {key: len(value) for key, value in data.items() if isinstance(value, list)}


