"""The demo tells the truth about itself: a meeting called "in March" is in March (issue 14: the
demo's "spring" and "summer" meetings fell in December and March)."""

from __future__ import annotations

from sqlalchemy import select

from coprod import times
from coprod.demo import MONTHS, load_demo
from coprod.extensions import db as _db
from coprod.models import Meeting


def test_every_demo_meeting_is_named_after_the_month_it_is_in(app):
    with app.test_request_context():
        load_demo()
        meetings = list(_db.session.scalars(select(Meeting)))
        assert len(meetings) >= 3
        for meeting in meetings:
            month = MONTHS[times.to_local(meeting.starts_dt).month - 1]
            assert meeting.title == f"Board meeting in {month}", (meeting.title, meeting.starts_dt)
