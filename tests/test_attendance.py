"""Coming or not (issue 17): a person says "I am coming" or "I can't come" with the help they need;
the secretary sees one list with counts; the needs stay private, go in "My data" and go on erasure."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from conftest import run_worker
from coprod.models import Attendance, AuditEvent, DataExport, Meeting, MeetingStatus, Role, utcnow
from test_my_data import _ask_for_my_data, _download_link, _zip, worker  # noqa: F401 (a fixture)

DIET = "No nuts, please"


@pytest.fixture
def meeting_id(cast, db):
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", starts_dt=utcnow() + timedelta(days=7),
                          place="The library", status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(meeting)
        session.flush()
        return meeting.id


def _url(cast, meeting_id, what="coming") -> str:
    return f"/boards/{cast.board.slug}/meetings/{meeting_id}/{what}"


def _coming_with_bsl(client, cast, meeting_id, **extra):
    return client.post(_url(cast, meeting_id), {"coming": "yes", "bsl": "y", "diet": DIET, **extra})


def test_a_member_says_they_are_coming_then_sends_apologies_and_the_secretary_sees_it(cast, signed_in, db,
                                                                                     meeting_id):
    sam = signed_in(cast.member)
    page = sam.get(f"/boards/{cast.board.slug}/meetings/{meeting_id}").get_data(as_text=True)
    assert "Are you coming?" in page and "I am coming" in page and "I can&#39;t come" in page
    form = sam.get(_url(cast, meeting_id) + "?answer=yes").get_data(as_text=True)
    assert re.search(r'value="yes"\s+checked', form) and "I need a BSL interpreter" in form

    response = _coming_with_bsl(sam, cast, meeting_id)
    assert response.status_code == 302
    answer = db.scalar(select(Attendance))
    assert answer.coming and answer.bsl and not answer.large_print and answer.diet == DIET
    assert answer.helper_id is None
    page = sam.get(f"/boards/{cast.board.slug}/meetings/{meeting_id}").get_data(as_text=True)
    assert "You said you are coming." in page and "You asked for a BSL interpreter." in page
    next_page = sam.get(f"/boards/{cast.board.slug}/meetings/next").get_data(as_text=True)
    assert "You asked for a BSL interpreter." in next_page
    assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.answer")), \
        "not audited when nobody helped"

    margaret = signed_in(cast.carer)
    _coming_with_bsl(margaret, cast, meeting_id, large_print="y", diet="Soft food")
    office = signed_in(cast.secretary)
    listed = office.get(_url(cast, meeting_id, "attendance")).get_data(as_text=True)
    assert "2 people are coming." in listed and "0 people sent apologies." in listed
    assert "2 need a BSL interpreter." in listed and "1 person needs papers in large print." in listed
    assert "Sam Taylor" in listed and DIET in listed
    assert _url(cast, meeting_id, "attendance") in office.get(
        f"/boards/{cast.board.slug}/meetings/{meeting_id}/manage").get_data(as_text=True)

    # Sam changes his mind: apologies, and his needs are cleared.
    assert sam.post(_url(cast, meeting_id), {"coming": "no", "bsl": "y"}).status_code == 302
    answers = db.scalars(select(Attendance).where(Attendance.user_id == cast.member.id))
    assert len(answers) == 1 and not answers[0].coming and not answers[0].bsl and answers[0].diet == ""
    assert "You said you can&#39;t come." in sam.get(_url(cast, meeting_id)).get_data(as_text=True)
    listed = office.get(_url(cast, meeting_id, "attendance")).get_data(as_text=True)
    assert "1 person is coming." in listed and "1 person sent apologies." in listed
    assert "1 person needs a BSL interpreter." in listed and DIET not in listed


def test_needs_are_private(cast, signed_in, client, meeting_id):
    _coming_with_bsl(signed_in(cast.member), cast, meeting_id)
    meeting_page = f"/boards/{cast.board.slug}/meetings/{meeting_id}"
    for role in (cast.carer, cast.supporter, cast.commissioner):
        other = signed_in(role)
        assert other.get(_url(cast, meeting_id, "attendance")).status_code == 403
        assert DIET not in other.get(meeting_page).get_data(as_text=True)
        assert DIET not in other.get(_url(cast, meeting_id)).get_data(as_text=True)
    public = client.get(meeting_page).get_data(as_text=True)
    assert DIET not in public and "BSL" not in public and "Are you coming?" not in public
    assert client.get(_url(cast, meeting_id, "attendance")).status_code == 302  # to sign in
    outsider = signed_in(cast.outsider)
    assert outsider.get(_url(cast, meeting_id, "attendance")).status_code == 403
    assert outsider.get(_url(cast, meeting_id)).status_code == 403
    # Another board's secretary cannot reach it through their own board either.
    elsewhere = signed_in(cast.secretary)
    assert elsewhere.get(f"/boards/other-board/meetings/{meeting_id}/attendance").status_code == 403


def test_a_supporter_helping_is_recorded_and_shown(cast, signed_in, db, meeting_id):
    sam = signed_in(cast.member)
    sam.post("/helping", {"helper": str(cast.supporter.id)})
    assert _coming_with_bsl(sam, cast, meeting_id).status_code == 302
    answer = db.scalar(select(Attendance))
    assert answer.helper_id == cast.supporter.id and answer.helper_name == "Chris Morgan"
    assert "Chris Morgan helped with this." in sam.get(_url(cast, meeting_id)).get_data(as_text=True)
    listed = signed_in(cast.secretary).get(_url(cast, meeting_id, "attendance")).get_data(as_text=True)
    assert "Chris Morgan helped with this." in listed
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.answer"))
    assert event.helper_id == cast.supporter.id and event.detail == "coming", "audited, without the needs"


def test_bad_input_gets_a_message_and_keeps_what_was_typed(cast, signed_in, db, meeting_id):
    sam = signed_in(cast.member)
    response = sam.post(_url(cast, meeting_id), {"bsl": "y", "diet": DIET})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and "Choose \"I am coming\" or \"I can't come\"." in html
    assert DIET in html and re.search(r'<input[^>]*checked[^>]*id="bsl"|<input[^>]*id="bsl"[^>]*checked', html)
    long = "x" * 201
    response = sam.post(_url(cast, meeting_id), {"coming": "yes", "travel": long})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "This is too long. Use 200 letters or fewer. You used 201." in html
    assert long in html
    assert sam.post(_url(cast, meeting_id), {"coming": "maybe"}).status_code == 400
    assert db.scalars(select(Attendance)) == []


def test_no_changes_once_the_meeting_has_started(cast, signed_in, db, meeting_id):
    sam = signed_in(cast.member)
    _coming_with_bsl(sam, cast, meeting_id)
    with db.context() as session:
        session.get(Meeting, meeting_id).starts_dt = utcnow() - timedelta(minutes=5)
    response = sam.post(_url(cast, meeting_id), {"coming": "no"})
    assert response.status_code == 200
    assert "The meeting has started. You cannot change your answer now." in response.get_data(as_text=True)
    assert db.scalar(select(Attendance)).coming


def test_the_list_is_paged(cast, factory, db, signed_in, meeting_id):
    with db.context() as session:
        for number in range(55):
            person = factory.person(f"Person {number:02d}", board=cast.board, role=Role.MEMBER)
            session.add(Attendance(meeting_id=meeting_id, user_id=person.id, coming=number % 5 != 0,
                                   bsl=number % 10 == 1))
    office = signed_in(cast.secretary)
    first = office.get(_url(cast, meeting_id, "attendance")).get_data(as_text=True)
    assert "44 people are coming." in first and "11 people sent apologies." in first
    assert "6 need a BSL interpreter." in first and "Page 1 of 2" in first
    second = office.get(_url(cast, meeting_id, "attendance") + "?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("<span>Sent apologies</span>") == 5


def test_my_data_has_it_and_erasure_removes_it(app, cast, signed_in, db, worker, meeting_id):  # noqa: F811
    sam = signed_in(cast.member)
    _coming_with_bsl(sam, cast, meeting_id)
    _ask_for_my_data(sam)
    run_worker(worker)
    files = _zip(sam.get(_download_link(sam, db, cast.member.id)))
    data = json.loads(files["my-data.json"])
    [mine] = data["meetings_coming"]
    assert mine["coming"] and mine["bsl_interpreter"] and mine["food"] == DIET
    page = next(body for name, body in files.items() if name.endswith(".html")).decode()
    assert "You asked for a BSL interpreter." in page and DIET in page

    response = sam.post("/account/erase", {"confirm": "yes"})
    assert response.status_code == 302
    assert db.scalars(select(Attendance)) == []
    assert db.scalars(select(DataExport)) == []


def test_retention_clears_the_needs_after_the_meeting(app, cast, signed_in, db, meeting_id):
    from coprod.extensions import db as app_db
    from coprod.privacy import retention

    _coming_with_bsl(signed_in(cast.member), cast, meeting_id)
    with app.test_request_context():
        assert retention.access_needs(utcnow())["answers"] == 0
        later = utcnow() + timedelta(days=7 + 31)
        assert retention.access_needs(later)["answers"] == 1
        app_db.session.commit()
    answer = db.scalar(select(Attendance))
    assert answer.coming and not answer.bsl and answer.diet == "" and answer.needs_cleared_dt is not None


def test_the_pages_work_in_welsh_and_urdu(cast, signed_in, meeting_id):
    sam, office = signed_in(cast.member), signed_in(cast.secretary)
    _coming_with_bsl(sam, cast, meeting_id)
    for locale, direction in (("cy", "ltr"), ("ur", "rtl")):
        for client, what in ((sam, "coming"), (office, "attendance")):
            client.post("/language", {"locale": locale, "next": "/"})
            response = client.get(_url(cast, meeting_id, what))
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and f'lang="{locale}" dir="{direction}"' in html, (locale, what)
            assert DIET in html
