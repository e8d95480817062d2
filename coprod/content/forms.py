"""Forms for a version in another language and for "checked for easy read by"."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Optional

from coprod import times
from coprod.content.kinds import Text
from coprod.content.services import language_name
from coprod.easyread.review import EasyReadChecked
from coprod.follow.forms import DayField, SensibleDay
from coprod.forms import ListField, MaxLength, PlainText, choices, required, strip
from coprod.models import utcnow

SOMEONE_ELSE = "other"


class LanguageField(ListField):
    """The languages of the site other than the original's. The original's own language gets a
    message that says why, not only "choose one of the answers"."""

    original = "en"

    def pre_validate(self, form):
        if not self.data:
            return  # "Choose a language." comes from the required check, once
        if self.data == self.original:
            raise ValidationError(_l("It was written in %(language)s. Choose another language.",
                                     language=language_name(self.original)))
        super().pre_validate(form)


def version_form(texts: list[Text], original_language: str, formdata=None):
    """One box per text of the content; the language first."""

    class Form(EasyReadChecked, FlaskForm):
        language = LanguageField(_l("Which language is this version in?"),
                                 validators=[required(_l("Choose a language."))])

    for text in texts:
        message = _l("Type the words for this in the new language.")
        checks = [required(message), DataRequired(message)] if text.required or text.original.strip() else [Optional()]
        field = TextAreaField if text.multiline else StringField
        setattr(Form, text.name, field(text.label, filters=[strip],
                                       validators=[*checks, MaxLength(text.maximum), PlainText()]))
    form = Form(formdata=formdata) if formdata is not None else Form()
    form.language.original = original_language
    form.language.choices = choices((code, language_name(code)) for code in current_app.config["LANGUAGES"]
                                    if code != original_language)
    return form


class NotInTheFuture:
    def __call__(self, form, field):
        if field.data is not None and field.data > times.to_local(utcnow()).date():
            raise ValidationError(_l("This day has not come yet. Type the day they checked it."))


class CheckedForm(FlaskForm):
    checker = ListField(_l("Who checked it?"), validators=[required(_l("Choose who checked it."))],
                        description=_l("A self-advocate on the board, or someone else."))
    name = StringField(_l("Their name, if they are not on the list"), filters=[strip],
                       description=_l("For example, someone from the self-advocacy group."),
                       validators=[MaxLength(120), PlainText()])
    checked_on = DayField(_l("When did they check it?"), validators=[required(_l("Type the day they checked it.")),
                                                                    SensibleDay(), NotInTheFuture()])

    def validate_name(self, field):
        if self.checker.data == SOMEONE_ELSE and not (field.data or "").strip():
            raise ValidationError(_l("Type the name of the person who checked it."))


def checked_form(people) -> CheckedForm:
    form = CheckedForm()
    form.checker.choices = choices([("", _l("Choose who checked it."))]
                                   + [(str(person.id), person.name) for person in people]
                                   + [(SOMEONE_ELSE, _l("Someone else (type their name below)"))])
    return form
