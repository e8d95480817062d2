"""Reminders people choose (issue 17), end to end: a person chooses in their settings (through HTTP),
the clock moves, the worker's hourly job runs through the real queue, and a real SMTP server and a
local server answering as GOV.UK Notify's API receive what was sent - each reminder exactly once."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from sqlalchemy import func, select

from conftest import run_worker
from coprod.models import (Choice, Meeting, MeetingStatus, Proposal, Record, RecordStatus, ReminderChoice,
                           SentReminder, SentStatus, Vote)

SAM_MOBILE = "+447700900123"


# ---- a local server answering as GOV.UK Notify's API ------------------------------------------------

class FakeNotify:
    """POST /v2/notifications/sms and /v2/notifications/letter (precompiled PDFs), as Notify answers
    them: checks the JWT (HS256, iss = the service id, signed with the key's secret), checks a letter
    as Notify's letter specification says, records each text and letter, answers 201 with Notify's JSON."""

    def __init__(self):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.api_key = f"coprod_test-{self.service_id}-{self.secret}"
        self.template_id = str(uuid.uuid4())
        self.sent: list[dict] = []
        self.letters: list[dict] = []  # precompiled letters, as posted
        self.refused_tokens = 0
        self.fail_next = 0  # answer 500 this many times first
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                if self.path not in ("/v2/notifications/sms", "/v2/notifications/letter"):
                    return self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                header = self.headers.get("Authorization", "")
                try:
                    claims = jwt.decode(header.removeprefix("Bearer "), fake.secret, algorithms=["HS256"])
                    assert header.startswith("Bearer ") and claims["iss"] == fake.service_id and "iat" in claims
                except Exception:
                    fake.refused_tokens += 1
                    return self._answer(403, {"status_code": 403, "errors": [
                        {"error": "AuthError", "message": "Invalid token: signature, api token not found"}]})
                if fake.fail_next:
                    fake.fail_next -= 1
                    return self._answer(500, {"status_code": 500, "errors": [
                        {"error": "Exception", "message": "Internal server error"}]})
                if self.path == "/v2/notifications/letter":
                    return self._letter(payload)
                if payload.get("template_id") != fake.template_id:
                    return self._answer(400, {"status_code": 400, "errors": [
                        {"error": "BadRequestError", "message": "Template not found"}]})
                fake.sent.append(payload)
                notification_id = str(uuid.uuid4())
                self._answer(201, {
                    "id": notification_id, "reference": payload.get("reference"),
                    "content": {"body": payload["personalisation"]["body"], "from_number": "GOVUK"},
                    "uri": f"https://api.notifications.service.gov.uk/v2/notifications/{notification_id}",
                    "template": {"id": fake.template_id, "version": 1,
                                 "uri": f"https://api.notifications.service.gov.uk/v2/template/{fake.template_id}"},
                    "scheduled_for": None})

            def _letter(self, payload: dict):
                """A precompiled letter: checked as Notify checks it (see FakeNotify.letter_problem)."""
                problem = fake.letter_problem(payload)
                if problem:
                    return self._answer(400, {"status_code": 400, "errors": [
                        {"error": "ValidationError" if "postage" in problem or "reference" in problem
                         else "BadRequestError", "message": problem}]})
                fake.letters.append(payload)
                notification_id = str(uuid.uuid4())
                self._answer(201, {"id": notification_id, "reference": payload["reference"],
                                   "postage": payload.get("postage", "second")})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def letter_problem(payload: dict) -> str | None:
        """What Notify would refuse in a precompiled letter: no reference, a postage that is not
        first or second, not a PDF, over 2 MB or 10 pages, not A4, or an address block that is
        not 3 to 7 lines ending with a postcode, or text where Notify prints its mark (top left)."""
        import base64
        import re

        import pypdfium2

        if not payload.get("reference"):
            return "reference is a required property"
        if payload.get("postage", "second") not in ("first", "second", "economy"):
            return "postage invalid. It must be either first, second or economy."
        try:
            data = base64.b64decode(payload["content"], validate=True)
            pdf = pypdfium2.PdfDocument(data)
        except Exception:
            return "Letter content is not a valid PDF"
        if len(data) > 2 * 1024 * 1024:
            return "Letter is larger than 2MB"
        if len(pdf) > 10:
            return f"Letter exceeds 10 pages ({len(pdf)})"
        for page in pdf:
            width, height = page.get_size()
            if abs(width - 595.3) > 2 or abs(height - 841.9) > 2:
                return "Your letter is not A4 portrait size"
        first = pdf[0]
        text = first.get_textpage()
        _w, page_height = first.get_size()
        mm = 72 / 25.4

        def within(left, top, width, height) -> str:
            return text.get_text_bounded(left=left * mm, right=(left + width) * mm,
                                         top=page_height - top * mm, bottom=page_height - (top + height) * mm)

        if within(0, 0, 15.191, 6.149).strip():
            return "Content in the NOTIFY tag area"
        lines = [line.strip() for line in within(24.6, 39.5, 95.6, 26.8).splitlines() if line.strip()]
        if not 3 <= len(lines) <= 7:
            return "Address must be at least 3 lines and no more than 7 lines"
        if not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", lines[-1]):
            return "Last line of address must be a real UK postcode or another country"
        return None

    def letter_text(self, index: int) -> list[str]:
        """The text of each page of letter `index`, as printed."""
        import base64

        import pypdfium2

        pdf = pypdfium2.PdfDocument(base64.b64decode(self.letters[index]["content"]))
        return [page.get_textpage().get_text_range() for page in pdf]

    def to(self, number: str) -> list[str]:
        return [item["personalisation"]["body"] for item in self.sent if item["phone_number"] == number]


@pytest.fixture
def notify(app, monkeypatch):
    fake = FakeNotify()
    fake.thread.start()
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", fake.api_key)
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", fake.url)
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_ID", fake.template_id)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def clock(monkeypatch):
    """The reminders' clock, moved by the test: clock.now = datetime(...)."""
    from coprod.reminders import services

    class Clock:
        now = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)

    monkeypatch.setattr(services, "utcnow", lambda: Clock.now)
    return Clock


def run_job(audio, times: int = 1) -> list:
    """The hourly job, put on the real queue `times` times (two workers, or a run repeated), then worked."""
    from coprod.reminders.tasks import send_reminders
    from coprod.tasks import huey

    for _ in range(times):
        huey.enqueue(send_reminders.s())
    return run_worker(audio)


def emails_to(inbox, address: str) -> list[str]:
    return [text for recipients, text in inbox.messages if address in recipients]


def _meeting(db, board, **fields) -> int:
    values = {"title": "Board meeting", "place": "Riverside Library", "status": MeetingStatus.TAKING_QUESTIONS,
              "starts_dt": datetime(2027, 3, 10, 14, 0, tzinfo=timezone.utc)}
    values.update(fields)
    with db.context() as session:
        meeting = Meeting(board_id=board.id, **values)
        session.add(meeting)
        session.flush()
        return meeting.id


def _choose(client, **fields):
    data = {"how": "email", "mobile": "", "supporter_name": "", "supporter_email": "", "supporter_mobile": ""}
    data.update(fields)
    return client.post("/settings/reminders", data)


# ---- the whole flow ------------------------------------------------------------------------------------

def test_people_get_the_reminders_they_chose_once_each(cast, signed_in, db, audio, smtp_inbox, notify, clock):
    sam, david = signed_in(cast.member), signed_in(cast.commissioner)
    page = sam.get("/settings/reminders")
    assert page.status_code == 200 and "How do you want to get reminders?" in page.get_data(as_text=True)
    # Sam has no email: text messages, and a copy by email to his supporter.
    response = _choose(sam, how="text", mobile="07700 900123", supporter_on="y", supporter_name="Ann Taylor",
                       supporter_email="ann@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = sam.get("/settings/reminders").get_data(as_text=True)
    assert "07700 900123" in shown and "ann@example.org" in shown
    assert _choose(david, how="none").status_code == 302  # David wants none
    # Margaret chose nothing: email, the default (she has an address).

    meeting_id = _meeting(db, cast.board, question_deadline_dt=datetime(2027, 3, 5, 12, 0, tzinfo=timezone.utc))

    # A week before (10am on Wednesday 3 March): two runs at once, one reminder each.
    clock.now = datetime(2027, 3, 3, 10, 0, tzinfo=timezone.utc)
    run_job(audio, times=2)
    texts = notify.to(SAM_MOBILE)
    assert len(texts) == 1 and "Our board meeting is next week." in texts[0]
    assert "Board meeting: Wednesday 10 March 2027, 2pm. Place: Riverside Library." in texts[0]
    assert f"/boards/riverside-ld/meetings/{meeting_id}" in texts[0]
    assert len(emails_to(smtp_inbox, "margaret@example.org")) == 1
    copy = emails_to(smtp_inbox, "ann@example.org")
    assert len(copy) == 1 and "Hello Ann Taylor." in copy[0] and "a reminder for Sam Taylor" in copy[0]
    assert len(smtp_inbox.messages) == 2, "David chose none; the others have no email"
    assert notify.refused_tokens == 0

    # The same hour again, and the next hour: nothing new.
    run_job(audio)
    clock.now = datetime(2027, 3, 3, 11, 0, tzinfo=timezone.utc)
    run_job(audio)
    assert len(notify.sent) == 1 and len(smtp_inbox.messages) == 2

    # Thursday: questions close tomorrow (Friday noon).
    clock.now = datetime(2027, 3, 4, 9, 30, tzinfo=timezone.utc)
    run_job(audio, times=2)
    texts = notify.to(SAM_MOBILE)
    assert len(texts) == 2 and "Questions for the meeting close tomorrow." in texts[1]
    assert "Send questions by Friday 5 March 2027, 12 noon." in texts[1]
    assert len(emails_to(smtp_inbox, "margaret@example.org")) == 2

    # A vote closing on Tuesday 9 March at 5pm; Margaret has voted, Sam has not.
    with db.context() as session:
        proposal = Proposal(board_id=cast.board.id, title="Meet in the evening?", voter_roles="member,carer",
                            opened_dt=datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc),
                            closes_dt=datetime(2027, 3, 9, 17, 0, tzinfo=timezone.utc))
        session.add(proposal)
        session.flush()
        yes = Choice(proposal_id=proposal.id, label="Yes")
        session.add(yes)
        session.flush()
        session.add(Vote(proposal_id=proposal.id, user_id=cast.carer.id))
        proposal_id = proposal.id

    # Tuesday: the meeting is tomorrow, and voting closes today.
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    run_job(audio, times=2)
    texts = notify.to(SAM_MOBILE)
    assert len(texts) == 4
    assert sum("Our board meeting is tomorrow." in text for text in texts) == 1
    voting = [text for text in texts if "Voting closes today." in text]
    assert len(voting) == 1 and "Meet in the evening?" in voting[0] and "5pm" in voting[0]
    assert f"/votes/{proposal_id}" in voting[0]
    # Never how anyone voted: no choice, no count.
    assert "Yes" not in voting[0] and "1 " not in voting[0].split("Voting closes at")[0]
    margaret_mail = emails_to(smtp_inbox, "margaret@example.org")
    assert len(margaret_mail) == 3, "Margaret voted: the day-before reminder only"
    assert not any("Voting closes today" in text for text in margaret_mail)
    assert sum("Voting closes today" in text for text in emails_to(smtp_inbox, "ann@example.org")) == 1

    # At night nothing goes; and David (none) never got anything.
    clock.now = datetime(2027, 3, 9, 23, 0, tzinfo=timezone.utc)
    assert [r for r in run_job(audio) if isinstance(r, int)] == [0]
    assert db.scalar(select(func.count()).select_from(SentReminder).where(
        SentReminder.user_id == cast.commissioner.id)) == 0
    # Every row is one (person, kind, subject, way), sent once.
    rows = db.scalars(select(SentReminder))
    assert {row.status for row in rows} == {SentStatus.SENT}
    assert all(row.tries == 1 for row in rows)


def test_you_said_we_did_news_goes_to_the_board(cast, signed_in, db, audio, smtp_inbox, notify, clock):
    clock.now = datetime(2027, 3, 2, 10, 0, tzinfo=timezone.utc)
    with db.context() as session:
        record = Record(board_id=cast.board.id, title="Job coaches", did_text="We found 2 job coaches.",
                        status=RecordStatus.PUBLISHED, published_dt=datetime(2027, 3, 2, 9, 0, tzinfo=timezone.utc))
        old = Record(board_id=cast.board.id, title="Old news", did_text="Done.",
                     status=RecordStatus.PUBLISHED, published_dt=datetime(2027, 1, 2, 9, 0, tzinfo=timezone.utc))
        draft = Record(board_id=cast.board.id, title="Not yet", did_text="Draft.")
        session.add_all([record, old, draft])
    run_job(audio, times=2)
    mail = emails_to(smtp_inbox, "margaret@example.org")
    assert len(mail) == 1 and "Job coaches." in mail[0] and "There is news about what the board did." in mail[0]
    assert "Old news" not in mail[0] and "Not yet" not in mail[0]


def test_a_failed_text_is_tried_again_and_sent_once(cast, signed_in, db, audio, notify, clock):
    sam = signed_in(cast.member)
    assert _choose(sam, how="text", mobile="+44 7700 900123").status_code == 302
    _meeting(db, cast.board)
    notify.fail_next = 1  # Notify answers 500 the first time
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    run_job(audio, times=2)
    assert len(notify.to(SAM_MOBILE)) == 1
    row = db.scalar(select(SentReminder).where(SentReminder.user_id == cast.member.id))
    assert row.status == SentStatus.SENT and row.tries == 2 and row.provider_id


def test_a_reminder_claimed_by_two_workers_at_once_is_sent_once(app, cast, db, notify, clock):
    """Two workers run the job at the same moment: the unique key lets one claim each reminder."""
    from coprod.extensions import db as database
    from coprod.reminders import services

    with db.context() as session:
        session.add(ReminderChoice(user_id=cast.member.id, how="text", mobile=SAM_MOBILE))
    _meeting(db, cast.board)
    now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    claimed, errors = [], []
    barrier = threading.Barrier(4)

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                claimed.extend(services.claim_due(now))
                database.session.commit()
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            errors.append(repr(error))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Sam by text, Margaret by email: two reminders, claimed once between the four workers.
    assert len(claimed) == 2 and len(set(claimed)) == 2
    from coprod.reminders import sending

    with app.app_context():
        outcomes = [sending.deliver(claimed[0]) for _ in range(3)]
    assert outcomes.count("taken") == 2


def test_no_notify_key_logs_that_only(cast, signed_in, db, audio, app, clock, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "")
    sam = signed_in(cast.member)
    assert _choose(sam, how="text", mobile="07700900123").status_code == 302
    _meeting(db, cast.board)
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    with caplog.at_level(logging.INFO):
        run_job(audio)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "text not sent: Notify is not set up" in logged
    assert "7700" not in logged and "Board meeting" not in logged and "Sam" not in logged
    row = db.scalar(select(SentReminder).where(SentReminder.user_id == cast.member.id))
    assert row.status == SentStatus.SKIPPED


# ---- the settings form ---------------------------------------------------------------------------------

def test_bad_input_gets_clear_messages_and_keeps_what_was_typed(cast, signed_in, db):
    sam = signed_in(cast.member)
    page = _choose(sam, how="text", mobile="0770 09", supporter_on="y", supporter_name="Ann",
                   supporter_email="ann-at-example")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in html
    assert "This does not look like a UK mobile number." in html
    assert "This does not look like an email address." in html
    assert 'value="0770 09"' in html and 'value="ann-at-example"' in html and 'value="Ann"' in html
    html = _choose(sam, how="both", mobile="").get_data(as_text=True)
    assert "We do not have an email address for you." in html
    assert "Type your mobile phone number. Or choose email." in html
    html = _choose(sam, how="none", supporter_on="y").get_data(as_text=True)
    assert "Type the name of your supporter or carer." in html
    assert "Type their email address or their mobile phone number." in html
    html = _choose(sam, how="pigeon").get_data(as_text=True)
    assert "Choose one of the answers shown." in html
    assert db.scalar(select(func.count()).select_from(ReminderChoice)) == 0, "nothing saved from bad input"


def test_numbers_are_seen_only_by_the_person_and_admins(cast, signed_in, db):
    sam = signed_in(cast.member)
    assert _choose(sam, how="text", mobile="07700 900123").status_code == 302
    secretary = signed_in(cast.secretary)
    for page in (f"/boards/riverside-ld/people/{cast.member.id}", "/boards/riverside-ld/people",
                 "/boards/riverside-ld/reminders"):
        assert "900123" not in secretary.get(page).get_data(as_text=True)
    admin = signed_in(cast.admin)
    assert "07700 900123" in admin.get(f"/admin/people/{cast.member.id}").get_data(as_text=True)


def test_a_helper_is_recorded_and_nothing_personal_is_in_the_audit_log(cast, signed_in, db):
    from coprod.models import AuditEvent

    sam = signed_in(cast.member)
    sam.post("/helping", {"helper": str(cast.supporter.id)})
    assert _choose(sam, how="text", mobile="07700 900123", supporter_on="y", supporter_name="Ann Taylor",
                   supporter_mobile="07700 900456").status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "reminders.change"))
    assert event.actor_id == cast.member.id and event.helper_id == cast.supporter.id
    assert "900" not in event.detail and "Ann" not in event.detail


def test_export_holds_the_settings_and_erasure_removes_them(app, cast, signed_in, db, audio, smtp_inbox, clock):
    from coprod.my_data.collect import collect
    from coprod.privacy import erasure

    sam = signed_in(cast.member)
    assert _choose(sam, how="text", mobile="07700 900123", supporter_on="y", supporter_name="Ann Taylor",
                   supporter_email="ann@example.org").status_code == 302
    _meeting(db, cast.board)
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    with app.test_request_context():
        data = collect(cast.member.id).data
    assert data["reminders"]["mobile"] == SAM_MOBILE and data["reminders"]["supporter_email"] == "ann@example.org"
    assert {row["how"] for row in data["reminders_sent"]} >= {"supporter_email"}

    with db.context() as session:
        erasure.erase(cast.member.id)
    assert db.scalar(select(func.count()).select_from(ReminderChoice)) == 0
    assert db.scalar(select(func.count()).select_from(SentReminder).where(
        SentReminder.user_id == cast.member.id)) == 0
    # Nothing of the number or the supporter anywhere in the database.
    from coprod.models import Base

    with db.context(request=False) as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(table.select()):
                text = " ".join(str(value) for value in row)
                assert "900123" not in text and "ann@example.org" not in text and "Ann Taylor" not in text, table.name


# ---- the board's settings ------------------------------------------------------------------------------

def _board_form(**changes) -> dict:
    data = {}
    for kind in ("week_before", "day_before", "questions_close", "voting_closes", "said_did"):
        data[f"on_{kind}"] = "y"
        data[f"words_{kind}"] = ""
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_secretary_chooses_the_reminders_and_their_words(cast, signed_in, db, audio, smtp_inbox, clock):
    helen = signed_in(cast.secretary)
    page = helen.get("/boards/riverside-ld/reminders").get_data(as_text=True)
    assert "Our board meeting is next week. We hope you can come." in page
    # Hard words are held back by the easy-read check; nothing is saved yet.
    hard = "The forthcoming quarterly partnership convocation necessitates comprehensive preparatory deliberation."
    held = helen.post("/boards/riverside-ld/reminders", _board_form(words_day_before=hard))
    text = held.get_data(as_text=True)
    assert held.status_code == 200 and "Easy-read check" in text and "Nothing is saved yet" in text
    assert hard in text, "what was typed is kept"
    saved = helen.post("/boards/riverside-ld/reminders",
                       _board_form(on_week_before=None, words_day_before="See you tomorrow. Bring a friend."))
    assert saved.status_code == 302
    assert signed_in(cast.member).get("/boards/riverside-ld/reminders").status_code == 403

    _meeting(db, cast.board)
    clock.now = datetime(2027, 3, 3, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    assert emails_to(smtp_inbox, "margaret@example.org") == [], "the week-before reminder is off"
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    mail = emails_to(smtp_inbox, "margaret@example.org")
    assert len(mail) == 1 and "See you tomorrow. Bring a friend." in mail[0]
    assert "Our board meeting is tomorrow" not in mail[0]


def test_reminders_are_in_the_persons_language(cast, signed_in, db, audio, smtp_inbox, clock):
    from coprod.models import User

    with db.context() as session:
        session.get(User, cast.carer.id).locale = "cy"
    _meeting(db, cast.board)
    clock.now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    mail = emails_to(smtp_inbox, "margaret@example.org")
    assert len(mail) == 1 and "Wednesday" not in mail[0], "the date in Welsh"


def test_uk_mobile_numbers():
    from coprod.reminders.phone import normalise, shown

    for typed in ("07700 900123", "07700900123", "+44 7700 900123", "0044 7700 900123", "+44 (0)7700 900-123",
                  "447700900123"):
        assert normalise(typed) == SAM_MOBILE, typed
    for typed in ("", "0770 09", "01632 960001", "+1 202 555 0100", "07700 9001234", "O7700 900123", "٠٧٧٠٠٩٠٠١٢٣"):
        assert normalise(typed) is None, typed
    assert shown(SAM_MOBILE) == "07700 900123"


def test_the_job_is_on_the_workers_schedule_and_old_notes_go(app, cast, db, notify, clock):
    from datetime import timedelta

    from coprod.extensions import db as database
    from coprod.privacy import retention
    from coprod.reminders import services
    from coprod.tasks import huey

    assert "send_reminders" in [task.name for task in huey.read_periodic(datetime(2027, 3, 9, 10, 10))]
    assert "send_reminders" not in [task.name for task in huey.read_periodic(datetime(2027, 3, 9, 10, 11))]
    _meeting(db, cast.board)
    now = datetime(2027, 3, 9, 10, 0, tzinfo=timezone.utc)
    with app.app_context():
        assert len(services.claim_due(now)) == 1  # Margaret, by email
        database.session.commit()
        assert retention.sent_reminders(now + timedelta(days=89)) == {"reminders": 0}
        assert retention.sent_reminders(now + timedelta(days=91)) == {"reminders": 1}
        database.session.commit()
    assert db.scalar(select(func.count()).select_from(SentReminder)) == 0


def test_the_admin_sees_what_was_not_sent_and_why_without_numbers(app, cast, signed_in, db, audio, notify, clock):
    """No failure is silent: a text Notify refused shows on the admin's page with the person's name,
    never their number."""
    sam = signed_in(cast.member)
    assert _choose(sam, how="text", mobile="07700 900123").status_code == 302
    _meeting(db, cast.board)
    clock.now = datetime(2027, 3, 3, 10, 0, tzinfo=timezone.utc)  # a week before
    notify.template_id = "not-the-template"  # Notify answers 400: refused
    run_job(audio)
    with db.context() as session:
        statuses = [s.status for s in session.scalars(select(SentReminder).where(SentReminder.channel == "text"))]
    assert statuses == [SentStatus.REFUSED]
    page = signed_in(cast.admin).get("/admin/messages").get_data(as_text=True)
    assert "2 messages did not go." in page  # Sam's text; and Margaret's email (no mail server here)
    assert "Email: the site has no mail server" in page
    assert cast.member.name in page and "Notify or the mail server said no" in page and "Text message" in page
    assert "7700" not in page and "900123" not in page
    assert signed_in(cast.secretary).get("/admin/messages").status_code == 403
