"""The easy-read check on every piece of writing: "You said, we did" records, actions and their steps,
meetings and minutes, for every writer (commissioners too), before saving and while typing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coprod.models import Action, AgendaItem, AuditEvent, Meeting, Record, utcnow

BASE = "/boards/riverside-ld/said-did"
LIVE = "/boards/riverside-ld/easy-read-check"
HARD = ("We have experienced local authority and CCG staff overly focussed on discharge dates and progress "
        "reporting to deadlines.")


def held_back(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:300]
    assert "Easy-read check" in page and "What does CCG mean?" in page
    assert 'name="easy_read_ok"' in page
    return page


def saved_anyway(db, kind: str) -> AuditEvent | None:
    return db.scalar(select(AuditEvent).where(AuditEvent.action == "easy-read.saved-with-findings",
                                              AuditEvent.target_type == kind))


@pytest.fixture
def commissioner(cast, signed_in):
    return signed_in(cast.commissioner)


def _record(client, **extra):
    data = {"title": "Job coaches", "said_text": "We want more job coaches.", "topic": "work",
            "proposal": "", "meeting": "", "did_text": "The council will pay for 2 more job coaches.",
            "did_picture": "job", **extra}
    return client.post(BASE + "/new", data)


def test_a_commissioners_record_is_checked_before_saving(commissioner, db):
    form = commissioner.get(BASE + "/new").get_data(as_text=True)
    assert f'data-easy-read-live="{LIVE}" data-easy-read-fields="title said_text did_text"' in form
    page = held_back(_record(commissioner, said_text=HARD))
    assert HARD in page  # what was typed is kept
    assert db.scalars(select(Record)) == []
    assert _record(commissioner, said_text=HARD, easy_read_ok="y").status_code == 302
    made = db.scalar(select(Record))
    assert made.said_text == HARD
    event = saved_anyway(db, "record")
    assert event is not None and "abbreviation" in event.detail
    # Changing it is checked too; easy words go straight through.
    edit = commissioner.post(f"{BASE}/{made.id}/edit", {
        "title": "Job coaches", "said_text": "We want job coaches.", "topic": "work", "proposal": "",
        "meeting": "", "did_text": HARD, "did_picture": "job"})
    held_back(edit)
    clean = commissioner.post(f"{BASE}/{made.id}/edit", {
        "title": "Job coaches", "said_text": "We want job coaches.", "topic": "work", "proposal": "",
        "meeting": "", "did_text": "The council will pay.", "did_picture": "job"})
    assert clean.status_code == 302


def test_actions_and_their_steps_are_checked(commissioner, db):
    assert _record(commissioner).status_code == 302
    record_id = db.scalar(select(Record)).id
    form = commissioner.get(f"{BASE}/{record_id}/actions/new").get_data(as_text=True)
    assert 'data-easy-read-fields="what how"' in form
    data = {"what": "Hire 2 job coaches", "how": HARD, "who_name": "David Okafor",
            "who_organisation": "Riverside Council",
            "due_date": (utcnow() + timedelta(days=30)).date().isoformat()}
    held_back(commissioner.post(f"{BASE}/{record_id}/actions/new", data))
    assert db.scalars(select(Action)) == []
    assert commissioner.post(f"{BASE}/{record_id}/actions/new", {**data, "easy_read_ok": "y"}).status_code == 302
    action = db.scalar(select(Action))
    assert action.how == HARD
    step_url = f"{BASE}/{record_id}/actions/{action.id}"
    assert 'data-easy-read-fields="note reason"' in commissioner.get(step_url).get_data(as_text=True)
    held_back(commissioner.post(step_url, {"status": "started", "note": HARD, "reason": ""}))
    assert db.scalar(select(Action)).status.value == "planned"
    assert commissioner.post(step_url, {"status": "started", "note": "We put an advert in the paper.",
                                        "reason": ""}).status_code == 302
    assert db.scalar(select(Action)).status.value == "started"


def test_meetings_and_minutes_are_checked(cast, signed_in, db):
    secretary = signed_in(cast.secretary)
    starts = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Board meeting in March", "about": HARD, "starts": starts, "ends": "", "place": "Library",
            "place_notes": "", "place_picture": "board", "online_url": "", "question_deadline": ""}
    form = secretary.get("/boards/riverside-ld/meetings/new").get_data(as_text=True)
    assert 'data-easy-read-fields="title about place_notes"' in form
    held_back(secretary.post("/boards/riverside-ld/meetings/new", data))
    assert db.scalars(select(Meeting)) == []
    assert secretary.post("/boards/riverside-ld/meetings/new", {**data, "easy_read_ok": "y"}).status_code == 302
    meeting = db.scalar(select(Meeting))
    assert meeting.about == HARD and saved_anyway(db, "meeting") is not None
    with db.context() as session:
        session.add(AgendaItem(meeting_id=meeting.id, position=1, title="Jobs", summary="", picture="job"))
    item = db.scalar(select(AgendaItem))
    url = f"/boards/riverside-ld/meetings/{meeting.id}/minutes"
    assert f'data-easy-read-fields="minutes_{item.id}"' in secretary.get(url).get_data(as_text=True)
    held_back(secretary.post(url, {f"minutes_{item.id}": HARD}))
    assert db.scalar(select(AgendaItem)).minutes_text == ""
    assert secretary.post(url, {f"minutes_{item.id}": "We talked about jobs."}).status_code == 302
    assert db.scalar(select(AgendaItem)).minutes_text == "We talked about jobs."


def test_commissioners_get_the_live_check(commissioner, cast, signed_in):
    answer = commissioner.post(LIVE, {"text": HARD})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "What does CCG mean?" in html
    assert re.search(r'data-count="[1-9]', html)
    assert signed_in(cast.member).post(LIVE, {"text": HARD}).status_code == 403
