from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from coprod.forms import ChoiceField, MaxLength, PlainText, required, strip


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name of the group"),
        description=_l("For example: Riverside People First."),
        filters=[strip],
        validators=[required(_l("Type the name of the group.")), MaxLength(200), PlainText()],
    )


class GroupMemberForm(FlaskForm):
    person = ChoiceField(_l("Who joins the group?"), validators=[required(_l("Choose who joins the group."))])
    is_facilitator = BooleanField(_l("They can send questions for the whole group"))
