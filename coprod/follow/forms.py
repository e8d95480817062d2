"""Forms for records, actions, their steps, and "Are you happy with this?"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectMultipleField, StringField, TextAreaField, ValidationError, widgets

from coprod.easyread.review import EasyReadChecked
from coprod.forms import ChoiceField, ListField, MaxLength, PlainText, choices, required, strip
from coprod.models import ActionStatus, Feeling
from coprod.pictures.forms import picture_field
from coprod.topics import TOPICS

STATUS_LABELS = {
    ActionStatus.PLANNED: _l("Planned"),
    ActionStatus.STARTED: _l("Started"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.COULD_NOT_DO: _l("Could not do"),
}
STATUS_PICTURES = {
    ActionStatus.PLANNED: "calendar",
    ActionStatus.STARTED: "started",
    ActionStatus.DONE: "yes",
    ActionStatus.COULD_NOT_DO: "no",
}
FEELING_LABELS = {Feeling.HAPPY: _l("Happy"), Feeling.OK: _l("OK"), Feeling.NOT_HAPPY: _l("Not happy")}
FEELING_PICTURES = {Feeling.HAPPY: "happy", Feeling.OK: "ok", Feeling.NOT_HAPPY: "not-happy"}


class DayField(DateField):
    """A date box whose message is easy read."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Type a date, like 25/12/2026.")) from None


class SensibleDay:
    def __call__(self, form, field):
        if field.data is not None and not 2000 <= field.data.year <= 2200:
            raise ValidationError(_l("Check the year. Type a date, like 25/12/2026."))


class QuestionsField(SelectMultipleField):
    """Tick boxes for the board's questions. Another board's question gets a clear message."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        allowed = {str(c[0]) if isinstance(c, tuple) else str(c.value) for c in (self.choices or [])}
        if self.data and any(value not in allowed for value in self.data):
            raise ValidationError(_l("You can only link questions asked to this board."))


def text(label, message=None, *, size=3000, description=None):
    validators = ([required(message)] if message else []) + [MaxLength(size), PlainText()]
    return TextAreaField(label, description=description, filters=[strip], validators=validators)


class RecordForm(EasyReadChecked, FlaskForm):
    title = StringField(_l("What is it about?"), description=_l("A few words. For example: Job coaches."),
                        filters=[strip], validators=[required(_l("Type what it is about.")), MaxLength(200),
                                                     PlainText()])
    said_text = text(_l("You said"), _l("Type what people said."),
                     description=_l("What people asked or said, in easy read. Short sentences."))
    questions = QuestionsField(_l("The questions it answers"), choices=[])
    proposal = ListField(_l("The vote it answers"), choices=[])
    meeting = ListField(_l("The meeting where it was said"), choices=[])
    topic = ListField(_l("Topic"), choices=choices([(k, v[0]) for k, v in TOPICS.items()]), default="other",
                      validators=[required(_l("Choose a topic."))])
    did_text = text(_l("We did"), description=_l("What was done or decided, in easy read. Short sentences."))
    did_picture = picture_field(_l("Picture for what we did"), "yes")


class ActionForm(EasyReadChecked, FlaskForm):
    what = text(_l("What will be done?"), _l("Type what will be done."), size=1000)
    how = text(_l("How will it be done?"), size=2000)
    who_name = StringField(_l("Who will do it? Their name"), filters=[strip],
                           validators=[required(_l("Type the name of the person who will do it.")),
                                       MaxLength(120), PlainText()])
    who_organisation = StringField(_l("Where do they work?"), description=_l("For example: Riverside Council."),
                                   filters=[strip], validators=[required(_l("Type where they work.")),
                                                                MaxLength(200), PlainText()])
    due_date = DayField(_l("By when?"), validators=[required(_l("Type the date it will be done by.")),
                                                    SensibleDay()])


class ActionStepForm(EasyReadChecked, FlaskForm):
    status = ChoiceField(_l("Where is it up to?"),
                         choices=choices((s.value, label) for s, label in STATUS_LABELS.items()),
                         validators=[required(_l("Choose where it is up to."))])
    note = text(_l("What happened? (you can leave this empty)"), size=2000)
    reason = text(_l("If it could not be done: why not?"),
                  description=_l("You must say why if it could not be done."), size=2000)


class FeedbackForm(FlaskForm):
    feeling = ChoiceField(_l("Are you happy with this?"),
                          choices=choices((f.value, label) for f, label in FEELING_LABELS.items()),
                          validators=[required(_l("Choose Happy, OK or Not happy."))])
    comment = text(_l("Tell us more (you can leave this empty)"), size=2000)
    recording = FileField(_l("Or say it: send a recording (you can leave this empty)"),
                          description=_l("A sound file from your tablet or phone. Up to 5 minutes."))


class ActionDateForm(FlaskForm):
    """A new date for an action; the reason goes in its history."""
    due_date = DayField(_l("The new date"), validators=[required(_l("Type the new date.")), SensibleDay()])
    reason = text(_l("Why is the date changing?"), _l("Say why the date is changing."),
                  description=_l("Everyone can read this in the action's history."), size=2000)


class RemoveActionForm(FlaskForm):
    """Take away an action added by mistake (a copy); the reason stays in the history."""
    reason = text(_l("Why are you taking it away?"), _l("Say why you are taking it away."),
                  description=_l("For example: It was added twice."), size=2000)
