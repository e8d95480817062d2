"""Forms for asking a question (one thing per page) and for the secretary's moderation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField, ValidationError
from wtforms.validators import DataRequired

from coprod.easyread.review import EasyReadChecked
from coprod.forms import ChoiceField, ListField, MaxLength, PlainText, choices, required, strip
from coprod.questions.services import COMMON_REASONS

MAX_QUESTION = 2000


def _words(label, description=None, maximum=MAX_QUESTION, message=None):
    checks = [required(message), DataRequired(message)] if message else []
    return TextAreaField(label, description=description, filters=[strip],
                         validators=[*checks, MaxLength(maximum), PlainText()])


class MeetingChoiceForm(FlaskForm):
    meeting = ChoiceField(_l("Which meeting is your question for?"),
                          validators=[required(_l("Choose a meeting."))])


class AboutForm(FlaskForm):
    # Values: "item-<id>" for an agenda item, "topic-<key>" for a topic.
    about = ChoiceField(_l("What is your question about?"),
                        validators=[required(_l("Choose what your question is about."))])


class WordsForm(FlaskForm):
    text = _words(_l("Type your question"), _l("Use your own words. You can type as much or as little as you like."))
    recording = FileField(_l("Or send a recording of your question"),
                          description=_l("A sound file from your tablet or phone. Up to 5 minutes."))
    remove_recording = BooleanField(_l("Take away my recording"))


class WhoForm(FlaskForm):
    asker = ChoiceField(_l("Who is asking?"), validators=[required(_l("Choose who is asking."))])
    show_name = ChoiceField(_l("Can we show your name with the question?"),
                            choices=choices([("yes", _l("Yes, show my name")),
                                             ("no", _l("No, do not show my name"))]),
                            validators=[required(_l("Choose yes or no."))])
    worried = BooleanField(_l("I am worried about my safety"),
                           description=_l("Tick this if you do not feel safe. The safeguarding lead will be told at "
                                          "once. They will help you. Your question stays private. It is never "
                                          "shown to others."))


class WordingForm(FlaskForm):
    transcript = _words(_l("What the person said, if they recorded it (you can leave this empty)"),
                        _l("Write down what you hear. Use their words."), 5000)
    public_text = _words(_l("Wording for others to see (you can leave this empty)"),
                         _l("Clearer easy read, or with names and health details taken out. "
                            "The person's own words are kept."), MAX_QUESTION)


class PlaceForm(FlaskForm):
    item = ListField(_l("Which agenda item is it under?"), validators=[required(_l("Choose an agenda item."))])


class JoinForm(FlaskForm):
    lead = ListField(_l("Which question is it like?"), validators=[required(_l("Choose a question."))])


class AnswerForm(EasyReadChecked, FlaskForm):
    answer = _words(_l("Your answer, in easy read"), _l("Short sentences. One idea in each."), 5000,
                    message=_l("Type the answer."))


class DeclineForm(EasyReadChecked, FlaskForm):
    reason = ChoiceField(_l("Why is the board not taking it?"),
                         choices=choices([*COMMON_REASONS.items(), ("own", _l("I will write the reason"))]),
                         validators=[required(_l("Choose a reason."))])
    own_reason = _words(_l("The reason, in easy read"), _l("Only if you chose \"I will write the reason\"."), 1000)

    def validate_own_reason(self, field):
        if self.reason.data == "own" and not field.data:
            raise ValidationError(_l("Type the reason in easy read."))

    def reason_text(self) -> str:
        return self.own_reason.data if self.reason.data == "own" else str(COMMON_REASONS[self.reason.data])


class PrivateForm(FlaskForm):
    note = _words(_l("What you did or will do (you can leave this empty)"),
                  _l("Only the board's secretaries can read this."), 3000)
