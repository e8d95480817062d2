"""Forms for meetings, agenda items, the meeting's status and the minutes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import DataRequired, Optional

from coprod.easyread.review import EasyReadChecked
from coprod.forms import ChoiceField, ListField, MaxLength, PlainText, choices, required, strip
from coprod.models import MeetingStatus
from coprod.pictures.forms import picture_field
from coprod.votes.forms import WhenField

STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.TAKING_QUESTIONS: _l("Taking questions"),
    MeetingStatus.AGENDA_PUBLISHED: _l("Agenda published"),
    MeetingStatus.HELD: _l("The meeting has happened"),
    MeetingStatus.MINUTES_PUBLISHED: _l("Minutes published"),
}

STATUS_PICTURES = {
    MeetingStatus.PLANNED: "calendar",
    MeetingStatus.TAKING_QUESTIONS: "question",
    MeetingStatus.AGENDA_PUBLISHED: "page",
    MeetingStatus.HELD: "people",
    MeetingStatus.MINUTES_PUBLISHED: "book",
}


class ClockField(TimeField):
    """A time box whose message is easy read."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Type a time, like 14:30.")) from None


class SensibleYear:
    """Years far away are typing mistakes (and out of range for time zone sums)."""

    def __call__(self, form, field):
        if field.data is not None and not 2000 <= field.data.year <= 2200:
            raise ValidationError(_l("Check the year. Type a date and time, like 25/12/2026 14:30."))


class WebAddress:
    """An address that starts with https:// (or http://) and names a website."""

    def __call__(self, form, field):
        value = field.data or ""
        if not value:
            return
        parts = urlsplit(value) if " " not in value else None
        if parts is None or parts.scheme not in ("http", "https") or "." not in parts.netloc:
            raise ValidationError(_l("Type the whole web address. It starts with https://"))


class Minutes:
    """A whole number of minutes, from 1 to 600."""

    def __call__(self, form, field):
        value = field.data or ""
        # Checked as text first: int() of a very long run of digits raises (Python's 4,300-digit limit).
        if value and (not (value.isascii() and value.isdigit() and len(value) <= 3) or not 1 <= int(value) <= 600):
            raise ValidationError(_l("Type a number of minutes, from 1 to 600. For example: 30."))


def _text(label, message=None, maximum=200, description=None):
    # DataRequired too: only spaces are stripped to nothing, and nothing is not a name or a place.
    checks = [required(message), DataRequired(message)] if message else [Optional()]
    return StringField(label, description=description, filters=[strip],
                       validators=[*checks, MaxLength(maximum), PlainText()])


def _easy_read(label, description, maximum=3000):
    return TextAreaField(label, description=description, filters=[strip],
                         validators=[MaxLength(maximum), PlainText()])


# Yes, no or not known: how the form shows a meeting's access facts (True, False, None).
ANSWERS = {"yes": True, "no": False, "unknown": None}


class AnswerField(ChoiceField):
    """Yes / No / Not known, as big radio cards. Left out of the form is "Not known"; anything else
    that is not one of the three gets an easy-read message by the field."""

    def __init__(self, label=None, description="", **kwargs):
        kwargs.setdefault("default", "unknown")
        kwargs.setdefault("choices", choices([("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not known"))]))
        super().__init__(label, description=description, **kwargs)

    def process_data(self, value):
        # From the meeting (True / False / None) or the default ("unknown").
        if value is None or isinstance(value, bool):
            value = {True: "yes", False: "no", None: "unknown"}[value]
        super().process_data(value)


class MeetingForm(EasyReadChecked, FlaskForm):
    title = _text(_l("Name of the meeting"), _l("Type a name for the meeting."),
                  description=_l("For example: Board meeting in March."))
    about = _easy_read(_l("What is the meeting about?"), _l("Easy read. Short sentences. One idea in each."))
    starts = WhenField(_l("When does it start?"), format="%Y-%m-%dT%H:%M",
                       validators=[required(_l("Type when the meeting starts.")), SensibleYear()])
    ends = ClockField(_l("What time does it end? (you can leave this empty)"), validators=[Optional()],
                      format="%H:%M")
    place = _text(_l("Where is it?"), _l("Type where the meeting is."),
                  description=_l("For example: Riverside Library, Mill Lane."))
    place_notes = _easy_read(_l("How to get there, and more about the place"),
                             _l("Easy read. For example: Bus 12 stops outside. The room is on the ground floor."),
                             2000)
    place_picture = picture_field(_l("Picture for the place"), "board",
                                  description=_l("A photo of the building helps people find it."))
    step_free = AnswerField(_l("Can people get in without steps?"),
                            _l("Step-free means a ramp or a lift, or no steps at all."))
    hearing_loop = AnswerField(_l("Is there a hearing loop?"),
                               _l("A hearing loop helps people who use hearing aids."))
    quiet_room = AnswerField(_l("Is there a quiet room?"), _l("A quiet room is a calm place to take a break."))
    accessible_toilets = AnswerField(_l("Are there accessible toilets?"),
                                     _l("Accessible toilets have space for a wheelchair and handrails."))
    online_url = _text(_l("Link to join online (you can leave this empty)"), maximum=500,
                       description=_l("The whole web address, starting with https://"))
    question_deadline = WhenField(_l("Questions must be sent by (you can leave this empty)"),
                                  format="%Y-%m-%dT%H:%M", validators=[Optional(), SensibleYear()])

    def validate_online_url(self, field):
        WebAddress()(self, field)


class AgendaItemForm(EasyReadChecked, FlaskForm):
    title = _text(_l("What is this item about?"), _l("Type what this item is about."),
                  description=_l("A few words. For example: Short breaks for families."))
    summary = _easy_read(_l("Say more in easy read"), _l("Short sentences. One idea in each."), 2000)
    picture = picture_field(_l("Picture"), "talk")
    presenter = _text(_l("Who talks about it? (you can leave this empty)"), maximum=120,
                      description=_l("A name or a job. For example: David Okafor, commissioner."))
    starts = ClockField(_l("What time does it start? (you can leave this empty)"), validators=[Optional()],
                        format="%H:%M", description=_l("For example: 14:30."))
    length = StringField(_l("How many minutes? (you can leave this empty)"), filters=[strip],
                         render_kw={"inputmode": "numeric"}, validators=[Minutes()])
    proposal = ListField(_l("A proposal to vote on under this item (you can leave this empty)"),
                         validators=[Optional()])


class StatusForm(FlaskForm):
    status = ChoiceField(_l("Where is the meeting up to?"),
                         choices=choices((s.value, STATUS_LABELS[s]) for s in MeetingStatus),
                         validators=[required(_l("Choose where the meeting is up to."))])


class MoveForm(FlaskForm):
    direction = ChoiceField(_l("Move"), choices=choices([("up", _l("Up")), ("down", _l("Down"))]),
                            validators=[required(_l("Choose up or down."))])


def minutes_form(items):
    """One easy-read box per agenda item."""

    class Form(EasyReadChecked, FlaskForm):
        pass

    for item in items:
        setattr(Form, f"minutes_{item.id}", _easy_read(
            item.title, _l("What happened, in easy read. What was decided. Who will do what."), 5000))
    return Form()


# ---- coming or not ------------------------------------------------------------------------------

COMING_LABELS = {"yes": _l("I am coming"), "no": _l("I can't come")}
COMING_PICTURES = {"yes": "coming", "no": "not-coming"}


class AttendanceForm(FlaskForm):
    """"Are you coming?" and the support the person needs. Every need can be left empty."""

    coming = ChoiceField(_l("Are you coming to the meeting?"), choices=choices(COMING_LABELS.items()),
                         validators=[required(_l("Choose \"I am coming\" or \"I can't come\"."))])
    support_worker = BooleanField(_l("My support worker is coming with me"))
    bsl = BooleanField(_l("I need a BSL interpreter (British Sign Language)"))
    large_print = BooleanField(_l("I need the papers in large print"))
    hearing_loop = BooleanField(_l("I need a hearing loop"))
    diet = StringField(_l("Food: is there food you cannot eat?"),
                       description=_l("A few words. For example: no nuts. You can leave this empty."),
                       filters=[strip], validators=[MaxLength(200), PlainText()])
    travel = StringField(_l("Travel: do you need help to get there?"),
                         description=_l("A few words. For example: a taxi. You can leave this empty."),
                         filters=[strip], validators=[MaxLength(200), PlainText()])
    other_need = TextAreaField(_l("Do you need anything else?"),
                               description=_l("You can leave this empty."),
                               filters=[strip], validators=[MaxLength(500), PlainText()])


# ---- papers (coprod/meetings/papers.py) ---------------------------------------------------------

class PaperForm(FlaskForm):
    """A paper for an agenda item: the PDF, and its easy-read version or why there is none."""
    title = StringField(_l("The name of the paper"), description=_l("For example: Housing plan 2027."),
                        filters=[strip], validators=[required(_l("Type a name for the paper.")), MaxLength(200),
                                                     PlainText()])
    paper = FileField(_l("The paper (a PDF file)"), description=_l("Up to 20 MB."))
    easy_read = FileField(_l("Its easy-read version (a PDF file)"),
                          description=_l("Easy read: short sentences and a picture beside each point."))
    reason = TextAreaField(_l("No easy-read version? Say why"),
                           description=_l("For example: The council is writing it. It comes next week."),
                           filters=[strip], validators=[Optional(), MaxLength(500), PlainText()])


class EasyReadPaperForm(FlaskForm):
    """Add the easy-read version of a paper later, or change why there is none."""
    easy_read = FileField(_l("The easy-read version (a PDF file)"),
                          description=_l("Easy read: short sentences and a picture beside each point."))
    reason = TextAreaField(_l("No easy-read version? Say why"),
                           description=_l("For example: The council is writing it. It comes next week."),
                           filters=[strip], validators=[Optional(), MaxLength(500), PlainText()])
# ---- check-in on the day ------------------------------------------------------------------------

class CheckInCodeForm(FlaskForm):
    """The short code printed on a login card, typed by the secretary (when the camera cannot read it)."""

    code = StringField(_l("Type the code on their card"),
                       description=_l("8 letters and numbers. For example: ABCD 2345."),
                       filters=[strip], validators=[required(_l("Type the code from the card.")), MaxLength(40),
                                                    PlainText()])


class CheckInScanForm(FlaskForm):
    """What the camera read from a login card's square picture (filled in by check-in.js)."""

    scanned = HiddenField(filters=[strip])
