"""Meetings as iCalendar (RFC 5545), made with `icalendar`: the board's feed, and one meeting to
add to a calendar.

Only what the public meeting page shows: the title, when, where, how to get there, access at the
place, the link to join online, and the address of the meeting page. No names, no questions, no
personal data. Times are in UTC (a "Z" time): every calendar shows them in its own time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vDuration, vUri

from coprod import times
from coprod.meetings import access
from coprod.models import Board, Meeting, utcnow

# How often a calendar app should look at the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=12)
# The reminder each meeting carries (apps that keep reminders from a file or feed show it).
REMIND_BEFORE = timedelta(days=1)


def _site() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def uid(meeting: Meeting) -> str:
    """The event's id, the same in every download and every feed for as long as the meeting lasts:
    a calendar that has it already updates it instead of adding it twice."""
    host = urlsplit(_site()).hostname or "coprod"
    return f"meeting-{meeting.id}@{host}"


def meeting_link(meeting: Meeting) -> str:
    return _site() + url_for("meetings.meeting", slug=meeting.board.slug, meeting_id=meeting.id)


def description(meeting: Meeting) -> str:
    """The event's words: short plain sentences, no personal data."""
    parts = []
    if meeting.about:
        parts.append(meeting.about.strip())
    parts.append(_("Where: %(place)s", place=meeting.place))
    if meeting.place_notes:
        parts.append(_("How to get there:") + "\n" + meeting.place_notes.strip())
    parts.append(_("Access at the place:") + "\n" + "\n".join(sentence for _picture, sentence in access.facts(meeting)))
    if meeting.online_url:
        parts.append(_("You can join online too:") + "\n" + meeting.online_url)
    parts.append(_("Read about the meeting:") + "\n" + meeting_link(meeting))
    return "\n\n".join(parts)


def _event(meeting: Meeting, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_dt)
    if meeting.ends_dt is not None:
        event.add("dtend", meeting.ends_dt)
    event.add("summary", f"{meeting.title} - {meeting.board.name}")
    event.add("location", meeting.place)
    event.add("description", description(meeting))
    event.add("url", vUri(meeting_link(meeting)))
    event.add("status", "CONFIRMED")
    event.add("class", "PUBLIC")
    event.add("transp", "OPAQUE")
    event.add("created", meeting.created_dt)
    if meeting.online_url:
        # RFC 7986: the link to join, for apps that show a "Join" button.
        event.add("conference", vUri(meeting.online_url), parameters={"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"]})
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMIND_BEFORE)
    alarm.add("description", _("Tomorrow: %(title)s, at %(time)s.", title=meeting.title,
                               time=times.easy_time(meeting.starts_dt)))
    event.add_component(alarm)
    return event


def _calendar(name: str) -> Calendar:
    made = Calendar()
    made.add("prodid", "-//Coprod//Board meetings//EN")
    made.add("version", "2.0")
    made.add("calscale", "GREGORIAN")
    made.add("method", "PUBLISH")
    made.add("name", name)
    made.add("x-wr-calname", name)
    return made


def board_feed(board: Board, meetings: list[Meeting], now: datetime | None = None) -> bytes:
    """The board's published meetings, for a calendar app to subscribe to."""
    now = now or utcnow()
    made = _calendar(_("Meetings: %(board)s", board=board.name))
    made.add("description", _("The meetings of %(board)s.", board=board.name))
    made.add("url", vUri(_site() + url_for("meetings.index", slug=board.slug)))
    made.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    made.add("x-published-ttl", vDuration(REFRESH))
    for meeting in meetings:
        made.add_component(_event(meeting, now))
    return made.to_ical()


def one_meeting(meeting: Meeting, now: datetime | None = None) -> bytes:
    """One meeting, to add to a calendar."""
    made = _calendar(meeting.title)
    made.add_component(_event(meeting, now or utcnow()))
    return made.to_ical()
