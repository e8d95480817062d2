"""Forms: choosing the board's safeguarding lead, and the lead's note of what was done."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from coprod.forms import ChoiceField, ListField, MaxLength, PlainText, choices, required, strip

MAX_NOTE = 5000


class LeadForm(FlaskForm):
    # "none" for nobody, else a person's id (the choices are the board's people who can be told).
    lead = ListField(_l("Who is the safeguarding lead?"),
                     description=_l("Only people on this board with an email address can be chosen. "
                                    "They are told at once when someone needs help."),
                     validators=[required(_l("Choose a person, or nobody."))])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("What was done"),
                         description=_l("Who you talked to, what you did, what happens next. "
                                        "Only you and the site admins can read this."),
                         filters=[strip], validators=[MaxLength(MAX_NOTE), PlainText()])
    state = ChoiceField(_l("Is it dealt with?"),
                        choices=choices([("open", _l("Not yet: keep it open")),
                                         ("closed", _l("Yes: close it"))]),
                        validators=[required(_l("Choose if it is dealt with."))])
