"""Meetings in people's calendars: the board's iCalendar feed and "Add to my calendar" (one meeting),
read back with `icalendar`; access at the place on the meeting page, in easy read and in Listen; the
secretary's form for it. Only what the public meeting page shows ever goes in a calendar."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from coprod.audio.text import read_page
from coprod.models import AgendaItem, Meeting, MeetingStatus, Question, QuestionStatus, utcnow

BOARD = "/boards/riverside-ld"
FEED = f"{BOARD}/meetings/calendar.ics"
LONDON = ZoneInfo("Europe/London")

ACCESS_YES = ["You can get in without steps.", "There is a hearing loop.", "There is a quiet room for a break.",
              "There are accessible toilets."]
ACCESS_NO = ["There are steps to get in.", "There is no hearing loop.", "There is no quiet room.",
             "There are no accessible toilets."]
ACCESS_NOT_KNOWN = ["We do not know yet if there are steps.", "We do not know yet if there is a hearing loop.",
                    "We do not know yet if there is a quiet room.",
                    "We do not know yet if there are accessible toilets."]


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(LONDON) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute)


def _meeting_data(**overrides):
    data = {"title": "Board meeting in spring", "about": "We talk about housing.",
            "starts": _local(30, 14).strftime("%Y-%m-%dT%H:%M"), "ends": "16:00",
            "place": "Riverside Library, Mill Lane", "place_notes": "Bus 12 stops outside.",
            "place_picture": "place", "online_url": "https://meet.example.org/riverside",
            "question_deadline": "", "step_free": "yes", "hearing_loop": "no", "quiet_room": "unknown",
            "accessible_toilets": "yes"}
    data.update(overrides)
    return data


def _plan(office, **overrides) -> int:
    response = office.post(f"{BOARD}/meetings/new", _meeting_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/meetings/(\d+)/manage", response.location).group(1))


def _publish(office, meeting_id: int) -> None:
    manage = f"{BOARD}/meetings/{meeting_id}"
    assert office.post(f"{manage}/items/new", {"title": "Homes", "summary": "", "picture": "house", "presenter": "",
                                               "starts": "", "length": "", "proposal": ""}).status_code == 302
    assert office.post(f"{manage}/status", {"status": "agenda_published"}).status_code == 302


def _calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_published_meeting_is_in_the_feed_and_in_its_own_file(cast, signed_in, client, db):
    office = signed_in(cast.secretary)
    meeting_id = _plan(office)
    _publish(office, meeting_id)
    meeting = db.get(Meeting, meeting_id)
    assert (meeting.step_free, meeting.hearing_loop, meeting.quiet_room, meeting.accessible_toilets) == (
        True, False, None, True)
    # Someone's question for the meeting: never in a calendar.
    with db.context() as session:
        session.add(Question(board_id=cast.board.id, meeting_id=meeting_id, asker_id=cast.member.id,
                             text="Can I have my own flat?", status=QuestionStatus.SENT, sent_dt=utcnow()))

    feed = _calendar(client.get(FEED))  # signed out: the feed is public, as the meeting page is
    assert str(feed["X-WR-CALNAME"]) == "Meetings: Riverside Learning Disability Partnership Board"
    assert str(feed["VERSION"]) == "2.0"
    assert feed["X-PUBLISHED-TTL"].to_ical() == b"PT12H" or str(feed["X-PUBLISHED-TTL"]) == "PT12H"
    events = _events(feed)
    assert len(events) == 1
    (uid, event), = events.items()
    assert uid.startswith(f"meeting-{meeting_id}@")
    # Times in UTC (a "Z" time): typed in London time, 14:00 to 16:00.
    starts = event.decoded("DTSTART")
    assert starts == _local(30, 14).replace(tzinfo=LONDON).astimezone(timezone.utc)
    assert starts.utcoffset() == timedelta(0) and event["DTSTART"].to_ical().endswith(b"Z")
    assert event.decoded("DTEND") == _local(30, 16).replace(tzinfo=LONDON).astimezone(timezone.utc)
    assert str(event["LOCATION"]) == "Riverside Library, Mill Lane"
    assert str(event["URL"]).endswith(f"{BOARD}/meetings/{meeting_id}")
    assert str(event["SUMMARY"]).startswith("Board meeting in spring")
    assert str(event["CONFERENCE"]) == "https://meet.example.org/riverside"
    assert b"CONFERENCE;FEATURE=AUDIO,VIDEO;VALUE=URI:" in event.to_ical()
    words = str(event["DESCRIPTION"])
    for said in ("We talk about housing.", "Bus 12 stops outside.", "You can get in without steps.",
                 "There is no hearing loop.", "We do not know yet if there is a quiet room.",
                 "There are accessible toilets.", "https://meet.example.org/riverside"):
        assert said in words
    assert event.walk("VALARM"), "a reminder the day before"

    # No personal data: not the secretary who planned it, not a question or who asked it.
    whole = client.get(FEED).get_data(as_text=True)
    for personal in ("Helen", "Carter", "Sam Taylor", "Can I have my own flat?"):
        assert personal not in whole

    # "Add to my calendar": the same event (the same UID, so a calendar updates it, not doubles it).
    download = client.get(f"{BOARD}/meetings/{meeting_id}/calendar.ics")
    assert "attachment" in download.headers["Content-Disposition"]
    one = _events(_calendar(download))
    assert list(one) == [uid]
    assert one[uid].decoded("DTSTART") == starts and str(one[uid]["LOCATION"]) == "Riverside Library, Mill Lane"
    assert list(_events(_calendar(client.get(FEED)))) == [uid], "the UID is stable"

    # A change to the meeting shows in the feed under the same UID.
    edit = _meeting_data(place="The Town Hall", hearing_loop="yes")
    assert office.post(f"{BOARD}/meetings/{meeting_id}/edit", edit).status_code == 302
    changed = _events(_calendar(client.get(FEED)))
    assert list(changed) == [uid] and str(changed[uid]["LOCATION"]) == "The Town Hall"
    assert "There is a hearing loop." in str(changed[uid]["DESCRIPTION"])


def test_drafts_never_appear_and_are_refused_as_their_pages_are(cast, signed_in, client, db, make_client):
    office = signed_in(cast.secretary)
    planned = _plan(office, title="A planned meeting")
    taking = _plan(office, title="A meeting taking questions")
    assert office.post(f"{BOARD}/meetings/{taking}/status", {"status": "taking_questions"}).status_code == 302
    published = _plan(office, title="A published meeting")
    _publish(office, published)

    for who in (client, signed_in(cast.member), office):  # the feed is the same for everyone, staff too
        titles = [str(e["SUMMARY"]) for e in _calendar(who.get(FEED)).walk("VEVENT")]
        assert len(titles) == 1 and titles[0].startswith("A published meeting")
        assert "A planned meeting" not in who.get(FEED).get_data(as_text=True)

    member = signed_in(cast.member)
    for meeting_id in (planned, taking):
        for who in (client, member):
            assert who.get(f"{BOARD}/meetings/{meeting_id}").status_code == 404
            assert who.get(f"{BOARD}/meetings/{meeting_id}/calendar.ics").status_code == 404
        # The secretary sees the draft's page, so may have its file too.
        assert office.get(f"{BOARD}/meetings/{meeting_id}").status_code == 200
        assert office.get(f"{BOARD}/meetings/{meeting_id}/calendar.ics").status_code == 200

    # A board that does not exist has no feed; one board's meeting is not found under another.
    assert client.get("/boards/no-such-board/meetings/calendar.ics").status_code == 404
    assert client.get(f"/boards/other-board/meetings/{published}/calendar.ics").status_code == 404
    assert list(_calendar(client.get("/boards/other-board/meetings/calendar.ics")).walk("VEVENT")) == []


def test_access_at_the_place_on_the_meeting_page_in_easy_read_and_listen(cast, signed_in, client, db):
    office = signed_in(cast.secretary)
    all_yes = _plan(office, step_free="yes", hearing_loop="yes", quiet_room="yes", accessible_toilets="yes")
    _publish(office, all_yes)
    page = client.get(f"{BOARD}/meetings/{all_yes}")
    html = _text(page)
    assert "Access at the place" in html and "How to get there" in html and "Bus 12 stops outside." in html
    for sentence in ACCESS_YES:
        assert sentence in html
    for sentence in ACCESS_NO + ACCESS_NOT_KNOWN:
        assert sentence not in html
    # A picture beside each fact (the bundled symbols for step-free, hearing loop, quiet room, toilets).
    for picture in ("step-free", "hearing-loop", "quiet-room", "toilet"):
        assert f"/pictures/{picture}" in html, picture
    # Listen reads them out.
    heard = " ".join(read_page(html).sentences)
    for sentence in ACCESS_YES + ["Your phone or tablet can remind you."]:
        assert sentence in heard
    # The calendar links, and the online link for a hybrid meeting.
    assert f'href="{BOARD}/meetings/{all_yes}/calendar.ics"' in html and "Add to my calendar" in html
    assert f'href="{FEED}"' in html and "Get all our meetings in your calendar" in html
    assert 'href="https://meet.example.org/riverside"' in html
    # The printed pack says the same.
    pack = _text(client.get(f"{BOARD}/meetings/{all_yes}/pack"))
    assert all(sentence in pack for sentence in ACCESS_YES)

    all_no = _plan(office, step_free="no", hearing_loop="no", quiet_room="no", accessible_toilets="no",
                   online_url="")
    _publish(office, all_no)
    html = _text(client.get(f"{BOARD}/meetings/{all_no}"))
    assert all(sentence in html for sentence in ACCESS_NO) and "Join the meeting online" not in html

    # A meeting from before there were access answers: "we do not know yet", never a guess.
    with db.context() as session:
        old = Meeting(board_id=cast.board.id, title="An older meeting", starts_dt=utcnow() + timedelta(days=3),
                      place="Library", status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(old)
        session.flush()
        session.add(AgendaItem(meeting_id=old.id, title="Homes"))
        old_id = old.id
    html = _text(client.get(f"{BOARD}/meetings/{old_id}"))
    assert all(sentence in html for sentence in ACCESS_NOT_KNOWN)
    event = _events(_calendar(client.get(f"{BOARD}/meetings/{old_id}/calendar.ics")))
    (only,) = event.values()
    assert "DTEND" not in only, "no end time is made up"
    assert "We do not know yet if there are steps." in str(only["DESCRIPTION"])

    # The list of meetings offers the feed, with what it does in easy read.
    listing = _text(client.get(f"{BOARD}/meetings"))
    assert f'href="{FEED}"' in listing and "Your phone or tablet can remind you." in listing
    assert "New meetings get added by themselves." in listing


def test_the_form_asks_about_access_and_keeps_what_was_typed(cast, signed_in, db):
    office = signed_in(cast.secretary)
    form = _text(office.get(f"{BOARD}/meetings/new"))
    for question in ("Can people get in without steps?", "Is there a hearing loop?", "Is there a quiet room?",
                     "Are there accessible toilets?"):
        assert question in form
    # "Not known" is chosen to start with.
    assert re.search(r'id="step_free-2"[^>]*value="unknown"\s*checked', form)

    # An answer that is not one of the three: a clear message by the field; everything else is kept.
    response = office.post(f"{BOARD}/meetings/new", _meeting_data(step_free="maybe", hearing_loop="no",
                                                                  place="Town hall"))
    html = _text(response)
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#step_free-0"' in html  # the error summary links to the field
    assert re.search(r'<p class="field-error" id="step_free-error">.*Choose one of the answers shown\.', html)
    assert re.search(r'id="hearing_loop-1"[^>]*value="no"\s*checked', html)
    assert re.search(r'id="accessible_toilets-0"[^>]*value="yes"\s*checked', html)
    assert 'value="Town hall"' in html
    # Another mistake elsewhere keeps the access answers too.
    html = _text(office.post(f"{BOARD}/meetings/new", _meeting_data(starts="next tuesday", quiet_room="yes")))
    assert "Type a date and time" in html
    assert re.search(r'id="quiet_room-0"[^>]*value="yes"\s*checked', html)
    assert db.scalar(Meeting.__table__.select()) is None

    # Left out (an older form or script): "not known".
    data = _meeting_data()
    for name in ("step_free", "hearing_loop", "quiet_room", "accessible_toilets"):
        del data[name]
    response = office.post(f"{BOARD}/meetings/new", data)
    assert response.status_code == 302
    meeting_id = int(re.search(r"/meetings/(\d+)/manage", response.location).group(1))
    meeting = db.get(Meeting, meeting_id)
    assert (meeting.step_free, meeting.hearing_loop, meeting.quiet_room, meeting.accessible_toilets) == (
        None, None, None, None)

    # Changing the meeting shows the answers it has.
    with db.context() as session:
        session.get(Meeting, meeting_id).step_free = False
        session.get(Meeting, meeting_id).hearing_loop = True
    edit = _text(office.get(f"{BOARD}/meetings/{meeting_id}/edit"))
    assert re.search(r'id="step_free-1"[^>]*value="no"\s*checked', edit)
    assert re.search(r'id="hearing_loop-0"[^>]*value="yes"\s*checked', edit)
    assert re.search(r'id="quiet_room-2"[^>]*value="unknown"\s*checked', edit)
