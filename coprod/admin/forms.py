from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import Regexp

from coprod.boards.forms import role_choices
from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip


class BoardForm(FlaskForm):
    name = StringField(_l("Name of the board"), filters=[strip],
                       validators=[required(_l("Type the name of the board.")), MaxLength(200), PlainText()])
    slug = StringField(
        _l("Short name for web addresses"),
        description=_l("Small letters, numbers and dashes only. For example: riverside-ld."),
        filters=[strip],
        validators=[required(_l("Type a short name for web addresses.")), MaxLength(60),
                    Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                           message=_l("Use only small letters, numbers and dashes. For example: riverside-ld."))],
    )
    about = TextAreaField(_l("What is the board for?"), description=_l("One or two short sentences."),
                          filters=[strip], validators=[MaxLength(1000), PlainText()])


class AddRoleForm(FlaskForm):
    board = ChoiceField(_l("Which board?"), validators=[required(_l("Choose a board."))])
    role = ChoiceField(_l("What do they do on this board?"), choices=role_choices(),
                      validators=[required(_l("Choose what they do on this board."))])


ERASED_QUESTION_CHOICES = choices([
    ("go", _l("Their questions go from the site")),
    ("someone", _l("Their questions stay, as \"Someone asked\"")),
])


class BoardSettingsForm(FlaskForm):
    erased_questions = ChoiceField(
        _l("When a person is erased, what happens to the questions they asked in public?"),
        choices=ERASED_QUESTION_CHOICES,
        description=_l("Their name, their own words and their voice always go. Questions that are not public always go."),
        validators=[required(_l("Choose what happens to their questions."))])
    quorum = StringField(
        _l("Quorum: how many people must be at a meeting to make decisions?"),
        description=_l("A number, for example 6. Leave it empty if the board has no quorum."),
        filters=[strip], validators=[MaxLength(10), PlainText()])

    def validate_quorum(self, field):
        value = field.data or ""
        # Checked as text first: int() of a very long run of digits raises (Python's 4,300-digit limit).
        if value and (not (value.isascii() and value.isdigit() and len(value) <= 4) or not 1 <= int(value) <= 1000):
            raise ValidationError(_l("Type a number from 1 to 1000, or leave it empty."))

    @property
    def quorum_number(self) -> int | None:
        return int(self.quorum.data) if self.quorum.data else None
