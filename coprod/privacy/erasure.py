"""Erasing a person (UK GDPR art. 17): the one place that knows where a person's data lives.

`PERSONAL_DATA` lists every table and column that holds a person or points at one, and what
erasure does to it. tests/test_erasure.py fails when a table gets a foreign key to `user` that is
not listed here, so a new feature cannot forget the people it stores.

Afterwards no table, no audio clip, no uploaded file and no log line holds their name, email, words
or voice:

- their account row stays, emptied (no name, no email, no secrets, turned off, `erased_dt` set), so
  its id is never given to someone else: the erasure ledger (coprod/backup.py) names people by id,
  and a restore of an older backup erases the same id again;
- what is only theirs is deleted: sign-ins (sessions), cards, sign-in links, recovery codes,
  memberships, notices, follows, updates, reminder settings (their mobile, their supporter's details)
  and which reminders were sent to them, "me too"s, whether they were coming to meetings (with their
  access needs), comments on records (with their recordings),
  the throttle keys that can be worked out from their email and id;
- what others share with them stays without them: who made or checked something, who helped whom
  (the other person's side stays), the audit log (rows kept, their id and name taken out);
- their votes still count: the `vote` row (that they voted, and an open vote's choice beside their
  name) goes; the ballot that is counted stays, under a new random key nobody can link to anyone;
- safeguarding concerns about them go, with the lead's notes; in notes about others their name and
  email are replaced by [erased]; a board they were the safeguarding lead of has none (and says so);
- questions they asked go, with their recordings; or, if the board chose so, public ones stay as
  "Someone asked" (the public wording only). Records that answered them stay;
- their uploaded pictures are removed from the library and their files deleted (after the commit);
- spoken audio of pages that held their words is deleted, and the pages' audio made again;
- involvement payment claims: a claim not yet paid goes (with its receipt photo); a paid one stays for
  the council's finance records as an anonymous payment fact (meeting, amounts, dates), with no person,
  no bank details, no receipt, no question or answer and no helper.

Nothing here logs a name, an email or words: only counts.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, func, or_, select, update

from coprod import audit, outbox
from coprod.extensions import db
from coprod.models import (AccountNotice, Attendance, AuditEvent, CheckIn, Ballot, Board, ContentLanguage, Feedback, Follower,
                           GlossaryTerm, GroupMember, LoginAttempt, LoginCard, MagicLink, Meeting, Membership,
                           MeToo, Paper, PersonUpdate, Picture, Proposal, Question, RecordQuestion, RecoveryCode,
                           RoomCount, SafeguardingConcern, SafeguardingNote, SignIn, SubmissionKey, User, Vote,
                           utcnow)
from coprod.models.audio import AudioClip
from coprod.models.payment import ClaimStatus, PaymentClaim
from coprod.my_data.services import remove_exports_for
from coprod.models.reminder import BoardReminder, ReminderChoice
from coprod.reminders.sending import remove_for as remove_reminders_for
from coprod.models.follow import Action, ActionUpdate, Record

log = logging.getLogger(__name__)

# What erasure does to each place a person is held.
DELETE = "delete the rows"              # only theirs
NULL = "set to NULL"                    # the row is someone else's (or shared): it stays without them
QUESTIONS = "questions rule"            # go, or stay as "Someone asked" (board setting)
EMPTIED = "emptied"                     # the account row stays, empty (its id is never reused)
NAME_CLEARED = "cleared where it names them"
SCRUBBED = "their name and email replaced by [erased]"
REKEYED = "ballot stays, under a new random key"
CLIPS = "clips holding their name or words deleted, pages remade"
KEYS = "keys made from their email or id deleted"
PAYMENTS = "unpaid claims go; paid ones stay anonymous (amounts, meeting, dates only)"

# (table, column): (what happens, why). Every column that points at `user` is here (a test checks).
PERSONAL_DATA: dict[tuple[str, str], tuple[str, str]] = {
    ("user", "id"): (EMPTIED, "name, email, password, authenticator, settings cleared; turned off"),
    ("account_notice", "user_id"): (DELETE, "news about their own account"),
    ("audit_event", "actor_id"): (NULL, "the log keeps what was done, not that they did it"),
    ("audit_event", "helper_id"): (NULL, "the log keeps what was done, not that they helped"),
    ("audit_event", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("audit_event", "target_id"): (NULL, "where the target is their account"),
    ("audit_event", "detail"): (SCRUBBED, "e.g. 'helped by <name>'"),
    ("content_language", "updated_by_id"): (NULL, "the version stays"),
    ("content_language", "checker_id"): (NULL, "the check stays; their name goes with it"),
    ("content_language", "checker_name"): (NAME_CLEARED, "who checked it for easy read"),
    ("content_language", "checked_by_id"): (NULL, "the check stays"),
    ("glossary_term", "updated_by_id"): (NULL, "the word stays"),
    ("login_card", "user_id"): (DELETE, "their cards"),
    ("login_card", "created_by_id"): (NULL, "cards they made for others stay"),
    ("magic_link", "user_id"): (DELETE, "their sign-in links"),
    ("meeting", "created_by_id"): (NULL, "the meeting stays"),
    ("paper", "added_by_id"): (NULL, "the meeting's paper stays"),
    ("membership", "user_id"): (DELETE, "their roles"),
    ("picture", "uploaded_by_id"): (DELETE, "their pictures are removed and the files deleted; the row "
                                            "stays, emptied, like any removed picture"),
    ("picture", "removed_by_id"): (NULL, "the removal stays"),
    ("recovery_code", "user_id"): (DELETE, "their second-factor codes"),
    ("group_member", "user_id"): (DELETE, "their place in groups"),
    ("sign_in", "user_id"): (DELETE, "their sessions: every device is signed out"),
    ("sign_in", "helper_id"): (NULL, "someone else's session they were helping with"),
    ("sign_in", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("proposal", "created_by_id"): (NULL, "the proposal stays"),
    ("question", "asker_id"): (QUESTIONS, "their questions and recordings go, or public ones stay as "
                                          "'Someone asked' (board setting)"),
    ("question", "helper_id"): (NULL, "questions they helped others ask stay"),
    ("question", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("question", "moderated_by_id"): (NULL, "the decision stays"),
    ("me_too", "user_id"): (DELETE, "their 'me too's"),
    ("me_too", "helper_id"): (NULL, "someone else's 'me too' they helped with"),
    ("said_did_record", "created_by_id"): (NULL, "the record stays"),
    ("said_did_record", "published_by_id"): (NULL, "the record stays"),
    ("said_did_question", "question_id"): (QUESTIONS, "a record that answered their question stays"),
    ("room_count", "entered_by_id"): (NULL, "the count stays"),
    ("said_did_feedback", "user_id"): (DELETE, "their comments and spoken comments"),
    ("said_did_feedback", "helper_id"): (NULL, "comments they helped others give stay"),
    ("said_did_feedback", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("said_did_follower", "user_id"): (DELETE, "what they follow"),
    ("attendance", "user_id"): (DELETE, "if they were coming to meetings, and the help they needed"),
    ("attendance", "helper_id"): (NULL, "answers they helped others give stay"),
    ("attendance", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("check_in", "user_id"): (DELETE, "that they were at meetings (checked in on the day)"),
    ("check_in", "by_id"): (NULL, "people they checked in stay checked in"),
    ("vote", "user_id"): (DELETE, "that they voted (and an open vote's choice beside their name)"),
    ("vote", "helper_id"): (NULL, "votes they helped others cast stay"),
    ("vote", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("ballot", "voter_key"): (REKEYED, "the count is unchanged; nothing links the ballot to anyone"),
    ("said_did_action_update", "by_id"): (NULL, "the history stays"),
    ("said_did_action", "removed_by_id"): (NULL, "a copied action taken away stays taken away"),
    ("data_export", "user_id"): (DELETE, "their 'My data' files: rows and zips"),
    ("data_export", "asked_by_id"): (NULL, "files they made for people who asked on paper stay theirs"),
    ("submission_key", "user_id"): (DELETE, "where their forms led (kept 2 days, so a form is not done twice)"),
    ("agenda_item", "presenter"): (NAME_CLEARED, "a presenter typed by name"),
    ("said_did_action", "who_name"): (NAME_CLEARED, "who does an action, typed by name"),
    ("said_did_person_update", "user_id"): (DELETE, "their Updates page"),
    ("board", "safeguarding_lead_id"): (NULL, "the board has no safeguarding lead (its page warns the admins)"),
    ("safeguarding_concern", "person_id"): (DELETE, "concerns about their safety, with the lead's notes"),
    ("safeguarding_concern", "raised_by_id"): (NULL, "a concern they raised about someone else stays"),
    ("safeguarding_concern", "closed_by_id"): (NULL, "a concern they closed stays closed"),
    ("safeguarding_note", "by_id"): (NULL, "notes they wrote about someone else stay (their name or email "
                                           "in notes is replaced by [erased])"),
    ("login_attempt", "key"): (KEYS, "throttle keys (keyed hashes; the rest expire within a day)"),
    ("reminder_choice", "user_id"): (DELETE, "how they get reminders: their mobile number, their supporter's "
                                             "name, email and mobile"),
    ("sent_reminder", "user_id"): (DELETE, "which reminders were sent to them (no words, no numbers)"),
    ("board_reminder", "updated_by_id"): (NULL, "the board's reminder settings stay"),
    ("payment_claim", "user_id"): (PAYMENTS, "bank details, receipts, questions and answers go; a paid claim's "
                                             "amounts stay for the finance records, with no person"),
    ("payment_claim", "helper_id"): (NULL, "claims they helped others make stay"),
    ("payment_claim", "helper_name"): (NAME_CLEARED, "a helper's typed name"),
    ("payment_claim", "approved_by_id"): (NULL, "the approval stays"),
    ("payment_claim", "paid_by_id"): (NULL, "the payment stays"),
    ("audio_clip", "sentences_json"): (CLIPS, "spoken audio of pages that named them or held their words"),
}

# Files: (folder setting, what happens).
PERSONAL_FILES = {
    "QUESTION_AUDIO_DIR": "their spoken questions and comments: deleted after the commit",
    "PICTURE_DIR": "pictures they uploaded: deleted after the commit",
    "AUDIO_DIR": "audio clips holding their name or words: deleted after the commit, pages remade",
    "RECEIPT_DIR": "photos of their travel receipts: deleted after the commit",
    "QUEUE": "jobs waiting in the queue that carry their name, email or words: revoked (the worker drops them)",
}

ERASED_TEXT = "[erased]"
BOARD_CHOICES = ("go", "someone")


@dataclass
class Erasure:
    """What erasing one person did (counts only: nothing about who)."""

    questions_removed: int = 0
    questions_kept: int = 0
    recordings: int = 0
    pictures: int = 0
    votes: int = 0
    clips: int = 0
    files: list[str] = field(default_factory=list, repr=False)

    def detail(self) -> str:
        return (f"questions removed {self.questions_removed}, kept as 'Someone asked' {self.questions_kept}, "
                f"recordings {self.recordings}, pictures {self.pictures}, votes kept anonymously {self.votes}, "
                f"audio clips {self.clips}")


@dataclass
class Preview:
    """What the check page says will go (for the admin, or the person)."""

    questions_removed: int
    questions_kept: int
    recordings: int
    comments: int
    votes: int
    pictures: int
    cards: int
    boards: list[str]


class CannotErase(Exception):
    pass


def is_erasable(user: User | None) -> bool:
    return user is not None and user.erased_dt is None


def _needs_to_stay(question: Question, board_choice: str) -> bool:
    return board_choice == "someone" and question.is_public


def preview(user: User) -> Preview:
    boards = dict(db.session.execute(select(Board.id, Board.erased_questions)).all())
    questions = list(db.session.scalars(select(Question).where(Question.asker_id == user.id)))
    kept = sum(1 for q in questions if _needs_to_stay(q, boards.get(q.board_id, "go")))
    recordings = sum(1 for q in questions if q.audio_name)
    feedback = list(db.session.scalars(select(Feedback).where(Feedback.user_id == user.id)))
    recordings += sum(1 for f in feedback if f.audio_name)
    return Preview(
        questions_removed=len(questions) - kept, questions_kept=kept, recordings=recordings,
        comments=sum(1 for f in feedback if f.comment or f.audio_name),
        votes=db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == user.id)) or 0,
        pictures=db.session.scalar(select(func.count()).select_from(Picture).where(
            Picture.uploaded_by_id == user.id, Picture.removed_dt.is_(None))) or 0,
        cards=db.session.scalar(select(func.count()).select_from(LoginCard).where(
            LoginCard.user_id == user.id, LoginCard.revoked_dt.is_(None))) or 0,
        boards=list(db.session.scalars(select(Board.name).join(Membership, Membership.board_id == Board.id)
                                       .where(Membership.user_id == user.id).order_by(Board.name))),
    )


def check_may_erase(user: User, *, by: User | None) -> None:
    """Refuse to erase the last site admin (nobody could run the site)."""
    if user.is_admin:
        others = db.session.scalar(select(func.count()).select_from(User).where(
            User.is_admin.is_(True), User.id != user.id, User.disabled_dt.is_(None)))
        if not others:
            raise CannotErase("last admin")


# ---- erasing ---------------------------------------------------------------------------------------

def erase(user_id: int, *, by: User | None = None, ledger: bool = True, audit_it: bool = True) -> Erasure | None:
    """Erase the person with this id, in the current transaction (the caller commits; files, audio and
    exports go after the commit). Returns None if there is nobody to erase (no such id, or already
    erased). `ledger`: note the id in the erasure ledger (not when the ledger itself is being applied)."""
    person = db.session.get(User, user_id)
    if person is None or person.erased_dt is not None:
        return None
    done = Erasure()
    name = (person.name or "").strip()
    email = (person.email or "").strip()
    needles: set[str] = {text for text in (name, email) if len(text) >= 3}
    pages: set[str] = set()

    _erase_concerns(person, name, email, needles)  # before their questions, which the concerns point at
    _erase_questions(person, done, needles, pages)
    _erase_feedback(person, done, needles)
    # The help they typed for a meeting (the rows go with what is only theirs): Listen audio of their
    # meeting pages spoke it, so those clips go too.
    for typed in db.session.execute(select(Attendance.diet, Attendance.travel, Attendance.other_need)
                                    .where(Attendance.user_id == person.id)):
        needles.update(_words(*typed))
    # Their reminder settings: a job waiting in the queue names only a row id, which goes with them;
    # their own and their supporter's details are looked for in the queue anyway.
    reminder = db.session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == person.id))
    if reminder is not None:
        from coprod.reminders.phone import shown

        # The numbers as kept (+447...) and as pages show them (07700 900123: the admin's page, spoken).
        needles.update(text for text in (reminder.mobile, reminder.supporter_name, reminder.supporter_email,
                                         reminder.supporter_mobile, shown(reminder.mobile),
                                         shown(reminder.supporter_mobile)) if text and len(text) >= 3)
    _erase_payments(person, done, needles)
    _erase_pictures(person, done)
    _erase_votes(person, done)
    _delete_what_is_only_theirs(person)
    _take_them_out_of_shared_rows(person)
    _clear_typed_names(name)
    _scrub_audit(person, name, email)
    _forget_throttle_keys(person, email)
    _erase_clips(needles, done)
    _clear_named_fields(name)
    _revoke_waiting_jobs(needles)
    remove_exports_for(user_id)  # their "My data" files: rows now, files after the commit
    remove_reminders_for(user_id)  # how they get reminders (their phone number) and what was sent to them

    now = utcnow()
    person.name, person.email, person.password_hash = "", None, None
    person.totp_secret = person.totp_on_dt = person.totp_last_step = None
    person.picture, person.is_admin, person.locale = "person", False, None
    person.text_size = person.contrast = "normal"
    person.disabled_dt = person.erased_dt = person.created_dt = now
    db.session.flush()

    if audit_it:
        # Who did it (an admin, or nobody: the person themselves), never who it was.
        event = audit.record("person.erase", detail=done.detail())
        event.actor_id = by.id if by is not None and by.id != user_id else None
        event.helper_id = event.helper_name = None
        db.session.flush()
    _after_commit(user_id, done, pages)
    if ledger:
        from coprod.backup import record_erasure

        # Written now, before the commit: if the commit failed, a restore would erase them again
        # (what was asked for); the other way round, an erased person could come back.
        record_erasure(user_id)
    log.info("erasure: an account was erased (%s)", done.detail())
    return done


def _words(*texts: str | None) -> set[str]:
    """Needles for finding these words in spoken audio: each text, and each sentence of it."""
    found: set[str] = set()
    for text in texts:
        text = (text or "").strip()
        if len(text) < 3:
            continue
        found.add(text)
        found.update(part.strip() for part in re.split(r"[.!?\n]+", text) if len(part.strip()) >= 8)
    return found


def _erase_concerns(person: User, name: str, email: str, needles: set[str]) -> None:
    """Safeguarding concerns about them go, with the lead's notes (the lead's page, which spoke them,
    loses its audio too). In notes about other people, their name and email are replaced by [erased]."""
    concerns = select(SafeguardingConcern.id).where(or_(
        SafeguardingConcern.person_id == person.id,
        SafeguardingConcern.question_id.in_(select(Question.id).where(Question.asker_id == person.id))))
    for (text,) in db.session.execute(select(SafeguardingNote.text).where(SafeguardingNote.concern_id.in_(concerns))):
        needles.update(_words(text))
    gone = list(db.session.scalars(concerns))
    if gone:
        db.session.execute(update(AuditEvent).where(AuditEvent.target_type == "safeguardingconcern",
                                                    AuditEvent.target_id.in_(gone)).values(target_id=None))
        db.session.execute(delete(SafeguardingNote).where(SafeguardingNote.concern_id.in_(gone)))
        db.session.execute(delete(SafeguardingConcern).where(SafeguardingConcern.id.in_(gone)))
    names = [text for text in (email, name) if len(text) >= 3]
    if names:
        pattern = re.compile("|".join(re.escape(text) for text in names), re.IGNORECASE)
        for note_id, text in db.session.execute(select(SafeguardingNote.id, SafeguardingNote.text).where(
                or_(*(func.lower(SafeguardingNote.text).contains(n.lower(), autoescape=True) for n in names)))).all():
            db.session.execute(update(SafeguardingNote).where(SafeguardingNote.id == note_id)
                               .values(text=pattern.sub(ERASED_TEXT, text or "")))


def _erase_questions(person: User, done: Erasure, needles: set[str], pages: set[str]) -> None:
    from coprod.audio.publish import pages_for

    choices = dict(db.session.execute(select(Board.id, Board.erased_questions)).all())
    questions = list(db.session.scalars(select(Question).where(Question.asker_id == person.id)
                                        .order_by(Question.id)))
    going = [q for q in questions if not _needs_to_stay(q, choices.get(q.board_id, "go"))]
    staying = [q for q in questions if q not in going]
    for question in questions:
        if question.audio_name:
            done.files.append(f"recording:{question.audio_name}")
            done.recordings += 1
        pages.update(pages_for(question))
    for question in staying:
        shown = question.shown_text
        needles.update(w for w in _words(question.text, question.transcript, question.private_note)
                       if w not in shown)
        question.public_text = shown
        question.text = question.transcript = question.private_note = ""
        question.audio_name = question.audio_seconds = None
        question.show_name = False
        question.helper_id, question.helper_name = None, None
        done.questions_kept += 1
    if not going:
        return
    gone = {q.id for q in going}
    for question in going:
        needles.update(_words(question.text, question.transcript, question.public_text, question.private_note))
    # Others' questions joined to one that goes: the first takes its place (status, agenda, answer).
    for lead in going:
        followers = list(db.session.scalars(select(Question).where(
            Question.joined_to_id == lead.id, Question.id.not_in(gone)).order_by(Question.id)))
        if not followers:
            continue
        heir, rest = followers[0], followers[1:]
        heir.joined_to_id = lead.joined_to_id if lead.joined_to_id not in gone else None
        heir.status, heir.status_dt = lead.status, lead.status_dt
        heir.agenda_item_id, heir.answer_text, heir.reason = lead.agenda_item_id, lead.answer_text, lead.reason
        for other in rest:
            other.joined_to_id = heir.id
        for link in db.session.scalars(select(RecordQuestion).where(RecordQuestion.question_id == lead.id)):
            already = db.session.scalar(select(RecordQuestion.id).where(
                RecordQuestion.record_id == link.record_id, RecordQuestion.question_id == heir.id))
            if already is None:
                link.question_id = heir.id
    db.session.flush()
    db.session.execute(update(Question).where(Question.id.in_(gone)).values(joined_to_id=None))
    db.session.execute(update(Question).where(Question.joined_to_id.in_(gone)).values(joined_to_id=None))
    db.session.execute(delete(RecordQuestion).where(RecordQuestion.question_id.in_(gone)))
    db.session.execute(delete(MeToo).where(MeToo.question_id.in_(gone)))
    db.session.execute(update(AuditEvent).where(AuditEvent.target_type == "question",
                                                AuditEvent.target_id.in_(gone)).values(target_id=None))
    # A bulk delete: session.delete() would touch the question's relationships, which never load
    # on first touch (lazy="raise"); nothing cascades from a question in Python.
    db.session.execute(delete(Question).where(Question.id.in_(gone)))
    done.questions_removed = len(going)
    db.session.flush()


def _erase_feedback(person: User, done: Erasure, needles: set[str]) -> None:
    for answer in db.session.scalars(select(Feedback).where(Feedback.user_id == person.id)):
        needles.update(_words(answer.comment))
        if answer.audio_name:
            done.files.append(f"recording:{answer.audio_name}")
            done.recordings += 1
    db.session.execute(delete(Feedback).where(Feedback.user_id == person.id))


def _erase_pictures(person: User, done: Erasure) -> None:
    now = utcnow()
    for picture in db.session.scalars(select(Picture).where(Picture.uploaded_by_id == person.id)):
        if picture.removed_dt is None:
            picture.removed_dt = now
            done.pictures += 1
        done.files.append(f"picture:{picture.file_name}")
        picture.alt_text, picture.search_words, picture.uploaded_by_id = "", "", None
    db.session.flush()


def _erase_votes(person: User, done: Erasure) -> None:
    from coprod.votes.services import voter_key

    for proposal_id in list(db.session.scalars(select(Vote.proposal_id).where(Vote.user_id == person.id))):
        # The counted ballot stays, under a random key like any other: the totals do not change, and
        # nobody (not even a new account given the same id) can find or change it.
        db.session.execute(update(Ballot).where(
            Ballot.proposal_id == proposal_id, Ballot.voter_key == voter_key(proposal_id, person.id))
            .values(voter_key=secrets.token_hex(32)))
        done.votes += 1
    db.session.execute(delete(Vote).where(Vote.user_id == person.id))


def _erase_payments(person: User, done: Erasure, needles: set[str]) -> None:
    """Unpaid claims go; paid ones stay as anonymous payment facts. Receipts go after the commit."""
    for claim in db.session.scalars(select(PaymentClaim).where(PaymentClaim.user_id == person.id)):
        needles.update(_words(claim.question_text, claim.answer_text, claim.account_name))
        if claim.receipt_name:
            done.files.append(f"receipt:{claim.receipt_name}")
        if claim.status != ClaimStatus.PAID:
            db.session.delete(claim)
            continue
        claim.user_id = claim.helper_id = claim.helper_name = None
        claim.account_name = claim.bank_sealed = claim.account_last4 = claim.receipt_name = None
        claim.question_text = claim.answer_text = ""
        claim.bank_deleted_dt = claim.bank_deleted_dt or utcnow()
    db.session.flush()


def _delete_what_is_only_theirs(person: User) -> None:
    uid = person.id
    for model in (Attendance, CheckIn, MeToo, Follower, PersonUpdate, AccountNotice, Membership, GroupMember, SignIn, MagicLink,
                  RecoveryCode, SubmissionKey):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(update(SignIn).where(SignIn.card_id.in_(
        select(LoginCard.id).where(LoginCard.user_id == uid))).values(card_id=None))
    db.session.execute(delete(LoginCard).where(LoginCard.user_id == uid))
    db.session.expire(person, ["memberships"])


def _take_them_out_of_shared_rows(person: User) -> None:
    uid = person.id
    nulls: list[tuple[Any, dict[str, Any]]] = [
        (AuditEvent.actor_id, {}),
        (AuditEvent.helper_id, {"helper_name": None}),
        (ContentLanguage.updated_by_id, {}),
        (ContentLanguage.checker_id, {"checker_name": None}),
        (ContentLanguage.checked_by_id, {}),
        (GlossaryTerm.updated_by_id, {}),
        (LoginCard.created_by_id, {}),
        (Meeting.created_by_id, {}),
        (Paper.added_by_id, {}),
        (Picture.removed_by_id, {}),
        (SignIn.helper_id, {"helper_name": None, "helping_since_dt": None}),
        (Proposal.created_by_id, {}),
        (Question.helper_id, {"helper_name": None}),
        (Question.moderated_by_id, {}),
        (MeToo.helper_id, {}),
        (Record.created_by_id, {}),
        (Record.published_by_id, {}),
        (RoomCount.entered_by_id, {}),
        (Feedback.helper_id, {"helper_name": None}),
        (Vote.helper_id, {"helper_name": None}),
        (Attendance.helper_id, {"helper_name": None}),
        (CheckIn.by_id, {}),
        (PaymentClaim.helper_id, {"helper_name": None}),
        (PaymentClaim.approved_by_id, {}),
        (PaymentClaim.paid_by_id, {}),
        (ActionUpdate.by_id, {}),
        (Action.removed_by_id, {}),
        (BoardReminder.updated_by_id, {}),
        (Board.safeguarding_lead_id, {}),
        (SafeguardingConcern.raised_by_id, {}),
        (SafeguardingConcern.closed_by_id, {}),
        (SafeguardingNote.by_id, {}),
    ]
    for column, also in nulls:
        db.session.execute(update(column.class_).where(column == uid).values({column.key: None, **also}),
                           execution_options={"synchronize_session": False})
    db.session.execute(update(AuditEvent).where(AuditEvent.target_type == "user", AuditEvent.target_id == uid)
                       .values(target_id=None))


def _clear_typed_names(name: str) -> None:
    """A helper or checker typed by name (not chosen from the people list) who is this person."""
    if not name:
        return
    wanted = name.lower()
    for column in (AuditEvent.helper_name, SignIn.helper_name, Question.helper_name, Feedback.helper_name,
                   Vote.helper_name, Attendance.helper_name, PaymentClaim.helper_name,
                   ContentLanguage.checker_name):
        db.session.execute(update(column.class_).where(func.lower(column) == wanted).values({column.key: None}),
                           execution_options={"synchronize_session": False})


def _scrub_audit(person: User, name: str, email: str) -> None:
    names = [text for text in (email, name) if len(text) >= 3]
    if not names:
        return
    pattern = re.compile("|".join(re.escape(text) for text in names), re.IGNORECASE)
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.detail).where(
        or_(*(func.lower(AuditEvent.detail).contains(text.lower(), autoescape=True) for text in names)))).all()
    for event_id, detail in rows:
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                           .values(detail=pattern.sub(ERASED_TEXT, detail or "")))


def _clear_named_fields(name: str) -> None:
    """Short fields staff type a person's name into: a presenter, who does an action. Exactly their name
    goes (longer free text, such as minutes, is the board's record: see the README)."""
    from coprod.models import AgendaItem

    if len(name) < 3:
        return
    for column in (AgendaItem.presenter, Action.who_name):
        db.session.execute(update(column.class_).where(func.lower(column) == name.lower()).values({column.key: ""}),
                           execution_options={"synchronize_session": False})


def _revoke_waiting_jobs(needles: set[str]) -> None:
    """Jobs already waiting in the queue that carry their name or words (an email to them, audio of
    their question) are revoked: the worker drops them instead of making a clip of their words."""
    wanted = [needle.lower() for needle in needles if needle]
    if not wanted:
        return
    try:
        from coprod.tasks import huey

        for task in huey.pending():
            carried = repr((task.args, task.kwargs)).lower()
            if any(needle in carried for needle in wanted):
                huey.revoke_by_id(task.id)
    except Exception as error:  # the queue being down must not stop an erasure
        log.error("erasure: could not look through the job queue (%s)", type(error).__name__)


def _forget_throttle_keys(person: User, email: str) -> None:
    from coprod.accounts import throttle

    keys = [throttle.key("link-account", str(person.id)), throttle.key("second-step", str(person.id))]
    if email:
        account = email.strip().lower()
        keys += [throttle.key("link-email", account), throttle.key("password-account", account)]
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))


def _erase_clips(needles: set[str], done: Erasure) -> None:
    """Spoken audio is keyed by its words: a clip that held their name or words is deleted (its file
    after the commit); the pages are made again without them."""
    wanted = [needle.lower() for needle in needles if needle]
    if not wanted:
        return
    keys = []
    for key, stored in db.session.execute(select(AudioClip.key, AudioClip.sentences_json)):
        try:
            loaded = json.loads(stored or "[]")
        except ValueError:
            loaded = stored
        sentences = loaded.get("sentences", []) if isinstance(loaded, dict) else loaded
        spoken = " ".join(map(str, sentences)).lower() if isinstance(sentences, list) else str(sentences).lower()
        if any(needle in spoken for needle in wanted):
            keys.append(key)
    for start in range(0, len(keys), 500):
        db.session.execute(delete(AudioClip).where(AudioClip.key.in_(keys[start:start + 500])))
    done.files += [f"clip:{key}" for key in keys]
    done.clips = len(keys)


# ---- after the commit: files, audio, exports ------------------------------------------------------

def _after_commit(user_id: int, done: Erasure, pages: set[str]) -> None:
    from coprod import public_cache

    outbox.after_commit(remove_files, list(done.files))
    # Cached public pages that showed them (never served again under the new site stamp) are deleted.
    outbox.after_commit(public_cache.forget_everything)
    if pages:
        from coprod.audio.publish import _prepare_pages

        outbox.gathered(db.session(), _prepare_pages).update(pages)


def remove_files(files: list[str]) -> None:
    """Delete recordings, pictures and audio clips named `kind:name` (run after the commit)."""
    if not has_app_context():
        return
    from coprod.audio.store import AudioStore
    from coprod.payments import receipts
    from coprod.pictures import uploads
    from coprod.questions import recordings

    store = AudioStore(current_app.config["AUDIO_DIR"]) if current_app.config.get("AUDIO_DIR") else None
    for entry in files:
        kind, _colon, name = entry.partition(":")
        try:
            if kind == "recording":
                path = recordings.path_of(name)
                if path is not None:
                    path.unlink(missing_ok=True)
            elif kind == "picture":
                uploads.delete(name)
            elif kind == "receipt":
                receipts.delete(name)
            elif kind == "clip" and store is not None:
                store.delete(name)
        except (OSError, ValueError) as error:  # no file name in the log line
            log.error("erasure: could not delete a %s file (%s)", kind, type(error).__name__)


def erase_ledger_entries(entries: list[dict]) -> list[dict]:
    """Erase again every person the erasure ledger lists (after a restore). Returns those it could not."""
    not_erased = []
    for entry in entries:
        try:
            user_id = int(entry["user_id"])
        except (KeyError, TypeError, ValueError):
            not_erased.append(entry)
            continue
        erase(user_id, ledger=False)
    return not_erased


# ---- `coprod erase-person ID` ---------------------------------------------------------------------

def _command():
    import click
    from flask.cli import with_appcontext

    @click.command("erase-person")
    @click.argument("user_id", type=int)
    @click.option("--yes", is_flag=True, help="Do not ask first.")
    @with_appcontext
    def erase_person_command(user_id: int, yes: bool):
        """Erase the person with account number USER_ID (UK GDPR art. 17): everything about them goes
        from the database, the recordings, pictures and audio, and the erasure ledger keeps their
        number so a restore of an older backup erases them again. Their votes still count."""
        with current_app.test_request_context():
            person = db.session.get(User, user_id)
            if not is_erasable(person):
                raise click.ClickException(f"There is no account {user_id} to erase (or it is already erased).")
            assert person is not None
            try:
                check_may_erase(person, by=None)
            except CannotErase:
                raise click.ClickException("This is the only site admin: make someone else an admin first.") \
                    from None
            if not yes:
                click.confirm(f"Erase account {user_id}? This cannot be undone.", abort=True)
            done = erase(user_id, by=None)
            db.session.commit()
        click.echo(f"Account {user_id} is erased: {done.detail() if done else 'nothing to do'}.")

    return erase_person_command


def register(app) -> None:
    app.cli.add_command(_command())
