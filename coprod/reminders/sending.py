"""Sending one claimed reminder, once.

`deliver(sent_id)` first claims the row for sending (waiting or failed -> sending) in its own
committed statement, so two workers given the same row cannot both send it: the second finds it
already taken and stops. Then it sends, and records the outcome:

- sent: done;
- failed: nothing left (the mail server or Notify could not be reached): the worker's retry claims it
  again and tries again;
- refused: the mail server or Notify said no (a bad number): not tried again;
- skipped: no mail server or Notify set up, or the address is gone: not tried again;
- left as "sending": the request went but no answer came back: it may have been sent, so it is never
  tried again (at most once, never twice).

Log lines name the row's id and the outcome, never the number, address, name or words.
"""

from __future__ import annotations

import logging
import smtplib

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from coprod import times
from coprod.extensions import db
from coprod.models import (Board, Meeting, Proposal, ReminderChannel, ReminderChoice, ReminderKind,
                           SentReminder, SentStatus, User, Vote, utcnow)
from coprod.models.follow import Action, ActionUpdate, Record
from coprod.reminders import letters, notify, services, words

log = logging.getLogger(__name__)


class SendLater(Exception):
    """Raised so the worker tries again later (nothing was sent)."""


def _claim(sent_id: int) -> bool:
    taken = db.session.execute(
        update(SentReminder).where(SentReminder.id == sent_id,
                                   SentReminder.status.in_((SentStatus.WAITING, SentStatus.FAILED)))
        .values(status=SentStatus.SENDING, tries=SentReminder.tries + 1))
    db.session.commit()
    return taken.rowcount == 1


def _finish(sent_id: int, status: SentStatus, provider_id: str | None = None) -> None:
    values: dict = {"status": status}
    if status == SentStatus.SENT:
        values.update(sent_dt=utcnow(), provider_id=provider_id)
    db.session.execute(update(SentReminder).where(SentReminder.id == sent_id).values(**values))
    db.session.commit()


def deliver(sent_id: int) -> str:
    """Send the reminder in row `sent_id` if nobody has; returns what happened (a SentStatus value, or
    "taken" when another worker has it or it was done already)."""
    if not _claim(sent_id):
        return "taken"
    sent = db.session.get(SentReminder, sent_id)
    if sent is None:  # erased between the claim and now
        return "taken"
    try:
        outcome, provider_id = _send(sent)
    except SendLater:
        _finish(sent_id, SentStatus.FAILED)
        log.warning("reminders: reminder %d not sent yet, will try again", sent_id)
        raise
    except notify.Unsure:
        db.session.rollback()
        log.warning("reminders: reminder %d: no answer from Notify; not tried again", sent_id)
        return SentStatus.SENDING.value
    _finish(sent_id, outcome, provider_id)
    log.info("reminders: reminder %d %s", sent_id, outcome.value)
    return outcome.value


def _send(sent: SentReminder) -> tuple[SentStatus, str | None]:
    person = db.session.get(User, sent.user_id)
    choice = services.choice_for(sent.user_id)
    if person is None or person.erased_dt is not None or person.disabled_dt is not None:
        return SentStatus.SKIPPED, None
    if sent.kind == ReminderKind.VOTING_CLOSES.value and db.session.scalar(select(Vote.id).where(
            Vote.proposal_id == sent.subject_id, Vote.user_id == sent.user_id)) is not None:
        return SentStatus.SKIPPED, None  # they voted since it was claimed
    # Still a way they chose? (They may have changed their settings since.)
    if sent.channel not in services.channels_for(person, choice, _board_kind(sent.kind)):
        return SentStatus.SKIPPED, None
    if sent.channel == ReminderChannel.LETTER:
        return _post_pack(sent, person)
    supporter = sent.channel in (ReminderChannel.SUPPORTER_EMAIL, ReminderChannel.SUPPORTER_TEXT)
    message = _message(sent, person, choice.supporter_name if supporter and choice else None)
    if message is None:
        return SentStatus.SKIPPED, None
    if sent.channel in (ReminderChannel.EMAIL, ReminderChannel.SUPPORTER_EMAIL):
        to = person.email if sent.channel == ReminderChannel.EMAIL else choice.supporter_email
        return _email(to, message), None
    mobile = choice.mobile if sent.channel == ReminderChannel.TEXT else choice.supporter_mobile
    try:
        return SentStatus.SENT, notify.send_text(mobile, message.text, reference=f"coprod-reminder-{sent.id}")
    except notify.NotSetUp:
        current_app.logger.warning("text not sent: Notify is not set up")
        return SentStatus.SKIPPED, None
    except notify.Refused:
        return SentStatus.REFUSED, None
    except notify.TryAgain:
        raise SendLater() from None


def _board_kind(sent_kind: str) -> ReminderKind:
    return ReminderKind.SAID_DID if sent_kind.startswith("said_did") else ReminderKind(sent_kind)


def _post_pack(sent: SentReminder, person: User) -> tuple[SentStatus, str | None]:
    """Post the meeting pack: one Notify letter per part (coprod/reminders/letters.py). The id of each
    letter posted is saved (and committed) at once, so a retry after a failure posts only the rest."""
    from werkzeug.exceptions import NotFound

    board = db.session.get(Board, sent.board_id)
    meeting = db.session.get(Meeting, sent.subject_id)
    if board is None or meeting is None:
        return SentStatus.SKIPPED, None
    person_on_paper = services.paper_person(board, meeting, person.id)
    if person_on_paper is None:
        return SentStatus.SKIPPED, None
    if not notify.letters_set_up():
        current_app.logger.warning("letter not sent: Notify is not set up")
        return SentStatus.SKIPPED, None
    try:
        pdfs = letters.letters(services.letter_for(board, meeting, person_on_paper))
    except NotFound:  # the agenda is not published any more
        return SentStatus.SKIPPED, None
    posted = (sent.provider_id or "").split()
    for number, pdf in enumerate(pdfs, start=1):
        if number <= len(posted):
            continue  # posted on an earlier try
        try:
            posted.append(notify.send_letter(pdf, reference=f"coprod-pack-{sent.id}-{number}"))
        except notify.Refused:
            return SentStatus.REFUSED, " ".join(posted) or None
        except notify.TryAgain:
            raise SendLater() from None
        db.session.execute(update(SentReminder).where(SentReminder.id == sent.id).values(provider_id=" ".join(posted)))
        db.session.commit()
    return SentStatus.SENT, " ".join(posted)


def _language(person: User) -> str:
    return person.locale if person.locale in current_app.config["LANGUAGES"] else "en"


def _email(to: str, message: words.Message) -> SentStatus:
    from coprod.mail import deliver

    if current_app.config["MAIL_BACKEND"] == "log":
        deliver(to, message.subject, message.body)  # logs that no mail server is set up (no address)
        return SentStatus.SKIPPED
    try:
        deliver(to, message.subject, message.body)
    except smtplib.SMTPRecipientsRefused:
        return SentStatus.REFUSED
    except (smtplib.SMTPException, OSError):
        raise SendLater() from None
    return SentStatus.SENT


def _message(sent: SentReminder, person: User, supporter_name: str | None) -> words.Message | None:
    """The reminder in the person's language, with the board's words for it."""
    from flask import url_for

    board = db.session.get(Board, sent.board_id)
    if board is None:
        return None
    kind = _board_kind(sent.kind)
    own = services.board_words(board.id, kind)
    language = _language(person)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), force_locale(language):
        facts, link = _facts(sent, board, url_for)
        if facts is None:
            return None
        return words.build(kind, words=own, facts=facts, link=link, board_name=board.name,
                           person_name=person.name, supporter_name=supporter_name,
                           settings_link=url_for("reminders.mine", _external=True))


def _facts(sent: SentReminder, board: Board, url_for) -> tuple[str | None, str]:
    from flask_babel import gettext as _

    slug = board.slug
    if sent.kind in (ReminderKind.WEEK_BEFORE.value, ReminderKind.DAY_BEFORE.value,
                     ReminderKind.QUESTIONS_CLOSE.value):
        meeting = db.session.get(Meeting, sent.subject_id)
        if meeting is None:
            return None, ""
        link = url_for("meetings.meeting", slug=slug, meeting_id=meeting.id, _external=True)
        if sent.kind == ReminderKind.QUESTIONS_CLOSE.value:
            return _("%(meeting)s. Send questions by %(when)s.", meeting=meeting.title,
                     when=times.easy_when(meeting.question_deadline_dt)), \
                url_for("questions.ask", slug=slug, _external=True)
        return _("%(meeting)s: %(when)s. Place: %(place)s.", meeting=meeting.title,
                 when=times.easy_when(meeting.starts_dt), place=meeting.place), link
    if sent.kind == ReminderKind.VOTING_CLOSES.value:
        proposal = db.session.get(Proposal, sent.subject_id)
        if proposal is None:
            return None, ""
        return _("Vote on: %(title)s. Voting closes at %(time)s.", title=proposal.title,
                 time=times.easy_time(proposal.closes_dt)), \
            url_for("votes.proposal", slug=slug, proposal_id=proposal.id, _external=True)
    if sent.kind == services.SAID_DID_ACTION:
        found = db.session.execute(select(Record.id, Record.title, Action.what)
                                   .join(Action, Action.record_id == Record.id)
                                   .join(ActionUpdate, ActionUpdate.action_id == Action.id)
                                   .where(ActionUpdate.id == sent.subject_id)).first()
        if found is None:
            return None, ""
        return _("%(record)s. What changed: %(what)s.", record=found.title, what=found.what.strip().rstrip(".")), \
            url_for("follow.record", slug=slug, record_id=found.id, _external=True)
    record = db.session.get(Record, sent.subject_id)
    if record is None:
        return None, ""
    return _("%(record)s.", record=record.title.strip().rstrip(".")), \
        url_for("follow.record", slug=slug, record_id=record.id, _external=True)


def remove_for(user_id: int) -> None:
    """Erasure: the person's settings and what was sent to them go (coprod/privacy/erasure.py)."""
    from sqlalchemy import delete

    db.session.execute(delete(SentReminder).where(SentReminder.user_id == user_id))
    db.session.execute(delete(ReminderChoice).where(ReminderChoice.user_id == user_id))
