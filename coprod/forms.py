"""Shared form pieces: easy-read validation messages and safe text fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, ValidationError
from wtforms.validators import InputRequired


def required(message) -> InputRequired:
    return InputRequired(message=message)


class MaxLength:
    """A length limit that tells people how long their text is, in plain words."""

    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(_l("This is too long. Use %(max)d letters or fewer. You used %(used)d.",
                                     max=self.maximum, used=len(field.data)))


class PlainText:
    """Refuses control characters (they are never typed by a person and break emails and logs)."""

    def __call__(self, form, field):
        value = field.data or ""
        if any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" or 0xD800 <= ord(ch) <= 0xDFFF
               for ch in value):
            raise ValidationError(_l("This has a hidden character we cannot use. Please type it again."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class _EasyChoiceMessage:
    """A value that is not one of the choices gets an easy-read message, not WTForms' own."""

    invalid_message = _l("Choose one of the answers shown.")

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class ChoiceField(_EasyChoiceMessage, RadioField):
    pass


class ListField(_EasyChoiceMessage, SelectField):
    pass
