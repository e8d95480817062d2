"""Access at a meeting's place, in easy read: one sentence and one picture per fact, the same words
on the meeting page, in the pack and in the calendar."""

from __future__ import annotations

from flask_babel import gettext as _

from coprod.models import Meeting


def facts(meeting: Meeting) -> list[tuple[str, str]]:
    """(picture, sentence) for step-free access, hearing loop, quiet room and accessible toilets:
    each says yes, no, or that we do not know yet."""
    said = [
        ("step-free", meeting.step_free, _("You can get in without steps."), _("There are steps to get in."),
         _("We do not know yet if there are steps.")),
        ("hearing-loop", meeting.hearing_loop, _("There is a hearing loop."), _("There is no hearing loop."),
         _("We do not know yet if there is a hearing loop.")),
        ("quiet-room", meeting.quiet_room, _("There is a quiet room for a break."), _("There is no quiet room."),
         _("We do not know yet if there is a quiet room.")),
        ("toilet", meeting.accessible_toilets, _("There are accessible toilets."),
         _("There are no accessible toilets."), _("We do not know yet if there are accessible toilets.")),
    ]
    return [(picture, yes if value else (no if value is False else unknown))
            for picture, value, yes, no, unknown in said]
