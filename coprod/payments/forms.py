"""Forms for involvement payments: the claim, the answer to the secretary's question, the secretary's
question, and the board's amounts. Every message easy read, next to its field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired

from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip
from coprod.payments import services

PAY_BY_LABELS = {"bank": _l("Into my bank account"), "ask": _l("Another way. Please talk to me about it.")}
PAY_BY_PICTURES = {"bank": "bank", "ask": "talk"}


class Money:
    """An amount in pounds ("12.50"), from 0 to `most` pence (the field's own most, if any)."""

    def __init__(self, most: int = services.MAX_PENCE):
        self.most = most

    def __call__(self, form, field):
        try:
            services.parse_pence(field.data, most=self.most)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _money_field(label, description=None, missing=None):
    checks = [required(missing), DataRequired(missing)] if missing else []
    return StringField(label, description=description, filters=[strip], validators=[*checks, MaxLength(20), Money()])


class ClaimForm(FlaskForm):
    travel = _money_field(_l("How much did your travel cost? (you can leave this empty)"),
                          _l("In pounds. For example: 4.50. Bus, train or taxi to the meeting and home."))
    receipt = FileField(_l("A photo of your ticket or receipt"),
                        description=_l("You need this if you claim for travel. A JPEG or PNG photo, up to 8 MB."))
    pay_by = ChoiceField(_l("How do you want to be paid?"),
                         choices=choices(PAY_BY_LABELS.items()),
                         validators=[required(_l("Choose how you want to be paid."))])
    account_name = StringField(_l("Name on the bank account"), filters=[strip],
                               validators=[MaxLength(120), PlainText()])
    sort_code = StringField(_l("Sort code"), description=_l("6 numbers. For example: 12-34-56."), filters=[strip],
                            validators=[MaxLength(20)])
    account_number = StringField(_l("Account number"), description=_l("8 numbers. For example: 12345678."),
                                 filters=[strip], validators=[MaxLength(20)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.pay_by.data != "bank":
            return valid
        if not self.account_name.data and not self.account_name.errors:
            self.account_name.errors = [*self.account_name.errors, _l("Type the name on the bank account.")]
            valid = False
        for field, check in ((self.sort_code, services.clean_sort_code),
                             (self.account_number, services.clean_account_number)):
            if field.errors:
                continue
            try:
                check(field.data)
            except ValueError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
        return valid


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), filters=[strip],
                           validators=[required(_l("Type your answer.")), MaxLength(services.ANSWER_MAX),
                                       PlainText()])
    receipt = FileField(_l("A new photo of your receipt (you can leave this empty)"),
                        description=_l("A JPEG or PNG photo, up to 8 MB."))

    def validate_answer(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Type your answer."))


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Your question"), description=_l("Use short sentences. The person will read it."),
                             filters=[strip],
                             validators=[required(_l("Type your question.")), MaxLength(services.QUESTION_MAX),
                                         PlainText()])

    def validate_question(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Type your question."))


class AmountsForm(FlaskForm):
    involvement = _money_field(_l("Involvement payment for each meeting"),
                               _l("In pounds. For example: 25.00. Type 0 if the board does not pay."),
                               _l("Type an amount. Type 0 if the board does not pay."))
    travel_max = _money_field(_l("The most the board pays back for travel"),
                              _l("In pounds. For example: 20.00. Type 0 if the board does not pay for travel."),
                              _l("Type an amount. Type 0 if the board does not pay for travel."))
