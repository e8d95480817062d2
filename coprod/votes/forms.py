"""Forms for making proposals, voting and counting hands."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, StringField, TextAreaField, ValidationError
from wtforms.validators import Optional

from coprod.easyread.review import EasyReadChecked
from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip
from coprod.pictures.forms import picture_field

CUSTOM_CHOICES = 4


class WhenField(DateTimeLocalField):
    """A date and time box whose message is easy read."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Type a date and time, like 25/12/2026 14:30.")) from None


class WholeNumber:
    def __call__(self, form, field):
        value = (field.data or "").strip()
        # Only 0-9: str.isdigit() also accepts digits such as "¹" that int() cannot read.
        # And at most 5 digits: int() of a very long run of digits raises (Python's 4,300-digit limit).
        if not (value.isascii() and value.isdigit() and len(value) <= 5) or int(value) > 10000:
            raise ValidationError(_l("Type a number from 0 to 10000. Type 0 if nobody chose this."))


class ProposalForm(EasyReadChecked, FlaskForm):
    title = StringField(_l("What is the board deciding?"),
                        description=_l("A short question. For example: Should we meet in the library?"),
                        filters=[strip], validators=[required(_l("Type what the board is deciding.")),
                                                     MaxLength(200), PlainText()])
    body = TextAreaField(_l("Say more in easy read"), description=_l("Short sentences. One idea in each."),
                         filters=[strip], validators=[MaxLength(3000), PlainText()])
    picture = picture_field(_l("Picture"), "vote")
    kind = ChoiceField(_l("The answers people can choose"), default="standard", choices=choices([
        ("standard", _l("Yes, No and Not sure")), ("custom", _l("Our own answers (write them below)"))]),
        validators=[required(_l("Choose the answers people can choose."))])
    opens = WhenField(_l("Voting opens (leave empty to open it by hand)"),
                               validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes = WhenField(_l("Voting closes (leave empty to close it by hand)"),
                                validators=[Optional()], format="%Y-%m-%dT%H:%M")
    voters = ChoiceField(_l("Who can vote?"), default="member,carer", choices=choices([
        ("member,carer", _l("Members and family carers")), ("member", _l("Members only")),
        ("carer,commissioner,member,secretary,supporter", _l("Everyone on the board"))]),
        validators=[required(_l("Choose who can vote."))])
    secrecy = ChoiceField(_l("Is the vote secret?"), default="secret", choices=choices([
        ("secret", _l("Secret: nobody can see how a person voted")),
        ("open", _l("Open: people can see how each person voted"))]),
        validators=[required(_l("Choose if the vote is secret."))])
    results = ChoiceField(_l("When can people see the results?"), default="hidden", choices=choices([
        ("hidden", _l("When voting closes")), ("shown", _l("All the time, while people vote"))]),
        validators=[required(_l("Choose when people can see the results."))])


# Custom answers: a label and a picture each. Added as plain attributes so the form stays flat.
for _n in range(1, CUSTOM_CHOICES + 1):
    setattr(ProposalForm, f"choice_{_n}", StringField(
        _l("Answer %(n)d", n=_n), filters=[strip], validators=[MaxLength(120), PlainText()]))
    # Four more pickers on one page: each shows its chosen picture and a search, not the whole library.
    setattr(ProposalForm, f"choice_{_n}_picture", picture_field(
        _l("Picture for answer %(n)d", n=_n), "vote", browse=False, optional=True))


class VoteForm(FlaskForm):
    choice = ChoiceField(_l("Your answer"), validators=[required(_l("Choose one of the answers."))])


class CastForm(FlaskForm):
    """"Yes, count my vote": the form's token and the answer's number, nothing more. Whether that
    answer may count is decided by the database in the statement that counts it (see
    services.record_vote); when it does not count, VoteForm and check_vote say why."""

    # A text field with a label, read by choice_id(): a field without a label, or a number field,
    # makes WTForms load its own translations from disk, which cost more than the rest of the form.
    choice = StringField(_l("Your answer"))

    def choice_id(self) -> int | None:
        value = (self.choice.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class RoomCountForm(FlaskForm):
    """Built per proposal: one number field per choice (added in the view)."""


def room_count_form(proposal):
    class Form(RoomCountForm):
        pass

    for choice in proposal.choices:
        setattr(Form, f"count_{choice.id}", StringField(
            choice.label, default="0", filters=[strip], render_kw={"inputmode": "numeric"},
            validators=[required(_l("Type a number. Type 0 if nobody chose this.")), WholeNumber()]))
    return Form()
