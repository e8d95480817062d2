"""Forms for adding people and giving roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import Email, Optional

from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip
from coprod.models import Role

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.CARER: _l("Family carer"),
    Role.SUPPORTER: _l("Supporter"),
    Role.SECRETARY: _l("Board secretary"),
    Role.COMMISSIONER: _l("Commissioner"),
}

ROLE_EXPLAINED = {
    Role.MEMBER: _l("A person with a learning disability or an autistic person. They ask questions and vote."),
    Role.CARER: _l("A parent or other family carer. They ask questions and vote."),
    Role.SUPPORTER: _l("A support worker or advocate. They help members use the site."),
    Role.SECRETARY: _l("Runs the meetings. Checks questions and makes the agenda."),
    Role.COMMISSIONER: _l("Works for the council or the NHS. Answers questions and says what was done."),
}


def role_choices():
    return choices((role.value, ROLE_LABELS[role]) for role in Role)


class PersonForm(FlaskForm):
    name = StringField(
        _l("Their name"),
        description=_l("The name they like to be called. It is shown on their login card."),
        filters=[strip],
        validators=[required(_l("Type their name.")), MaxLength(120), PlainText()],
    )
    email = EmailField(
        _l("Their email address (if they have one)"),
        description=_l("You can leave this empty. They can sign in with a login card."),
        filters=[strip],
        validators=[Optional(), MaxLength(254), PlainText(),
                    Email(message=_l("This does not look like an email address. It needs an @ sign, like name@example.com."),
                          check_deliverability=False)],
    )
    role = ChoiceField(_l("What do they do on this board?"), choices=role_choices(),
                      validators=[required(_l("Choose what they do on this board."))])


class RoleForm(FlaskForm):
    role = ChoiceField(_l("What do they do on this board?"), choices=role_choices(),
                      validators=[required(_l("Choose what they do on this board."))])
