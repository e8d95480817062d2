"""Check-in on the day (issue 17): the secretary's tablet marks people present by a login card's QR code,
its typed code, or a tapped name; never signs the tablet in as them; refuses stopped cards and cards of
people not on the board; undoes mistakes; shows the quorum; and the minutes say who was there."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from conftest import run_worker
from coprod.models import (Attendance, AuditEvent, Board, CheckIn, DataExport, LoginCard, Meeting, MeetingStatus,
                           Role, SignIn, User, utcnow)
from test_my_data import _ask_for_my_data, _download_link, _zip, worker  # noqa: F401 (a fixture)

SITE = "http://localhost"


@pytest.fixture
def meeting_id(cast, db):
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", starts_dt=utcnow() + timedelta(minutes=10),
                          place="The library", status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(meeting)
        session.flush()
        return meeting.id


def _url(cast, meeting_id, what="check-in") -> str:
    return f"/boards/{cast.board.slug}/meetings/{meeting_id}/{what}"


def _scan(client, cast, meeting_id, text):
    return client.post(_url(cast, meeting_id, "check-in/scan"), {"scanned": text})


def _present(db, meeting_id) -> dict[int, CheckIn]:
    return {row.user_id: row for row in db.scalars(select(CheckIn).where(CheckIn.meeting_id == meeting_id))}


def _sign_ins(db, user) -> int:
    return db.scalar(select(func.count()).select_from(SignIn).where(SignIn.user_id == user.id))


def _who_is_signed_in(client) -> str:
    return client.get("/account").get_data(as_text=True)


def _session_token(client) -> str | None:
    """The sign-in token the tablet's session holds (which SignIn row it is)."""
    from coprod.accounts.sessions import SESSION_KEY

    with client.raw.session_transaction() as session:
        return session.get(SESSION_KEY)


def test_scanning_a_card_marks_the_person_present_and_never_signs_the_tablet_in_as_them(
        cast, factory, signed_in, db, meeting_id):
    path, _code = factory.card(cast.member)
    office = signed_in(cast.secretary)
    token_before = _session_token(office)
    all_sign_ins = db.scalar(select(func.count()).select_from(SignIn))
    assert "Helen Carter" in _who_is_signed_in(office)
    page = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert "0 people are here." in page and "Scan their card" in page and "vendor/jsqr/jsQR.min.js" in page

    response = _scan(office, cast, meeting_id, SITE + path)
    assert response.status_code == 302 and response.location.endswith(_url(cast, meeting_id))
    present = _present(db, meeting_id)
    assert list(present) == [cast.member.id]
    assert present[cast.member.id].how == "card" and present[cast.member.id].by_id == cast.secretary.id
    shown = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert "Sam Taylor is here. They are checked in." in shown and "1 person is here." in shown

    # The tablet is still the secretary's: same session, no sign-in made for Sam, Sam's pages not reachable.
    assert _sign_ins(db, cast.member) == 0
    assert _session_token(office) == token_before
    assert db.scalar(select(func.count()).select_from(SignIn)) == all_sign_ins
    account = _who_is_signed_in(office)
    assert "Helen Carter" in account and "Sam Taylor" not in account
    assert office.get(_url(cast, meeting_id)).status_code == 200, "still the secretary"

    # Audited with ids only: never the token or the name.
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "checkin.add"))
    assert event.actor_id == cast.secretary.id and event.target_id == cast.member.id
    assert event.detail.startswith(f"meeting {meeting_id}; card (card ")
    assert path.rsplit("/", 1)[1] not in event.detail and "Sam" not in event.detail

    # Scanned again: no second row, no second audit entry, a calm message.
    assert _scan(office, cast, meeting_id, SITE + path).status_code == 302
    assert "Sam Taylor is already checked in." in office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert len(_present(db, meeting_id)) == 1
    assert len(db.scalars(select(AuditEvent).where(AuditEvent.action == "checkin.add"))) == 1


def test_typing_the_cards_code_marks_the_person_present(cast, factory, signed_in, db, meeting_id):
    _path, code = factory.card(cast.carer)
    office = signed_in(cast.secretary)
    typed = f" {code[:4].lower()} - {code[4:]} "
    response = office.post(_url(cast, meeting_id, "check-in/code"), {"code": typed})
    assert response.status_code == 302
    assert _present(db, meeting_id)[cast.carer.id].how == "code"
    assert _sign_ins(db, cast.carer) == 0
    assert "Margaret Jones is here." in office.get(_url(cast, meeting_id)).get_data(as_text=True)
    account = _who_is_signed_in(office)
    assert "Helen Carter" in account and "Margaret Jones" not in account

    wrong = office.post(_url(cast, meeting_id, "check-in/code"), {"code": "ZZZZ ZZZZ"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "There is a problem" in html
    assert "That code does not work." in html and 'class="field-error"' in html and "ZZZZ ZZZZ" in html
    empty = office.post(_url(cast, meeting_id, "check-in/code"), {"code": ""})
    assert empty.status_code == 400 and "Type the code from the card." in empty.get_data(as_text=True)


def test_tapping_a_name_marks_the_person_present_and_undo_takes_it_back(cast, signed_in, db, meeting_id):
    office = signed_in(cast.secretary)
    page = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    for name in ("Sam Taylor", "Margaret Jones", "Chris Morgan", "David Okafor", "Helen Carter"):
        assert name in page
    assert "Olly Other" not in page, "only this board's people"
    assert f'action="{_url(cast, meeting_id, f"check-in/people/{cast.commissioner.id}")}"' in page

    response = office.post(_url(cast, meeting_id, f"check-in/people/{cast.commissioner.id}"))
    assert response.status_code == 302 and response.location.endswith(f"#person-{cast.commissioner.id}")
    assert _present(db, meeting_id)[cast.commissioner.id].how == "name"
    page = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert "David Okafor is here. They are checked in." in page and "Here since" in page
    assert f'action="{_url(cast, meeting_id, f"check-in/people/{cast.commissioner.id}/undo")}"' in page

    response = office.post(_url(cast, meeting_id, f"check-in/people/{cast.commissioner.id}/undo"))
    assert response.status_code == 302
    assert _present(db, meeting_id) == {}
    assert "David Okafor is not checked in now." in office.get(_url(cast, meeting_id)).get_data(as_text=True)
    undo = db.scalar(select(AuditEvent).where(AuditEvent.action == "checkin.undo"))
    assert undo.target_id == cast.commissioner.id and undo.detail == f"meeting {meeting_id}"

    # Someone not on this board cannot be tapped in, even by id.
    response = office.post(_url(cast, meeting_id, f"check-in/people/{cast.outsider.id}"))
    assert response.status_code == 302
    assert "This person is not on this board." in office.get(response.location).get_data(as_text=True)
    assert _present(db, meeting_id) == {}


def test_a_stopped_card_is_refused_with_an_easy_read_message(app, cast, factory, signed_in, db, meeting_id):
    from coprod.accounts.services import revoke_card
    from coprod.extensions import db as app_db

    path, code = factory.card(cast.member)
    with app.test_request_context():
        revoke_card(app_db.session.scalar(select(LoginCard).options(joinedload(LoginCard.user))), by=None)
        app_db.session.commit()
    office = signed_in(cast.secretary)
    response = _scan(office, cast, meeting_id, SITE + path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This card was stopped. It does not work any more." in html and 'role="alert"' in html
    typed = office.post(_url(cast, meeting_id, "check-in/code"), {"code": code})
    assert typed.status_code == 400 and "This card was stopped." in typed.get_data(as_text=True)
    assert _present(db, meeting_id) == {}
    assert _sign_ins(db, cast.member) == 0


def test_a_card_of_someone_not_on_the_board_and_a_strange_code_are_refused(cast, factory, signed_in, db, meeting_id):
    path, code = factory.card(cast.outsider)
    office = signed_in(cast.secretary)
    response = _scan(office, cast, meeting_id, SITE + path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "This card is for someone who is not on this board." in html
    assert "Olly Other" not in html, "the name of someone on another board is not shown"
    typed = office.post(_url(cast, meeting_id, "check-in/code"), {"code": code})
    assert "This card is for someone who is not on this board." in typed.get_data(as_text=True)
    for text in ("https://example.org/", SITE + "/card/not-a-real-token", "x" * 5000, "\x00", "http://[/card/x",
                 ""):
        response = _scan(office, cast, meeting_id, text)
        assert response.status_code == 400
        assert "We do not know this card." in response.get_data(as_text=True)
    assert _present(db, meeting_id) == {}
    assert _sign_ins(db, cast.outsider) == 0


def test_only_the_boards_secretary_can_check_people_in(cast, factory, signed_in, client, db, meeting_id):
    path, code = factory.card(cast.member)
    posts = [("check-in/scan", {"scanned": SITE + path}), ("check-in/code", {"code": code}),
             (f"check-in/people/{cast.member.id}", {}), (f"check-in/people/{cast.member.id}/undo", {})]
    for person in (cast.member, cast.carer, cast.supporter, cast.commissioner, cast.outsider):
        other = signed_in(person)
        assert other.get(_url(cast, meeting_id)).status_code == 403
        for what, data in posts:
            assert other.post(_url(cast, meeting_id, what), data).status_code == 403
    assert client.get(_url(cast, meeting_id)).status_code == 302
    other_secretary = factory.person("Other Secretary", board=cast.other_board, role=Role.SECRETARY)
    elsewhere = signed_in(other_secretary)
    assert elsewhere.get(_url(cast, meeting_id)).status_code == 403
    # Through their own board's address the meeting is not found.
    assert elsewhere.get(f"/boards/other-board/meetings/{meeting_id}/check-in").status_code == 404
    assert elsewhere.post(f"/boards/other-board/meetings/{meeting_id}/check-in/scan",
                          {"scanned": SITE + path}).status_code == 404
    assert _present(db, meeting_id) == {}
    assert signed_in(cast.admin).get(_url(cast, meeting_id)).status_code == 200
    manage = signed_in(cast.secretary).get(_url(cast, meeting_id, "manage")).get_data(as_text=True)
    assert _url(cast, meeting_id) in manage and "Check in on the day" in manage


def test_quorum_on_the_check_in_page_and_who_was_there_in_the_minutes(cast, factory, signed_in, client, db,
                                                                        meeting_id):
    admin = signed_in(cast.admin)
    settings = f"/admin/boards/{cast.board.slug}/settings"
    bad = admin.post(settings, {"erased_questions": "go", "quorum": "9" * 5000})
    assert bad.status_code == 400 and "Type a number from 1 to 1000, or leave it empty." in bad.get_data(as_text=True)
    assert admin.post(settings, {"erased_questions": "go", "quorum": "2"}).status_code == 302
    assert db.scalar(select(Board.quorum).where(Board.id == cast.board.id)) == 2
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "board.settings")).detail == "quorum: None -> 2"

    with db.context() as session:
        session.add(Attendance(meeting_id=meeting_id, user_id=cast.carer.id, coming=False))
    office = signed_in(cast.secretary)
    office.post(_url(cast, meeting_id, f"check-in/people/{cast.member.id}"))
    page = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert "1 here. The meeting needs 2 (quorum)." in page and "We need 1 more person." in page
    assert "Quorum means how many people must be here to make decisions." in page
    assert "Sent apologies." in page
    office.post(_url(cast, meeting_id, f"check-in/people/{cast.commissioner.id}"))
    page = office.get(_url(cast, meeting_id)).get_data(as_text=True)
    assert "2 here. The meeting needs 2 (quorum)." in page
    assert "There are enough people. The meeting can make decisions." in page

    meeting_page = f"/boards/{cast.board.slug}/meetings/{meeting_id}"
    assert "Who was at the meeting" not in client.get(meeting_page).get_data(as_text=True), "not before the minutes"
    with db.context() as session:
        meeting = session.get(Meeting, meeting_id)
        meeting.status, meeting.minutes_published_dt = MeetingStatus.MINUTES_PUBLISHED, utcnow()
    public = client.get(meeting_page).get_data(as_text=True)
    assert "2 people were at the meeting." in public and "1 person sent apologies." in public
    assert "The meeting needed 2 people (quorum)." in public
    assert "There were enough people. The meeting could make decisions." in public
    assert "Sam Taylor" not in public and "Margaret Jones" not in public, "names only for the secretary"
    minutes = office.get(meeting_page).get_data(as_text=True)
    assert "David Okafor, Sam Taylor." in minutes and "Margaret Jones." in minutes
    sam = signed_in(cast.member).get(meeting_page).get_data(as_text=True)
    assert "You were at this meeting." in sam and "David Okafor" not in sam
    assert "You were at this meeting." not in signed_in(cast.supporter).get(meeting_page).get_data(as_text=True)

    # The record is fixed once the minutes are published.
    response = office.post(_url(cast, meeting_id, f"check-in/people/{cast.member.id}/undo"))
    assert response.status_code == 302
    assert "You cannot change who was here now." in office.get(response.location).get_data(as_text=True)
    assert len(_present(db, meeting_id)) == 2


def test_without_quorum_the_minutes_say_it_was_not_reached(cast, signed_in, client, db, meeting_id):
    with db.context() as session:
        session.get(Board, cast.board.id).quorum = 3
    office = signed_in(cast.secretary)
    office.post(_url(cast, meeting_id, f"check-in/people/{cast.member.id}"))
    with db.context() as session:
        meeting = session.get(Meeting, meeting_id)
        meeting.status, meeting.minutes_published_dt = MeetingStatus.MINUTES_PUBLISHED, utcnow()
    public = client.get(f"/boards/{cast.board.slug}/meetings/{meeting_id}").get_data(as_text=True)
    assert "1 person was at the meeting." in public and "The meeting did not have its quorum." in public
    # The board changes its quorum later: these minutes still say what was true on the day.
    admin = signed_in(cast.admin)
    assert admin.post(f"/admin/boards/{cast.board.slug}/settings",
                      {"erased_questions": "go", "quorum": "1"}).status_code == 302
    public = client.get(f"/boards/{cast.board.slug}/meetings/{meeting_id}").get_data(as_text=True)
    assert "The meeting needed 3 people (quorum)." in public and "The meeting did not have its quorum." in public


def test_my_data_has_it_and_erasure_removes_it(cast, factory, signed_in, db, worker, meeting_id):  # noqa: F811
    _path, code = factory.card(cast.member)
    office = signed_in(cast.secretary)
    office.post(_url(cast, meeting_id, "check-in/code"), {"code": code})
    sam = signed_in(cast.member)
    _ask_for_my_data(sam)
    run_worker(worker)
    files = _zip(sam.get(_download_link(sam, db, cast.member.id)))
    [mine] = json.loads(files["my-data.json"])["meetings_checked_in"]
    assert mine["meeting"] == "Board meeting" and mine["how"] == "code" and mine["checked_in"]
    page = next(body for name, body in files.items() if name.endswith(".html")).decode()
    assert "Meetings you were at" in page and "The code on your card was typed." in page

    assert sam.post("/account/erase", {"confirm": "yes"}).status_code == 302
    assert _present(db, meeting_id) == {}
    assert db.scalars(select(DataExport)) == []
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "checkin.add"))
    assert event.target_id is None, "the log keeps that someone was checked in, not who"

    # The secretary erased: the people they checked in stay checked in.
    office.post(_url(cast, meeting_id, f"check-in/people/{cast.carer.id}"))
    assert office.post("/account/erase", {"confirm": "yes"}).status_code == 302
    [left] = _present(db, meeting_id).values()
    assert left.user_id == cast.carer.id and left.by_id is None
    assert db.get(User, cast.secretary.id).erased_dt is not None


@pytest.mark.parametrize("text, token", [
    ("https://coprod.example.org/card/AbC-123_xyz", "AbC-123_xyz"),
    ("https://coprod.example.org/card/AbC-123_xyz?from=qr#top", "AbC-123_xyz"),
    ("  http://localhost:5000/card/token%2Dpart  ", "token-part"),
    ("AbC-123_xyz", "AbC-123_xyz"),
    ("https://coprod.example.org/sign-in/link/AbC", None),
    ("https://coprod.example.org/card/", None),
    ("https://coprod.example.org/card/a b", None),
    ("http://[/card/x", None),
    ("", None),
    ("x" * 3000, None),
])
def test_the_token_is_read_from_what_the_camera_saw(text, token):
    from coprod.meetings.checkin import token_from_scan

    assert token_from_scan(text) == token
