"""The demo tells the truth about itself: a meeting called "in March" is in March (issue 14: the
demo's "spring" and "summer" meetings fell in December and March)."""

from __future__ import annotations

from sqlalchemy import select

from coprod import times
from coprod.demo import MONTHS, load_demo
from coprod.extensions import db as _db
from coprod.models import Board, Meeting, MeetingStatus


def test_every_demo_meeting_is_named_after_the_month_it_is_in(app):
    with app.test_request_context():
        load_demo()
        meetings = list(_db.session.scalars(select(Meeting)))
        assert len(meetings) >= 3
        for meeting in meetings:
            month = MONTHS[times.to_local(meeting.starts_dt).month - 1]
            assert meeting.title == f"Board meeting in {month}", (meeting.title, meeting.starts_dt)


def test_the_demo_meetings_say_the_access_at_the_place(app, client):
    """The demo shows a meeting page's access information and its calendar (issue 17)."""
    with app.test_request_context():
        load_demo()
        meetings = list(_db.session.scalars(select(Meeting)))
        assert all((m.step_free, m.hearing_loop, m.quiet_room, m.accessible_toilets) == (True, True, True, True)
                   for m in meetings)
        published = next(m for m in meetings if m.status == MeetingStatus.AGENDA_PUBLISHED)
        slug, meeting_id = _db.session.get(Board, published.board_id).slug, published.id
    page = client.get(f"/boards/{slug}/meetings/{meeting_id}").get_data(as_text=True)
    assert "You can get in without steps." in page and "There is a hearing loop." in page
    assert "Add to my calendar" in page
    assert client.get(f"/boards/{slug}/meetings/calendar.ics").status_code == 200
