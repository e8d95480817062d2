"""Ask (part one): the secretary plans a meeting, builds and publishes the agenda, prints the pack
and publishes the minutes; members read it in easy read. Bad input, other boards and the audit log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coprod.models import AgendaItem, AuditEvent, Choice, Meeting, MeetingStatus, Proposal, Role, utcnow

BOARD = "/boards/riverside-ld"
LONDON = ZoneInfo("Europe/London")


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in London `days` from now (as typed into the form)."""
    day = (datetime.now(LONDON) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute)


def _typed(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _meeting_data(**overrides):
    data = {"title": "Board meeting in spring", "about": "We talk about housing.\nWe talk about jobs.",
            "starts": _typed(_local(30, 14)), "ends": "16:00", "place": "Riverside Library, Mill Lane",
            "place_notes": "There is a lift.\nThere is a hearing loop.", "place_picture": "place",
            "online_url": "https://meet.example.org/riverside", "question_deadline": _typed(_local(20, 17))}
    data.update(overrides)
    return data


def _item_data(**overrides):
    data = {"title": "Short breaks for families", "summary": "Families need a rest.\nThe council will tell us its plan.",
            "picture": "family", "presenter": "David Okafor, commissioner", "starts": "14:15", "length": "30",
            "proposal": ""}
    data.update(overrides)
    return data


def _plan(office, **overrides) -> int:
    response = office.post(f"{BOARD}/meetings/new", _meeting_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/meetings/(\d+)/manage", response.location).group(1))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _titles_in_order(html: str, titles) -> list[str]:
    return sorted(titles, key=html.index)


def test_the_whole_meeting(cast, signed_in, db):
    office = signed_in(cast.secretary)
    meeting_id = _plan(office)
    meeting = db.get(Meeting, meeting_id)
    assert meeting.status == MeetingStatus.PLANNED
    # Typed in London time, stored in UTC.
    assert meeting.starts_dt == _local(30, 14).replace(tzinfo=LONDON).astimezone(timezone.utc)

    with db.context() as session:
        proposal = Proposal(board_id=cast.board.id, title="Should we ask the council to keep the short breaks house open?")
        session.add(proposal)
        session.flush()
        session.add(Choice(proposal_id=proposal.id, label="Yes"))
        proposal_id = proposal.id

    manage = f"{BOARD}/meetings/{meeting_id}"
    for data in (_item_data(proposal=str(proposal_id)),
                 _item_data(title="Moving out of hospital", picture="hospital", starts="14:45", presenter=""),
                 _item_data(title="Feeling safe in town", picture="safe", starts="", length="")):
        assert office.post(f"{manage}/items/new", data).status_code == 302
    items = {i.title: i.id for i in db.scalars(select(AgendaItem).order_by(AgendaItem.position))}
    assert list(items) == ["Short breaks for families", "Moving out of hospital", "Feeling safe in town"]

    # Draft: members and the public cannot see the agenda yet.
    sam = signed_in(cast.member)
    assert sam.get(manage).status_code == 404
    assert "Board meeting in spring" not in _text(sam.get(f"{BOARD}/meetings"))
    assert "This agenda is a draft" in _text(office.get(manage))

    # Reorder: "Feeling safe" up twice to the top, then "Short breaks" down one.
    office.post(f"{manage}/items/{items['Feeling safe in town']}/move", {"direction": "up"})
    office.post(f"{manage}/items/{items['Feeling safe in town']}/move", {"direction": "up"})
    office.post(f"{manage}/items/{items['Short breaks for families']}/move", {"direction": "down"})
    order = [i.title for i in db.scalars(select(AgendaItem).order_by(AgendaItem.position))]
    assert order == ["Feeling safe in town", "Moving out of hospital", "Short breaks for families"]

    # The secretary opens questions, then publishes the agenda.
    assert office.post(f"{manage}/status", {"status": "taking_questions"}).status_code == 302
    next_page = _text(sam.get(f"{BOARD}/meetings/next"))
    assert "Board meeting in spring" in next_page and "Riverside Library, Mill Lane" in next_page
    assert "There is a lift." in next_page and "Send your questions by" in next_page
    assert re.search(r"\w+day \d{1,2} \w+ \d{4}, 5pm", next_page), "deadline in easy read, local time"
    assert office.post(f"{manage}/status", {"status": "agenda_published"}).status_code == 302

    for reader in (sam, signed_in(cast.carer), office.__class__(office.app, office.app.test_client())):
        page = reader.get(manage)
        assert page.status_code == 200
        html = _text(page)
        assert _titles_in_order(html, order) == order
        assert "This agenda is a draft" not in html
        assert "2pm to 4pm" in html and "2:15pm to 2:45pm" in html and "2:45pm to 3:15pm" in html
        assert "David Okafor, commissioner" in html and "Families need a rest." in html
        assert "We will vote on this" in html and f"/votes/{proposal_id}" in html
        assert "https://meet.example.org/riverside" in html
    assert "Read the agenda" in _text(sam.get(f"{BOARD}/meetings/next"))
    assert "Board meeting in spring" in _text(sam.get(f"{BOARD}/meetings"))
    assert db.scalar(select(Proposal)).agenda_item_id == items["Short breaks for families"]

    # The pack prints: a print stylesheet, pictures, a notes space under every item.
    pack = sam.get(f"{manage}/pack")
    assert pack.status_code == 200
    html = _text(pack)
    assert 'media="print"' in html and html.count('class="notes-space"') == 3
    assert html.count("/pictures/") >= 6
    print_css = _text(sam.get("/static/css/print.css"))
    assert ".pack" in print_css and ".notes-space" in print_css

    # After the meeting: minutes, published with the meeting.
    with db.context() as session:
        session.get(Meeting, meeting_id).starts_dt = utcnow() - timedelta(hours=3)
    assert office.post(f"{manage}/status", {"status": "minutes_published"}).status_code == 302
    assert db.get(Meeting, meeting_id).status == MeetingStatus.AGENDA_PUBLISHED, "no minutes written yet"
    minutes = {f"minutes_{items['Feeling safe in town']}": "The police came.\nThey told us about safe places.",
               f"minutes_{items['Short breaks for families']}": "We voted. Most people said yes."}
    assert office.post(f"{manage}/minutes", minutes).status_code == 302
    assert "They told us about safe places." not in _text(sam.get(manage)), "minutes are a draft until published"
    assert office.post(f"{manage}/status", {"status": "held"}).status_code == 302
    assert office.post(f"{manage}/status", {"status": "minutes_published"}).status_code == 302
    html = _text(sam.get(manage))
    assert "What happened" in html and "They told us about safe places." in html
    assert "Read the minutes" in _text(sam.get(f"{BOARD}/meetings"))
    assert "There is no meeting planned yet" in _text(sam.get(f"{BOARD}/meetings/next"))

    actions = [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.board_id == cast.board.id)
                                           .order_by(AuditEvent.id))]
    assert actions.count("agenda-item.add") == 3 and actions.count("agenda-item.move") == 3
    for action in ("meeting.create", "meeting.take-questions", "meeting.publish-agenda", "meeting.minutes",
                   "meeting.held", "meeting.publish-minutes"):
        assert action in actions
    published = db.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.publish-agenda"))
    assert published.detail == "taking_questions -> agenda_published"
    assert published.actor_id == cast.secretary.id and published.target_id == meeting_id


def test_bad_meetings_get_clear_messages_and_keep_what_was_typed(cast, signed_in, db):
    office = signed_in(cast.secretary)
    cases = [
        ({"title": "", "place": "  "}, ["Type a name for the meeting.", "Type where the meeting is."]),
        ({"title": "x" * 201}, ["This is too long. Use 200 letters or fewer. You used 201."]),
        ({"about": "We meet\x00 soon"}, ["This has a hidden character we cannot use."]),
        ({"starts": "next tuesday"}, ["Type a date and time, like 25/12/2026 14:30."]),
        ({"starts": _typed(_local(-2, 14)), "question_deadline": ""}, ["This time has passed. Choose a later time."]),
        ({"question_deadline": _typed(_local(31, 9))}, ["Questions must be sent before the meeting starts."]),
        ({"ends": "13:00"}, ["The meeting must end after it starts."]),
        ({"ends": "half past"}, ["Type a time, like 14:30."]),
        ({"online_url": "javascript:alert(1)"}, ["Type the whole web address. It starts with https://"]),
        ({"place_picture": "not-a-picture"}, ["Choose a picture from the pictures shown."]),
    ]
    for overrides, messages in cases:
        response = office.post(f"{BOARD}/meetings/new", _meeting_data(**overrides))
        html = _text(response)
        assert response.status_code == 200, overrides
        assert "There is a problem" in html and 'class="field-error"' in html
        for message in messages:
            assert message in html, (overrides, message)
    kept = _text(office.post(f"{BOARD}/meetings/new", _meeting_data(starts="next tuesday", place="Town hall")))
    assert 'value="next tuesday"' in kept and 'value="Town hall"' in kept
    assert db.scalar(select(Meeting)) is None


def test_bad_items_and_moves(cast, signed_in, db):
    office = signed_in(cast.secretary)
    meeting_id = _plan(office)
    manage = f"{BOARD}/meetings/{meeting_id}"
    early = _text(office.post(f"{manage}/items/new", _item_data(starts="13:00")))
    assert "The meeting starts at 2pm. Choose that time or later." in early
    for overrides, message in [({"title": ""}, "Type what this item is about."),
                               ({"length": "lots"}, "Type a number of minutes, from 1 to 600."),
                               ({"length": "0"}, "Type a number of minutes, from 1 to 600."),
                               ({"proposal": "999999"}, "Choose one of the answers shown."),
                               ({"summary": "y" * 2001}, "Use 2000 letters or fewer")]:
        assert message in _text(office.post(f"{manage}/items/new", _item_data(**overrides))), overrides
    assert db.scalar(select(AgendaItem)) is None

    office.post(f"{manage}/items/new", _item_data(title="Jobs"))
    office.post(f"{manage}/items/new", _item_data(title="Housing"))
    first, last = [i.id for i in db.scalars(select(AgendaItem).order_by(AgendaItem.position))]
    up = office.post(f"{manage}/items/{first}/move", {"direction": "up"})
    assert up.status_code == 302
    assert "This is the first item. It cannot go up." in _text(office.get(up.location))
    office.post(f"{manage}/items/{last}/move", {"direction": "down"})
    office.post(f"{manage}/items/{last}/move", {"direction": "sideways"})
    office.post(f"{manage}/items/{last}/move", {})
    assert [i.id for i in db.scalars(select(AgendaItem).order_by(AgendaItem.position))] == [first, last]
    assert not db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda-item.move"))

    # Publishing the minutes before the meeting happened is refused in easy read.
    refused = office.post(f"{manage}/status", {"status": "minutes_published"})
    assert "The meeting has not happened yet." in _text(office.get(refused.location))
    assert office.post(f"{manage}/status", {"status": "finished"}).status_code == 400

    # Take an item off the agenda: the rest close up.
    assert office.post(f"{manage}/items/{first}/remove").status_code == 302
    assert [(i.id, i.position) for i in db.scalars(select(AgendaItem))] == [(last, 0)]
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda-item.remove"))


def test_an_empty_agenda_cannot_be_published(cast, signed_in, db):
    office = signed_in(cast.secretary)
    meeting_id = _plan(office)
    refused = office.post(f"{BOARD}/meetings/{meeting_id}/status", {"status": "agenda_published"})
    assert "Add an item to the agenda first." in _text(office.get(refused.location))
    assert db.get(Meeting, meeting_id).status == MeetingStatus.PLANNED


def test_other_boards_meetings_and_items_are_not_found(cast, factory, signed_in, db):
    other = factory.board("riverside-autism", "Riverside Autism Partnership Board")
    helen = signed_in(cast.secretary)
    theirs = signed_in(factory.person("Other Secretary", board=other, role=Role.SECRETARY))
    mine = _plan(helen)
    helen.post(f"{BOARD}/meetings/{mine}/items/new", _item_data())
    my_item = db.scalar(select(AgendaItem)).id
    their_meeting = theirs.post("/boards/riverside-autism/meetings/new", _meeting_data())
    their_id = int(re.search(r"/meetings/(\d+)/manage", their_meeting.location).group(1))
    theirs.post(f"/boards/riverside-autism/meetings/{their_id}/items/new", _item_data(title="Their item"))
    their_item = db.scalar(select(AgendaItem).where(AgendaItem.meeting_id == their_id)).id
    with db.context() as session:
        session.get(Meeting, their_id).status = MeetingStatus.AGENDA_PUBLISHED

    # A meeting of another board, through this board's address.
    for url in (f"{BOARD}/meetings/{their_id}", f"{BOARD}/meetings/{their_id}/pack",
                f"{BOARD}/meetings/{their_id}/manage", f"{BOARD}/meetings/{their_id}/edit",
                f"{BOARD}/meetings/{their_id}/minutes", f"{BOARD}/meetings/{mine}/items/{their_item}"):
        assert helen.get(url).status_code == 404, url
    # An item from another meeting, under this board's meeting.
    assert helen.post(f"{BOARD}/meetings/{mine}/items/{their_item}/move", {"direction": "up"}).status_code == 404
    assert helen.post(f"{BOARD}/meetings/{mine}/items/{their_item}/remove").status_code == 404
    assert helen.post(f"{BOARD}/meetings/{their_id}/items/{my_item}/move", {"direction": "up"}).status_code == 404
    # A proposal of another board cannot be put under an item.
    with db.context() as session:
        proposal = Proposal(board_id=other.id, title="Their vote")
        session.add(proposal)
        session.flush()
        their_proposal = proposal.id
    response = helen.post(f"{BOARD}/meetings/{mine}/items/{my_item}", _item_data(proposal=str(their_proposal)))
    assert "Choose one of the answers shown." in _text(response)
    assert db.get(Proposal, their_proposal).agenda_item_id is None


def test_editing_keeps_the_past_date_of_a_meeting_that_happened(cast, signed_in, db):
    office = signed_in(cast.secretary)
    meeting_id = _plan(office)
    with db.context() as session:
        session.get(Meeting, meeting_id).starts_dt = utcnow() - timedelta(days=7)
        session.get(Meeting, meeting_id).ends_dt = None
        session.get(Meeting, meeting_id).question_deadline_dt = None
    form = _text(office.get(f"{BOARD}/meetings/{meeting_id}/edit"))
    starts = re.search(r'name="starts"[^>]*value="([^"]+)"', form).group(1)
    response = office.post(f"{BOARD}/meetings/{meeting_id}/edit",
                           _meeting_data(starts=starts, ends="", question_deadline="", place="Town hall"))
    assert response.status_code == 302, _text(response)[:2000]
    assert db.get(Meeting, meeting_id).place == "Town hall"
    edit = db.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.edit"))
    assert "place" in edit.detail and "starts_dt" not in edit.detail


def test_past_meetings_come_a_page_at_a_time(cast, signed_in, make_client, db):
    """A board meets for years: the meetings list shows what is coming and 25 past meetings a page,
    newest first; the secretary's list all meetings 25 a page (issue 15)."""
    from coprod.meetings.views import MEETINGS_PAGE_SIZE

    with db.context() as session:
        session.add_all(Meeting(board_id=cast.board.id, title=f"Old meeting {n:02d}", place="Library",
                                status=MeetingStatus.MINUTES_PUBLISHED if n % 2 else MeetingStatus.AGENDA_PUBLISHED,
                                starts_dt=utcnow() - timedelta(days=30 * n)) for n in range(1, MEETINGS_PAGE_SIZE + 6))
        session.add(Meeting(board_id=cast.board.id, title="Soon meeting", place="Library",
                            status=MeetingStatus.AGENDA_PUBLISHED, starts_dt=utcnow() + timedelta(days=3)))
        session.add(Meeting(board_id=cast.board.id, title="Draft meeting", place="Library",
                            status=MeetingStatus.PLANNED, starts_dt=utcnow() + timedelta(days=9)))

    def titles(page):
        return list(dict.fromkeys(re.findall(r"(Old meeting \d\d|Soon meeting|Draft meeting)", page)))

    anyone = make_client()
    first, second = _text(anyone.get(f"{BOARD}/meetings")), _text(anyone.get(f"{BOARD}/meetings?page=2"))
    assert titles(first) == ["Soon meeting"] + [f"Old meeting {n:02d}" for n in range(1, 26)]
    assert titles(second) == ["Soon meeting"] + [f"Old meeting {n:02d}" for n in range(26, 31)]
    assert "Page 1 of 2. These are 1 to 25 of 30." in first and f'href="{BOARD}/meetings?page=2#past"' in first
    office = signed_in(cast.secretary)
    mine = _text(office.get(f"{BOARD}/meetings/manage")) + _text(office.get(f"{BOARD}/meetings/manage?page=2"))
    assert titles(mine) == ["Draft meeting", "Soon meeting"] + [f"Old meeting {n:02d}" for n in range(1, 31)]
    assert "These are 1 to 25 of 32." in mine and "These are 26 to 32 of 32." in mine
