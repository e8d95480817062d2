"""Forms: how a person is told, and what a board sends. Easy-read messages next to each field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField, ValidationError
from wtforms.validators import Email, Optional

from coprod.easyread.review import EasyReadChecked
from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip
from coprod.models import ReminderHow, ReminderKind
from coprod.reminders import phone, postal
from coprod.reminders.words import KIND_LABELS

HOW_LABELS = {
    ReminderHow.EMAIL.value: _l("By email"),
    ReminderHow.TEXT.value: _l("By text message"),
    ReminderHow.BOTH.value: _l("By email and text message"),
    ReminderHow.NONE.value: _l("No reminders"),
}
HOW_PICTURES = {"email": "email", "text": "tablet", "both": "news", "none": "no"}

BAD_MOBILE = _l("This does not look like a UK mobile number. It starts with 07 and has 11 numbers, like 07700 900123.")
BAD_EMAIL = _l("This does not look like an email address. It needs an @ sign, like name@example.com.")


class MobileNumber:
    def __call__(self, form, field):
        if field.data and phone.normalise(field.data) is None:
            raise ValidationError(BAD_MOBILE)


class PostalAddress:
    """3 to 6 lines (the name goes above them), none too long for the envelope's window, the last one a UK postcode."""

    def __call__(self, form, field):
        lines = postal.lines_of(field.data)
        if not lines:
            return
        if len(lines) < postal.LINES[0]:
            raise ValidationError(_l("Type your address on at least 3 lines: the house and street, the town, "
                                     "and the postcode on the last line."))
        if len(lines) > postal.LINES[1]:
            raise ValidationError(_l("Use 6 lines or fewer for your address."))
        if any(len(line) > postal.LINE_LENGTH for line in lines):
            raise ValidationError(_l("One line of your address is too long. Use %(max)d letters or fewer on each line.",
                                     max=postal.LINE_LENGTH))
        if postal.postcode(lines[-1]) is None:
            raise ValidationError(_l("Put your postcode on the last line, like SW1A 1AA."))


class ReminderChoiceForm(FlaskForm):
    how = ChoiceField(_l("How do you want to get reminders?"),
                      choices=choices(HOW_LABELS.items()),
                      validators=[required(_l("Choose how you want to get reminders."))])
    mobile = TelField(_l("Your mobile phone number"),
                      description=_l("For text messages. For example: 07700 900123."),
                      filters=[strip], validators=[Optional(), MaxLength(30), PlainText(), MobileNumber()])
    supporter_on = BooleanField(_l("Send a copy to my supporter or carer"))
    supporter_name = StringField(_l("Their name"), filters=[strip],
                                 validators=[Optional(), MaxLength(120), PlainText()])
    supporter_email = EmailField(_l("Their email address"), description=_l("You can leave this empty."),
                                 filters=[strip],
                                 validators=[Optional(), MaxLength(254), PlainText(),
                                             Email(message=BAD_EMAIL, check_deliverability=False)])
    supporter_mobile = TelField(_l("Their mobile phone number"), description=_l("You can leave this empty."),
                                filters=[strip], validators=[Optional(), MaxLength(30), PlainText(), MobileNumber()])

    pack_by_post = BooleanField(_l("Post the meeting pack to me on paper"))
    pack_large_print = BooleanField(_l("In large print"))
    postal_address = TextAreaField(_l("Your address"),
                                   description=_l("Put each part on its own line. Put the postcode on the last line."),
                                   filters=[strip],
                                   validators=[Optional(), MaxLength(400), PlainText(), PostalAddress()])

    # Set by the view: does the person have an email address on this site?
    has_email = True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        how = self.how.data
        if how in (ReminderHow.EMAIL.value, ReminderHow.BOTH.value) and not self.has_email:
            self.how.errors.append(_l("We do not have an email address for you. Choose text message, "
                                      "or ask your board secretary to add your email."))
            valid = False
        if how in (ReminderHow.TEXT.value, ReminderHow.BOTH.value) and not self.mobile.data and not self.mobile.errors:
            self.mobile.errors.append(_l("Type your mobile phone number. Or choose email."))
            valid = False
        if self.supporter_on.data:
            if not self.supporter_name.data and not self.supporter_name.errors:
                self.supporter_name.errors.append(_l("Type the name of your supporter or carer."))
                valid = False
            if not self.supporter_email.data and not self.supporter_mobile.data \
                    and not self.supporter_email.errors and not self.supporter_mobile.errors:
                self.supporter_email.errors.append(_l("Type their email address or their mobile phone number."))
                valid = False
        if self.pack_by_post.data and not self.postal_address.data and not self.postal_address.errors:
            self.postal_address.errors.append(_l("Type your address, so we can post the pack to you."))
            valid = False
        return valid


def board_form_class():
    """The secretary's form: each kind on or off, with its own words (empty: the default words)."""

    class BoardRemindersForm(EasyReadChecked, FlaskForm):
        pass

    for kind in ReminderKind:
        label = KIND_LABELS[kind]
        setattr(BoardRemindersForm, f"on_{kind.value}", BooleanField(_l("Send this reminder: %(kind)s", kind=label)))
        setattr(BoardRemindersForm, f"words_{kind.value}", TextAreaField(
            _l("The words for: %(kind)s", kind=label), description=_l("Leave it empty to use the words shown under it."),
            filters=[strip], validators=[Optional(), MaxLength(300), PlainText()]))
    return BoardRemindersForm


BoardRemindersForm = board_form_class()
