"""The form for a jargon buster word."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from coprod.forms import MaxLength, PlainText, required, strip
from coprod.pictures.forms import picture_field


class TermForm(FlaskForm):
    term = StringField(_l("The word"), description=_l("For example: Commissioner."), filters=[strip],
                       validators=[required(_l("Type the word.")), DataRequired(_l("Type the word.")),
                                   MaxLength(80), PlainText()])
    other_forms = TextAreaField(_l("Other ways to write it (you can leave this empty)"),
                                description=_l("One on each line. Plurals and short forms. For example: CCG."),
                                filters=[strip], validators=[MaxLength(500), PlainText()])
    meaning = TextAreaField(_l("What it means, in easy read"),
                            description=_l("One or two short sentences."), filters=[strip],
                            validators=[required(_l("Type what it means.")), DataRequired(_l("Type what it means.")),
                                        MaxLength(400), PlainText()])
    picture = picture_field(_l("Picture"), "book")
