"""Times: stored in UTC, typed and shown in the board's own time zone (config TIMEZONE).

Shown in easy read: "Tuesday 3 March 2026, 2pm" - a day name, no leading zeros, no 24-hour clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime | None) -> datetime | None:
    """A time typed in the board's time zone (naive), as aware UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=zone()).astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(zone()) if moment is not None else None


def at_local_time(day_of: datetime, clock: time) -> datetime:
    """`clock` on the local day of `day_of` (UTC), as UTC."""
    return to_utc(datetime.combine(to_local(day_of).date(), clock))


def easy_time(moment: datetime | None) -> str:
    """2pm, 2:30pm, 12 noon."""
    if moment is None:
        return ""
    local = to_local(moment)
    hour, minute = local.hour, local.minute
    if hour == 12 and minute == 0:
        return _("12 noon")
    clock = str(hour % 12 or 12) + (f":{minute:02d}" if minute else "")
    return _("%(clock)sam", clock=clock) if hour < 12 else _("%(clock)spm", clock=clock)


def easy_date(moment: datetime | date | None) -> str:
    """Tuesday 3 March 2026 (in the page's language)."""
    if moment is None:
        return ""
    day = to_local(moment).date() if isinstance(moment, datetime) else moment
    return format_date(day, "EEEE d MMMM y")


def easy_when(moment: datetime | None) -> str:
    """Tuesday 3 March 2026, 2pm."""
    if moment is None:
        return ""
    return _("%(date)s, %(time)s", date=easy_date(moment), time=easy_time(moment))


def form_value(moment: datetime | None) -> datetime | None:
    """For a date-and-time box: local and naive, as it was typed."""
    return to_local(moment).replace(tzinfo=None) if moment is not None else None
