"""Retention: personal data is kept only as long as it is needed (UK GDPR art. 5(1)(e)).

One function per kind of data. Each takes `now` (so tests can move the clock) and `dry_run`, removes
what is past its time (config: KEEP_*_DAYS, AUDIO_KEEP_DAYS) and returns how many it removed - counts
only, never anyone's words, names or ids. Rows go in the caller's transaction (it flushes, never
commits); files go only after the commit (coprod/outbox.py), so a rollback never leaves a row whose
file is gone. `run()` does every kind; the worker calls it once a day (coprod/tasks.py) and
`coprod retention` calls it by hand.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from coprod.extensions import db
from coprod.models import (AudioClip, AuditEvent, LoginAttempt, MagicLink, MeToo, Question, QuestionStatus,
                           RecordQuestion, SignIn, utcnow)
from coprod.outbox import after_commit

log = logging.getLogger(__name__)

Counts = dict[str, int]
# The audit entry of each run: what an admin reads on "What was removed".
REPORT_ACTION = "retention.run"
# Audit entries about signing in count as sign-in records (kept KEEP_SIGN_IN_DAYS, not KEEP_AUDIT_DAYS).
SIGN_IN_ACTIONS = ("sign-in",)
# A file no row knows is removed only once it is this old: a request may have just written it and
# not committed yet (a recording is stored before its question row is saved).
_ORPHAN_AGE = timedelta(days=1)


def _days(setting: str) -> timedelta:
    return timedelta(days=current_app.config[setting])


def _remove_files(paths: list[str]) -> None:
    """After the commit: the files of rows that are gone. A file already gone is fine."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _after_commit_remove(paths: list[Path], dry_run: bool) -> None:
    if paths and not dry_run:
        after_commit(_remove_files, [str(path) for path in paths])


def _recording_folder() -> Path:
    return Path(current_app.config["QUESTION_AUDIO_DIR"])


def _recording_path(name: str) -> Path | None:
    from coprod.questions.recordings import path_of

    return path_of(name)


# ---- one function per kind ----------------------------------------------------------------------

def drafts(now: datetime, dry_run: bool = False) -> Counts:
    """Questions never sent, started more than KEEP_DRAFT_DAYS ago, with their recordings; and
    recordings no question uses any more (replaced or taken out of a draft) once a day old."""
    cutoff = now - _days("KEEP_DRAFT_DAYS")
    joined = aliased(Question)
    old = list(db.session.execute(
        select(Question.id, Question.audio_name)
        .where(Question.status == QuestionStatus.DRAFT, Question.created_dt < cutoff,
               # Never a draft something points at (nothing should; the database would refuse).
               ~exists().where(MeToo.question_id == Question.id),
               ~exists().where(RecordQuestion.question_id == Question.id),
               ~exists().where(joined.joined_to_id == Question.id))))
    ids = [row.id for row in old]
    files = [path for row in old if row.audio_name and (path := _recording_path(row.audio_name))]
    if ids and not dry_run:
        for start in range(0, len(ids), 500):
            db.session.execute(delete(Question).where(Question.id.in_(ids[start:start + 500])))
        db.session.flush()
    unused = _unused_recordings(now, leaving=set(files))
    _after_commit_remove(files + unused, dry_run)
    return {"questions": len(ids), "recordings": len(files), "unused_recordings": len(unused)}


def _unused_recordings(now: datetime, leaving: set[Path]) -> list[Path]:
    """Recording files in the folder that no question names, older than a day."""
    folder = _recording_folder()
    if not folder.is_dir():
        return []
    known = {name for name in db.session.scalars(select(Question.audio_name).where(Question.audio_name.isnot(None)))}
    cutoff = (now - _ORPHAN_AGE).timestamp()
    found = []
    for path in folder.iterdir():
        if path.is_file() and path.name not in known and path not in leaving and path.stat().st_mtime < cutoff:
            found.append(path)  # includes `.part-` files left by a request that died mid-write
    return found


def answered_recordings(now: datetime, dry_run: bool = False) -> Counts:
    """The recording of a spoken question, KEEP_ANSWERED_RECORDING_DAYS after it was answered: in
    writing or not taken (the day it was decided), or at the meeting (on the agenda, or joined to a
    question that was: the day the minutes came out, or the meeting's day if there are none). The
    question and its words stay. A recording nobody wrote down (no typed words, no transcript) is
    kept, so the question never loses what it says; the count `kept_unwritten` tells the admin."""
    cutoff = now - _days("KEEP_ANSWERED_RECORDING_DAYS")
    spoken = db.session.scalars(
        select(Question).options(joinedload(Question.meeting))
        .where(Question.audio_name.isnot(None),
               Question.status.in_([QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN,
                                    QuestionStatus.ON_AGENDA, QuestionStatus.JOINED])))
    removed, kept, files = 0, 0, []
    for question in spoken:
        if question.status in (QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN):
            answered = question.status_dt
        else:
            answered = question.meeting.minutes_published_dt or question.meeting.starts_dt
        if answered is None or _aware(answered) >= cutoff or _aware(answered) > now:
            continue
        if not (question.text.strip() or question.transcript.strip()):
            kept += 1
            continue
        removed += 1
        if (path := _recording_path(question.audio_name or "")) is not None:
            files.append(path)
        if not dry_run:
            question.audio_name = None
            question.audio_seconds = None
    if not dry_run:
        db.session.flush()
    _after_commit_remove(files, dry_run)
    return {"recordings": removed, "kept_unwritten": kept}


def sign_ins(now: datetime, dry_run: bool = False) -> Counts:
    """Sign-ins that ended or ran out, sign-in links past their time and "signed in" audit entries,
    after KEEP_SIGN_IN_DAYS; failed attempts after the day the throttle counts them."""
    from coprod.accounts.throttle import KEEP as ATTEMPTS_KEPT

    cutoff = now - _days("KEEP_SIGN_IN_DAYS")
    return {
        "sign_ins": _delete(SignIn, or_(SignIn.ended_dt < cutoff, SignIn.expires_dt < cutoff), dry_run),
        "sign_in_links": _delete(MagicLink, MagicLink.expires_dt < cutoff, dry_run),
        "failed_attempts": _delete(LoginAttempt, LoginAttempt.created_dt < now - ATTEMPTS_KEPT, dry_run),
        "audit_entries": _delete(AuditEvent, AuditEvent.action.in_(SIGN_IN_ACTIONS) & (AuditEvent.created_dt < cutoff),
                                 dry_run),
    }


def audit_log(now: datetime, dry_run: bool = False) -> Counts:
    """Every other audit entry, after KEEP_AUDIT_DAYS."""
    cutoff = now - _days("KEEP_AUDIT_DAYS")
    return {"entries": _delete(AuditEvent, AuditEvent.action.not_in(SIGN_IN_ACTIONS) & (AuditEvent.created_dt < cutoff),
                               dry_run)}


def audio_cache(now: datetime, dry_run: bool = False) -> Counts:
    """Listen clips no page has asked for in AUDIO_KEEP_DAYS (a private page's clip speaks that
    person's words), and clip files no clip row knows."""
    from coprod.audio.clips import store

    audio_store = store()
    cutoff = now - timedelta(days=current_app.config["AUDIO_KEEP_DAYS"])
    old = list(db.session.scalars(select(AudioClip.key).where(AudioClip.last_used_dt < cutoff)))
    files = [audio_store.path_for(key) for key in old]
    if old and not dry_run:
        for start in range(0, len(old), 500):
            db.session.execute(delete(AudioClip).where(AudioClip.key.in_(old[start:start + 500])))
        db.session.flush()
    # Files made more than an hour ago that no clip row knows (their row was removed, or the worker
    # died between writing the file and its row).
    on_disk = list(audio_store.keys(older_than_seconds=time.time() - (now - timedelta(hours=1)).timestamp()))
    known: set[str] = set()
    for start in range(0, len(on_disk), 500):
        known |= set(db.session.scalars(select(AudioClip.key).where(AudioClip.key.in_(on_disk[start:start + 500]))))
    going = set(old)
    orphans = [audio_store.path_for(key) for key in on_disk if key not in known and key not in going]
    _after_commit_remove(files + orphans, dry_run)
    return {"clips": len(old), "unused_files": len(orphans)}


def submission_keys(now: datetime, dry_run: bool = False) -> Counts:
    """The one-time keys that stop a form being done twice, after SUBMISSION_KEY_LIFETIME (they
    tie a person to the pages their forms led to)."""
    from coprod.models import SubmissionKey

    cutoff = now - current_app.config["SUBMISSION_KEY_LIFETIME"]
    return {"keys": _delete(SubmissionKey, SubmissionKey.created_dt < cutoff, dry_run)}


def access_needs(now: datetime, dry_run: bool = False) -> Counts:
    """The help people said they need at a meeting (personal, some about health), KEEP_ACCESS_NEEDS_DAYS
    after the meeting started. Whether they were coming, or sent apologies, stays with the meeting."""
    from sqlalchemy import update

    from coprod.models import Attendance, Meeting

    cutoff = now - _days("KEEP_ACCESS_NEEDS_DAYS")
    condition = (Attendance.needs_cleared_dt.is_(None)
                 & Attendance.meeting_id.in_(select(Meeting.id).where(Meeting.starts_dt < cutoff)))
    count = db.session.scalar(select(func.count()).select_from(Attendance).where(condition)) or 0
    if count and not dry_run:
        db.session.execute(update(Attendance).where(condition).values(
            support_worker=False, bsl=False, large_print=False, hearing_loop=False, diet="", travel="",
            other_need="", needs_cleared_dt=now), execution_options={"synchronize_session": False})
    return {"answers": count}


def sent_reminders(now: datetime, dry_run: bool = False) -> Counts:
    """Which reminders were sent to whom (no words, no numbers), KEEP_SENT_REMINDER_DAYS after they were
    claimed. Long enough: a reminder is only ever due within days of what it is about, so a row gone
    cannot let it go twice."""
    from coprod.models import SentReminder

    cutoff = now - _days("KEEP_SENT_REMINDER_DAYS")
    return {"reminders": _delete(SentReminder, SentReminder.created_dt < cutoff, dry_run)}
def payment_details(now: datetime, dry_run: bool = False) -> Counts:
    """Involvement payments: bank details KEEP_BANK_DETAILS_DAYS and receipt photos KEEP_RECEIPT_DAYS
    after the claim was paid; and receipt files no claim names, once a day old (a request that wrote
    one died before its commit). The payment itself (meeting, amounts, dates) stays."""
    from sqlalchemy import update

    from coprod.models.payment import ClaimStatus, PaymentClaim
    from coprod.payments import receipts

    paid = PaymentClaim.status == ClaimStatus.PAID
    bank = paid & PaymentClaim.bank_deleted_dt.is_(None) & \
        (PaymentClaim.paid_dt < now - _days("KEEP_BANK_DETAILS_DAYS"))
    bank_count = db.session.scalar(select(func.count()).select_from(PaymentClaim).where(bank)) or 0
    if bank_count and not dry_run:
        db.session.execute(update(PaymentClaim).where(bank).values(
            account_name=None, bank_sealed=None, account_last4=None, bank_deleted_dt=now),
            execution_options={"synchronize_session": False})
    old_receipts = paid & PaymentClaim.receipt_name.is_not(None) & \
        (PaymentClaim.paid_dt < now - _days("KEEP_RECEIPT_DAYS"))
    rows = list(db.session.execute(select(PaymentClaim.id, PaymentClaim.receipt_name).where(old_receipts)))
    files = [path for _id, name in rows if (path := receipts.path_of(name)) is not None]
    if rows and not dry_run:
        db.session.execute(update(PaymentClaim).where(PaymentClaim.id.in_([row.id for row in rows]))
                           .values(receipt_name=None), execution_options={"synchronize_session": False})
    unused = _unused_receipts(now, set(files))
    _after_commit_remove(files + unused, dry_run)
    return {"bank_details": bank_count, "receipts": len(rows), "unused_receipts": len(unused)}


def safeguarding(now: datetime, dry_run: bool = False) -> Counts:
    """Safeguarding concerns closed more than KEEP_SAFEGUARDING_DAYS ago, with the lead's notes. An
    open concern stays, however old."""
    from coprod.models import SafeguardingConcern, SafeguardingNote

    old = select(SafeguardingConcern.id).where(SafeguardingConcern.closed_dt.is_not(None),
                                               SafeguardingConcern.closed_dt < now - _days("KEEP_SAFEGUARDING_DAYS"))
    notes = _delete(SafeguardingNote, SafeguardingNote.concern_id.in_(old), dry_run)
    concerns = _delete(SafeguardingConcern, SafeguardingConcern.id.in_(old), dry_run)
    return {"concerns": concerns, "notes": notes}


def _unused_receipts(now: datetime, leaving: set[Path]) -> list[Path]:
    from coprod.models.payment import PaymentClaim

    folder = Path(current_app.config["RECEIPT_DIR"])
    if not folder.is_dir():
        return []
    known = set(db.session.scalars(select(PaymentClaim.receipt_name).where(PaymentClaim.receipt_name.is_not(None))))
    cutoff = (now - _ORPHAN_AGE).timestamp()
    return [path for path in folder.iterdir()
            if path.is_file() and path.name not in known and path not in leaving and path.stat().st_mtime < cutoff]


def _delete(model, condition, dry_run: bool) -> int:
    count = db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
    if count and not dry_run:
        db.session.execute(delete(model).where(condition))
    return count


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def exports(now: datetime, dry_run: bool = False) -> Counts:
    """"My data" files past KEEP_EXPORT_DAYS (coprod/my_data/services.py removes them: rows now,
    files after the commit)."""
    from coprod.models.data_export import DataExport, ExportStatus
    from coprod.my_data.services import remove_expired_exports

    if dry_run:
        return {"files": db.session.scalar(select(func.count()).select_from(DataExport).where(
            DataExport.status == ExportStatus.READY, DataExport.expires_dt <= now)) or 0}
    return {"files": len(remove_expired_exports(now))}


def unused_papers(now: datetime, dry_run: bool = False) -> Counts:
    """Paper files (PDF) that no paper names: a request that stored one and then failed, or a paper
    whose removal could not delete its file. Papers themselves stay as long as their meeting."""
    from coprod.meetings import papers

    found = papers.unused_files((now - _ORPHAN_AGE).timestamp())
    _after_commit_remove(found, dry_run)
    return {"files": len(found)}


# ---- every kind, and the report ----------------------------------------------------------------

KINDS: dict[str, Callable[[datetime, bool], Counts]] = {
    "drafts": drafts,
    "answered_recordings": answered_recordings,
    "sign_ins": sign_ins,
    "audit_log": audit_log,
    "audio_cache": audio_cache,
    "submission_keys": submission_keys,
    "exports": exports,
    "access_needs": access_needs,
    "unused_papers": unused_papers,
    "sent_reminders": sent_reminders,
    "payment_details": payment_details,
    "safeguarding": safeguarding,
}


def run(now: datetime | None = None, *, dry_run: bool = False) -> dict[str, Counts]:
    """Remove what is past its time, every kind (the caller commits). Returns counts per kind."""
    now = now or utcnow()
    return {kind: remove(now, dry_run) for kind, remove in KINDS.items()}


def report(removed: dict[str, Counts], *, dry_run: bool = False) -> None:
    """Log the counts and keep them in the audit log (the admin's "What was removed" page)."""
    from coprod import audit

    summary = json.dumps(removed, sort_keys=True, separators=(",", ":"))
    log.info("retention%s: %s", " (dry run)" if dry_run else "", summary)
    if not dry_run:
        audit.record(REPORT_ACTION, detail=summary)


def total(removed: dict[str, Counts]) -> int:
    return sum(number for kind in removed.values() for name, number in kind.items() if name != "kept_unwritten")


def periods() -> dict[str, str]:
    """How long each kind is kept, in words for the privacy page ("30 days", "1 year"), read from
    the same settings the daily job uses, so the page never promises what the site does not do."""
    from flask_babel import ngettext

    def words(days: int) -> str:
        if days % 365 == 0:
            return ngettext("%(num)d year", "%(num)d years", days // 365)
        return ngettext("%(num)d day", "%(num)d days", days)

    config = current_app.config
    return {kind: words(config[setting]) for kind, setting in (
        ("drafts", "KEEP_DRAFT_DAYS"), ("sign_ins", "KEEP_SIGN_IN_DAYS"),
        ("recordings", "KEEP_ANSWERED_RECORDING_DAYS"), ("audit", "KEEP_AUDIT_DAYS"),
        ("exports", "KEEP_EXPORT_DAYS"), ("audio", "AUDIO_KEEP_DAYS"), ("access_needs", "KEEP_ACCESS_NEEDS_DAYS"),
        ("sent_reminders", "KEEP_SENT_REMINDER_DAYS"), ("bank_details", "KEEP_BANK_DETAILS_DAYS"),
        ("receipts", "KEEP_RECEIPT_DAYS"), ("safeguarding", "KEEP_SAFEGUARDING_DAYS"))}


def labels() -> dict[str, str]:
    """Words for the admin's page, one per count."""
    from flask_babel import gettext as _

    return {
        "drafts.questions": _("Questions never sent"),
        "drafts.recordings": _("Recordings of questions never sent"),
        "drafts.unused_recordings": _("Recordings no question uses"),
        "answered_recordings.recordings": _("Recordings of answered questions (their words are kept)"),
        "answered_recordings.kept_unwritten": _("Recordings kept, because nobody wrote down what was said"),
        "sign_ins.sign_ins": _("Sign-ins that ended"),
        "sign_ins.sign_in_links": _("Sign-in links"),
        "sign_ins.failed_attempts": _("Wrong sign-in tries"),
        "sign_ins.audit_entries": _("Sign-ins in the log"),
        "audit_log.entries": _("Other entries in the log"),
        "audio_cache.clips": _("Listen audio no page used"),
        "audio_cache.unused_files": _("Listen audio files no page uses"),
        "exports.files": _("\"My data\" downloads"),
        "submission_keys.keys": _("Notes that stop a form being sent twice"),
        "access_needs.answers": _("The help people needed at meetings that are over"),
        "unused_papers.files": _("Meeting papers no agenda item uses"),
        "sent_reminders.reminders": _("Notes of which reminders were sent"),
        "payment_details.bank_details": _("Bank details of payments made"),
        "payment_details.receipts": _("Photos of receipts of payments made"),
        "payment_details.unused_receipts": _("Photos of receipts no claim uses"),
        "safeguarding.concerns": _("Safeguarding concerns closed long ago"),
        "safeguarding.notes": _("The safeguarding lead's notes about them"),
    }


def reports(limit: int = 30) -> list[tuple[datetime, dict[str, Counts]]]:
    """The latest runs, newest first, for the admin's page."""
    rows = db.session.execute(select(AuditEvent.created_dt, AuditEvent.detail)
                              .where(AuditEvent.action == REPORT_ACTION)
                              .order_by(AuditEvent.created_dt.desc(), AuditEvent.id.desc()).limit(limit))
    found = []
    for created, detail in rows:
        try:
            found.append((created, json.loads(detail)))
        except ValueError:
            continue
    return found
