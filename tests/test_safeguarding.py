"""Safeguarding (issue 17): each board names a safeguarding lead; "I am worried about my safety" or a
question marked private tells the lead at once (a real SMTP server receives the email), records what
was done, and never shows anything in public. All through HTTP; audited; erased with the person."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from coprod.extensions import db as _db
from coprod.models import (AuditEvent, Board, ConcernReason, Meeting, MeetingStatus, Question, QuestionStatus, Record,
                           RecordQuestion, RecordStatus, Role, SafeguardingConcern, SafeguardingNote, User, utcnow)
from test_erasure import scan_tables
from test_questions import BOARD, _text
import test_questions
import test_reminders
from test_reminders import _choose

meeting_setup = test_questions.meeting_setup  # the fixture: a meeting taking questions, people who ask
notify = test_reminders.notify  # the fixture: a local server answering as GOV.UK Notify's API

WORRIED_WORDS = "My brother Quentin shouts at me and takes my Zanzibar card"
PRIVATE_WORDS = "The man at the Xylotown day centre hurts people"
NOTE = "Rang Margaret. Quentin moved out. Adult social care are visiting on Friday."
LEAD_EMAIL = "lena.lead@example.org"


def ask(client, meeting_id: int, text: str, *, worried: bool = False) -> int:
    """Every page of asking, as a person would; ticks "I am worried about my safety" if `worried`."""
    response = client.post(f"{BOARD}/ask", {"meeting": str(meeting_id)})
    assert response.status_code == 302, _text(response)[:800]
    question_id = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    assert client.post(f"{BOARD}/ask/{question_id}/about", {"about": "topic-safe"}).status_code == 302
    assert client.post(f"{BOARD}/ask/{question_id}/words", {"text": text},
                       content_type="multipart/form-data").status_code == 302
    who = _text(client.get(f"{BOARD}/ask/{question_id}/who"))
    assert "I am worried about my safety" in who and "The safeguarding lead will be told at once" in who
    data = {"show_name": "yes"}
    if worried:
        data["worried"] = "y"
    assert client.post(f"{BOARD}/ask/{question_id}/who", data).location.endswith("/check")
    check = _text(client.get(f"{BOARD}/ask/{question_id}/check"))
    assert ("You are worried about your safety" in check) == worried
    response = client.post(f"{BOARD}/ask/{question_id}/send")
    assert response.location.endswith(f"/ask/{question_id}/sent"), _text(response)[:800]
    sent = _text(client.get(response.location))
    assert ("We told the people who keep you safe on this board." in sent) == worried
    return question_id


@pytest.fixture
def board_with_lead(meeting_setup, cast, factory, signed_in):
    """The meeting setup, with Lena (a supporter with an email address) named lead by the secretary."""
    ids, people, clients = meeting_setup
    lena = factory.person("Lena Lead", board=cast.board, role=Role.SUPPORTER, email=LEAD_EMAIL)
    clients["lena"] = signed_in(lena)
    people["lena"] = lena
    response = clients["helen"].post(f"{BOARD}/safeguarding/lead", {"lead": str(lena.id)})
    assert response.status_code == 302, _text(response)[:1500]
    return ids, people, clients


def _emails_to(inbox, address: str) -> list[str]:
    return [message for to, message in inbox.messages if address in to]


def _public_pages(ids, record_id) -> list[str]:
    slug = "riverside-ld"
    return [f"{BOARD}/meetings/{ids['meeting']}", f"{BOARD}/meetings/{ids['meeting']}/questions",
            f"{BOARD}/meetings/{ids['meeting']}/pack", f"{BOARD}/said-did", f"{BOARD}/said-did/{record_id}",
            f"{BOARD}/said-did/dashboard", f"{BOARD}/said-did/records.json", f"{BOARD}/said-did/records.csv",
            f"{BOARD}/said-did/actions.csv", f"{BOARD}/said-did/feed.atom", f"/api/boards/{slug}/records",
            f"/api/boards/{slug}/records/{record_id}", f"/boards/{slug}"]


def test_worried_tells_the_lead_at_once_and_the_question_is_nowhere_public(board_with_lead, db, smtp_inbox,
                                                                         make_client, app, caplog):
    ids, people, clients = board_with_lead
    caplog.set_level(logging.DEBUG)
    smtp_inbox.messages.clear()
    question_id = ask(clients["margaret"], ids["meeting"], WORRIED_WORDS, worried=True)

    # The lead was emailed as the request ended (after the commit): no words, no name, a link to sign in to.
    told = _emails_to(smtp_inbox, LEAD_EMAIL)
    assert len(told) == 1, smtp_inbox.messages
    assert "Someone on Riverside Learning Disability Partnership Board needs you." in told[0]
    with app.app_context():
        concern = _db.session.scalar(select(SafeguardingConcern).where(SafeguardingConcern.question_id == question_id))
        assert concern.reason == ConcernReason.WORRIED and concern.person_id == people["margaret"].id
        assert concern.told == "lead" and concern.told_dt is not None and concern.is_open
        concern_id = concern.id
        question = _db.session.get(Question, question_id)
        assert question.private and question.worried and question.status == QuestionStatus.SENT
    assert f"http://coprod.test/safeguarding/{concern_id}" in told[0]
    for secret in ("Quentin", "Zanzibar", "Margaret", "margaret@example.org"):
        assert secret not in told[0]
    # Nobody else was told (the lead is named): not the secretary, not the asker.
    assert [to for to, _message in smtp_inbox.messages] == [[LEAD_EMAIL]]

    # It cannot go on the agenda; the agenda is published with another question on it.
    office = clients["helen"]
    refused = office.post(f"{BOARD}/questions/{question_id}/place", {"item": str(ids["item1"])})
    assert refused.status_code == 302
    assert "This question is private" in _text(office.get(refused.location))
    other = ask(clients["sam"], ids["meeting"], "When do the buses come back?")
    assert office.post(f"{BOARD}/questions/{other}/place", {"item": str(ids["item1"])}).status_code == 302
    assert office.post(f"{BOARD}/questions/{question_id}/join", {"lead": str(other)}).status_code == 400
    assert office.post(f"{BOARD}/meetings/{ids['meeting']}/status", {"status": "agenda_published"}).status_code == 302
    # Even linked to a published "You said, we did" record by the secretary, it stays out of public view.
    with db.context() as session:
        record = Record(board_id=ids["board"], title="Buses and safety", did_text="We talked to the bus company.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow(), meeting_id=ids["meeting"])
        session.add(record)
        session.flush()
        session.add_all([RecordQuestion(record_id=record.id, question_id=question_id),
                         RecordQuestion(record_id=record.id, question_id=other)])
        record_id = record.id
    outside, member = make_client(), clients["sam"]
    seen_record = 0
    for client in (outside, member):
        for url in _public_pages(ids, record_id):
            response = client.get(url)
            if client is outside and url.endswith("/questions"):
                assert response.status_code == 302  # for people on the board only
                continue
            assert response.status_code == 200, (url, response.status_code)
            body = response.get_data(as_text=True)
            seen_record += "Buses and safety" in body
            for secret in ("Quentin", "Zanzibar", "worried about their safety"):
                assert secret not in body, (url, secret)
    assert seen_record >= 6, "the public pages, files and feed do show the record the question is linked to"
    # The public page cache (signed-out pages kept on disk) holds the record, never her words.
    cached = [path.read_bytes() for path in Path(app.config["CACHE_DIR"]).rglob("*") if path.is_file()]
    assert any(b"Buses and safety" in data for data in cached)
    assert not any(b"Quentin" in data or b"Zanzibar" in data for data in cached)

    # Her own "My questions" says it is private; the secretary sees it in the private list.
    assert "Only you and the secretary can see this question." in _text(clients["margaret"].get("/my-questions"))
    assert not any("Quentin" in record.getMessage() or "margaret@example.org" in record.getMessage()
                   for record in caplog.records), "nothing about her in the logs"
    with app.app_context():
        actions = list(_db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        detail = _db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "safeguarding.concern"))
    assert "role.change" in actions and "safeguarding.concern" in actions
    assert detail == f"question {question_id}: worried"


def test_the_lead_records_what_was_done_and_closes_it_and_nobody_else_can_see(board_with_lead, db, smtp_inbox, cast,
                                                                              factory, signed_in, app):
    ids, people, clients = board_with_lead
    question_id = ask(clients["margaret"], ids["meeting"], WORRIED_WORDS, worried=True)
    concern_id = db.scalar(select(SafeguardingConcern.id).where(SafeguardingConcern.question_id == question_id))
    lead = clients["lena"]

    home = _text(lead.get("/"))
    assert "/safeguarding" in home  # the lead's way in
    listed = _text(lead.get("/safeguarding"))
    assert "1 is still open." in listed and "Margaret Jones" in listed and "worried about their safety" in listed
    page = lead.get(f"/safeguarding/{concern_id}")
    text = _text(page)
    assert page.status_code == 200
    assert WORRIED_WORDS in text and "Margaret Jones" in text and "margaret@example.org" in text
    assert "This is still open." in text

    # What was done, dated and by whom; then closed.
    bad = lead.post(f"/safeguarding/{concern_id}/notes", {"note": "", "state": "open"})
    assert bad.status_code == 400 and "Write what was done." in _text(bad)
    assert lead.post(f"/safeguarding/{concern_id}/notes", {"note": NOTE, "state": "open"}).status_code == 302
    assert lead.post(f"/safeguarding/{concern_id}/notes",
                     {"note": "Visited. She is safe now.", "state": "closed"}).status_code == 302
    text = _text(lead.get(f"/safeguarding/{concern_id}"))
    assert NOTE in text and "Visited. She is safe now." in text and "Lena Lead" in text
    assert "This is dealt with. It is closed." in text
    assert "0 are still open." in _text(lead.get("/safeguarding"))
    with app.app_context():
        concern = _db.session.get(SafeguardingConcern, concern_id)
        assert concern.closed_dt is not None and concern.closed_by_id == people["lena"].id
        notes = list(_db.session.scalars(select(SafeguardingNote).order_by(SafeguardingNote.id)))
        assert [n.by_id for n in notes] == [people["lena"].id] * 2 and all(n.created_dt for n in notes)
        events = list(_db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "safeguardingconcern")))
    actions = [e.action for e in events]
    # Every look (the form shown again with its message, too), every note, the close.
    assert actions.count("safeguarding.view") == 3 and actions.count("safeguarding.note") == 2
    assert "safeguarding.close" in actions
    assert all(e.actor_id == people["lena"].id for e in events if e.action != "safeguarding.concern")
    assert not any(NOTE[:20] in e.detail or "Quentin" in e.detail for e in events), "no words in the log"

    # Reopened by a note that says it is not dealt with.
    assert lead.post(f"/safeguarding/{concern_id}/notes", {"note": "", "state": "open"}).status_code == 302
    assert db.get(SafeguardingConcern, concern_id).closed_dt is None

    # Nobody else: the secretary, members, another board's lead (404); a site admin can.
    other_board_lead = factory.person("Otto Lead", board=cast.other_board, role=Role.SECRETARY,
                                      email="otto@example.org")
    with db.context() as session:
        session.get(Board, cast.other_board.id).safeguarding_lead_id = other_board_lead.id
    otto = signed_in(other_board_lead)
    assert otto.get("/safeguarding").status_code == 200 and "Margaret" not in _text(otto.get("/safeguarding"))
    assert otto.get(f"/safeguarding/{concern_id}").status_code == 404
    assert otto.post(f"/safeguarding/{concern_id}/notes", {"note": "x", "state": "open"}).status_code == 404
    for name in ("helen", "sam", "margaret", "priya"):
        for url in ("/safeguarding", f"/safeguarding/{concern_id}"):
            assert clients[name].get(url).status_code == 403, (name, url)
        assert clients[name].post(f"/safeguarding/{concern_id}/notes",
                                  {"note": "x", "state": "closed"}).status_code == 403
    admin = signed_in(db.scalar(select(User).where(User.is_admin.is_(True))))
    assert NOTE in _text(admin.get(f"/safeguarding/{concern_id}"))
    # The secretary's own page for the question never shows the lead's notes.
    moderate = _text(clients["helen"].get(f"{BOARD}/questions/{question_id}/moderate"))
    assert WORRIED_WORDS in moderate and NOTE not in moderate and "Visited" not in moderate
    assert db.scalar(select(SafeguardingNote.text).where(SafeguardingNote.text == NOTE)) == NOTE  # unchanged


def test_the_lead_gets_a_text_message_too_when_they_gave_a_mobile_number(board_with_lead, db, smtp_inbox, notify,
                                                                         app, caplog):
    """Text messages through a local server answering as GOV.UK Notify does (tests/test_reminders.py):
    the same words as the email, no question words, no name; sent once."""
    ids, people, clients = board_with_lead
    assert _choose(clients["lena"], how="both", mobile="07700 900456").status_code == 302
    caplog.set_level(logging.DEBUG)
    question_id = ask(clients["margaret"], ids["meeting"], WORRIED_WORDS, worried=True)
    texts = notify.to("+447700900456")
    assert len(texts) == 1, notify.sent
    with app.app_context():
        concern_id = _db.session.scalar(select(SafeguardingConcern.id)
                                        .where(SafeguardingConcern.question_id == question_id))
    assert "Someone on Riverside Learning Disability Partnership Board needs you." in texts[0]
    assert f"/safeguarding/{concern_id}" in texts[0]
    for secret in ("Quentin", "Zanzibar", "Margaret"):
        assert secret not in texts[0]
    assert [item["reference"] for item in notify.sent] == [f"concern-{concern_id}"]
    assert len(_emails_to(smtp_inbox, LEAD_EMAIL)) == 1, "and the email, as before"
    assert not any("900456" in record.getMessage() for record in caplog.records), "no number in the log"


def test_a_question_marked_private_tells_the_lead_once(board_with_lead, db, smtp_inbox):
    ids, people, clients = board_with_lead
    question_id = ask(clients["sam"], ids["meeting"], PRIVATE_WORDS)
    assert not db.scalars(select(SafeguardingConcern)), "a question sent without the tick tells nobody"
    smtp_inbox.messages.clear()
    office = clients["helen"]
    assert office.post(f"{BOARD}/questions/{question_id}/private", {"note": "Rang Sam."}).status_code == 302
    told = _emails_to(smtp_inbox, LEAD_EMAIL)
    assert len(told) == 1 and "Xylotown" not in told[0] and "Sam" not in told[0]
    concern = db.scalar(select(SafeguardingConcern))
    assert concern.reason == ConcernReason.MARKED_PRIVATE and concern.raised_by_id == people["helen"].id
    assert concern.person_id == people["sam"].id and concern.question_id == question_id
    # Marked private again: the same concern, nobody told twice.
    assert office.post(f"{BOARD}/questions/{question_id}/private", {"note": "Rang Sam again."}).status_code == 302
    assert len(db.scalars(select(SafeguardingConcern))) == 1 and len(_emails_to(smtp_inbox, LEAD_EMAIL)) == 1
    page = _text(clients["lena"].get(f"/safeguarding/{concern.id}"))
    assert PRIVATE_WORDS in page and "The secretary marked the question private." in page and "Helen Carter" in page


def test_with_no_lead_the_secretaries_and_site_admins_are_told(meeting_setup, db, smtp_inbox, factory, signed_in):
    ids, people, clients = meeting_setup
    with db.context() as session:
        session.get(User, people["helen"].id).email = "helen@example.org"
        admin = session.scalar(select(User).where(User.is_admin.is_(True)))
        admin.email = "ravi@example.org"
        admin_id = admin.id
    board_page = _text(clients["helen"].get(BOARD))
    assert "This board has no safeguarding lead" in board_page
    assert "This board has no safeguarding lead" in _text(signed_in(db.get(User, admin_id)).get(BOARD))
    assert "This board has no safeguarding lead" not in _text(clients["sam"].get(BOARD))
    smtp_inbox.messages.clear()
    question_id = ask(clients["jo"], ids["meeting"], WORRIED_WORDS, worried=True)
    concern = db.scalar(select(SafeguardingConcern))
    assert concern.told == "others"
    to_helen, to_ravi = _emails_to(smtp_inbox, "helen@example.org"), _emails_to(smtp_inbox, "ravi@example.org")
    assert len(to_helen) == 1 and len(to_ravi) == 1 and len(smtp_inbox.messages) == 2
    # The secretary's link is to the question (she can see it), the admin's to the concern.
    assert f"/boards/riverside-ld/questions/{question_id}/moderate" in to_helen[0]
    assert f"/safeguarding/{concern.id}" in to_ravi[0]
    assert all("Quentin" not in m and "Jo Evans" not in m for m in to_helen + to_ravi)
    # The secretary still cannot open the concern's page.
    assert clients["helen"].get(f"/safeguarding/{concern.id}").status_code == 403


def test_choosing_the_lead(meeting_setup, db, factory, signed_in):
    ids, people, clients = meeting_setup
    office = clients["helen"]
    page = _text(office.get(f"{BOARD}/safeguarding/lead"))
    assert "This board has no safeguarding lead" in page and "Margaret Jones" in page  # she has an email address
    assert "Sam Taylor" not in page  # no email: could not be told
    refused = office.post(f"{BOARD}/safeguarding/lead", {"lead": str(people["sam"].id)})
    assert refused.status_code == 400 and "Choose one of the answers shown." in _text(refused)
    outsider = factory.person("Out Sider", email="out@example.org")
    assert office.post(f"{BOARD}/safeguarding/lead", {"lead": str(outsider.id)}).status_code == 400
    assert office.post(f"{BOARD}/safeguarding/lead", {"lead": str(people["margaret"].id)}).status_code == 302
    assert "The safeguarding lead is Margaret Jones." in _text(office.get(f"{BOARD}/safeguarding/lead"))
    assert "On this board the safeguarding lead is Margaret Jones." in _text(clients["sam"].get(f"{BOARD}/safeguarding"))
    assert office.post(f"{BOARD}/safeguarding/lead", {"lead": "none"}).status_code == 302
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "role.change").order_by(AuditEvent.id))
    assert [e.detail for e in events] == [f"safeguarding lead: none -> person {people['margaret'].id}",
                                          f"safeguarding lead: person {people['margaret'].id} -> none"]
    # Members may not choose.
    assert clients["sam"].post(f"{BOARD}/safeguarding/lead", {"lead": str(people["sam"].id)}).status_code == 403
    assert clients["sam"].get(f"{BOARD}/safeguarding/lead").status_code == 403


def test_erasure_takes_the_concern_and_the_notes_about_them(board_with_lead, db, smtp_inbox, signed_in, app):
    ids, people, clients = board_with_lead
    question_id = ask(clients["margaret"], ids["meeting"], WORRIED_WORDS, worried=True)
    concern_id = db.scalar(select(SafeguardingConcern.id).where(SafeguardingConcern.question_id == question_id))
    lead = clients["lena"]
    assert lead.post(f"/safeguarding/{concern_id}/notes", {"note": NOTE, "state": "open"}).status_code == 302
    # Someone else's concern whose note names her: it stays, without her name.
    other = ask(clients["jo"], ids["meeting"], "Someone shouts at the bus stop.", worried=True)
    other_concern = db.scalar(select(SafeguardingConcern.id).where(SafeguardingConcern.question_id == other))
    assert lead.post(f"/safeguarding/{other_concern}/notes",
                     {"note": "Jo says Margaret Jones saw it too.", "state": "open"}).status_code == 302
    lead.get(f"/safeguarding/{concern_id}")  # looked at: audited

    # Her export says only that she told the lead, and when: never the lead's notes.
    with app.test_request_context():
        from coprod.my_data.collect import collect

        data = collect(people["margaret"].id).data
    assert [row["what"] for row in data["safeguarding"]] == [
        "you told the safeguarding lead you were worried about your safety"]
    assert data["safeguarding"][0]["when"]
    assert "Adult social care" not in repr(data) and "Lena" not in repr(data)

    needles = ["Margaret Jones", "margaret@example.org", "Quentin", "Zanzibar", "Adult social care"]
    assert scan_tables(app, needles), "before: she is in the tables"
    admin = signed_in(db.scalar(select(User).where(User.is_admin.is_(True))))
    assert admin.post(f"/admin/people/{people['margaret'].id}/erase", {"confirm": "yes"}).status_code == 302
    assert scan_tables(app, needles) == []
    assert db.get(SafeguardingConcern, concern_id) is None
    assert db.scalar(select(SafeguardingNote.text).where(SafeguardingNote.concern_id == other_concern)) \
        == "Jo says [erased] saw it too."
    assert db.get(SafeguardingConcern, other_concern) is not None
    assert lead.get(f"/safeguarding/{concern_id}").status_code == 404


def test_erasing_the_lead_leaves_the_board_without_one_and_their_notes_about_others(board_with_lead, db,
                                                                                    smtp_inbox, signed_in):
    ids, people, clients = board_with_lead
    question_id = ask(clients["sam"], ids["meeting"], WORRIED_WORDS, worried=True)
    concern_id = db.scalar(select(SafeguardingConcern.id).where(SafeguardingConcern.question_id == question_id))
    assert clients["lena"].post(f"/safeguarding/{concern_id}/notes", {"note": NOTE, "state": "closed"}).status_code == 302
    admin = signed_in(db.scalar(select(User).where(User.is_admin.is_(True))))
    assert admin.post(f"/admin/people/{people['lena'].id}/erase", {"confirm": "yes"}).status_code == 302
    assert db.get(Board, ids["board"]).safeguarding_lead_id is None
    note = db.scalar(select(SafeguardingNote))
    assert note.text == NOTE and note.by_id is None  # Sam's record stays, without who wrote it
    concern = db.get(SafeguardingConcern, concern_id)
    assert concern.closed_dt is not None and concern.closed_by_id is None
    assert "This board has no safeguarding lead" in _text(clients["helen"].get(BOARD))


def test_the_meeting_must_take_questions(board_with_lead, db):
    """A worried question sent after the deadline is refused like any other: nothing raised, nobody told."""
    ids, people, clients = board_with_lead
    with db.context() as session:
        meeting = session.get(Meeting, ids["meeting"])
        question = Question(board_id=ids["board"], meeting_id=meeting.id, asker_id=people["sam"].id, text="Help",
                            worried=True)
        session.add(question)
        meeting.question_deadline_dt = utcnow() - timedelta(days=1)
        meeting.status = MeetingStatus.TAKING_QUESTIONS
        session.flush()
        question_id = question.id
    response = clients["sam"].post(f"{BOARD}/ask/{question_id}/send")
    assert response.status_code == 409
    assert not db.scalars(select(SafeguardingConcern)) and not db.get(Question, question_id).private


def test_listen_audio_of_public_pages_never_speaks_it(audio, board_with_lead, db, make_client):
    """Public pages' spoken audio (made by the worker from what the page shows) never has the words."""
    from conftest import run_worker
    from coprod.models import AudioClip

    ids, people, clients = board_with_lead
    question_id = ask(clients["margaret"], ids["meeting"], WORRIED_WORDS, worried=True)
    with db.context() as session:
        session.get(Meeting, ids["meeting"]).status = MeetingStatus.AGENDA_PUBLISHED
        record = Record(board_id=ids["board"], title="Buses and safety", did_text="We talked to the bus company.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow(), meeting_id=ids["meeting"])
        session.add(record)
        session.flush()
        session.add(RecordQuestion(record_id=record.id, question_id=question_id))
        record_id = record.id
    outside = make_client()
    for url in (f"{BOARD}/said-did/{record_id}", f"{BOARD}/said-did", f"{BOARD}/meetings/{ids['meeting']}"):
        assert outside.get(url).status_code == 200
    run_worker(audio)
    with audio.app_context():
        clips = _db.session.execute(select(AudioClip.is_private, AudioClip.sentences_json)).all()
    public = [text or "" for private, text in clips if not private]
    assert any("Buses and safety" in text for text in public), "the public pages were spoken"
    assert not any("Quentin" in text or "Zanzibar" in text for text in public)
    # Her own pages (check, sent) spoke her words: those clips are private (signed URLs for her only).
    assert any("Quentin" in (text or "") for private, text in clips if private)


def test_closed_concerns_go_after_the_time_the_council_keeps_them_and_open_ones_stay(app, cast, db):
    """Retention: a concern closed more than KEEP_SAFEGUARDING_DAYS ago goes with its notes; one closed
    recently, and one still open however old, stay."""
    from datetime import timedelta

    from coprod.models import SafeguardingConcern, SafeguardingNote, utcnow
    from coprod.privacy import retention

    now = utcnow()
    keep = timedelta(days=app.config["KEEP_SAFEGUARDING_DAYS"])
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Long ago", starts_dt=now - keep - timedelta(days=300),
                          place="Hall", status=MeetingStatus.HELD)
        session.add(meeting)
        session.flush()
        ids = {}
        for name, created, closed in (("old closed", now - keep - timedelta(days=400), now - keep - timedelta(days=1)),
                                      ("recently closed", now - keep - timedelta(days=400), now - keep + timedelta(days=1)),
                                      ("old open", now - keep - timedelta(days=400), None)):
            question = Question(board_id=cast.board.id, meeting_id=meeting.id, asker_id=cast.member.id, text=name,
                                private=True,
                                status=QuestionStatus.SENT, sent_dt=created)
            session.add(question)
            session.flush()
            concern = SafeguardingConcern(board_id=cast.board.id, question_id=question.id, person_id=cast.member.id,
                                          reason=ConcernReason.WORRIED, created_dt=created, closed_dt=closed)
            session.add(concern)
            session.flush()
            session.add(SafeguardingNote(concern_id=concern.id, text=f"Phoned about {name}.", created_dt=created))
            ids[name] = concern.id
    with app.app_context():
        assert retention.safeguarding(now, dry_run=True) == {"concerns": 1, "notes": 1}
        assert retention.safeguarding(now) == {"concerns": 1, "notes": 1}
        _db.session.commit()
    left = {c.id for c in db.scalars(select(SafeguardingConcern))}
    assert ids["old closed"] not in left and {ids["recently closed"], ids["old open"]} <= left
    assert not [n for n in db.scalars(select(SafeguardingNote)) if n.concern_id == ids["old closed"]]
