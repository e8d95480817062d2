"""Forms for signing in, settings and helping. One thing per page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, Length, Optional

from coprod.forms import ChoiceField, MaxLength, PlainText, choices, required, strip


class CodeForm(FlaskForm):
    code = StringField(
        _l("Your code"),
        description=_l("It is on your login card, under the square picture. It has 8 letters and numbers."),
        filters=[strip],
        validators=[required(_l("Type the code from your card.")), MaxLength(40), PlainText()],
    )


class EmailLinkForm(FlaskForm):
    email = EmailField(
        _l("Your email address"),
        filters=[strip],
        validators=[required(_l("Type your email address.")), MaxLength(254), PlainText(),
                    Email(message=_l("This does not look like an email address. It needs an @ sign, like name@example.com."),
                          check_deliverability=False)],
    )


class PasswordSignInForm(FlaskForm):
    email = EmailField(
        _l("Your email address"),
        filters=[strip],
        validators=[required(_l("Type your email address.")), MaxLength(254), PlainText()],
    )
    password = PasswordField(
        _l("Your password"),
        description=_l("You can paste it, or let your device fill it in."),
        validators=[required(_l("Type your password.")), MaxLength(500)],
    )


class NewPasswordForm(FlaskForm):
    current_password = PasswordField(_l("Your password now"), validators=[Optional(), MaxLength(500)])
    password = PasswordField(
        _l("New password"),
        description=_l("Use 12 letters or more. A few words together is good. You can paste it."),
        validators=[required(_l("Type a new password.")), MaxLength(500),
                    Length(min=12, message=_l("The password is too short. Use 12 letters or more."))],
    )


class SettingsForm(FlaskForm):
    text_size = ChoiceField(
        _l("Text size"),
        choices=choices([("normal", _l("Normal text")), ("large", _l("Large text")), ("larger", _l("Very large text"))]),
        validators=[required(_l("Choose a text size."))],
    )
    contrast = ChoiceField(
        _l("Colours"),
        choices=choices([("normal", _l("Normal colours")), ("high", _l("High contrast: black and yellow"))]),
        validators=[required(_l("Choose the colours you want."))],
    )
    locale = ChoiceField(_l("Language"), validators=[required(_l("Choose a language."))])


class HelperForm(FlaskForm):
    helper = ChoiceField(_l("Who is helping you?"), validators=[required(_l("Choose who is helping you."))])
    helper_name = StringField(
        _l("Their name"),
        description=_l("Only if you chose someone else."),
        filters=[strip],
        validators=[Optional(), MaxLength(120), PlainText()],
    )


class AppCodeForm(FlaskForm):
    """A 6-digit code from an authenticator app."""

    code = StringField(
        _l("The code from your app"),
        description=_l("Open the authenticator app on your phone. Type the 6 numbers it shows for this site."),
        filters=[strip],
        validators=[required(_l("Type the 6 numbers from your app.")), MaxLength(20), PlainText()],
    )


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("A recovery code"),
        description=_l("It is one of the 10 codes you printed or wrote down. Each code works once."),
        filters=[strip],
        validators=[required(_l("Type one of your recovery codes.")), MaxLength(40), PlainText()],
    )


class TurnOffAppForm(FlaskForm):
    code = StringField(
        _l("The code from your app, or a recovery code"),
        filters=[strip],
        validators=[required(_l("Type the 6 numbers from your app, or a recovery code.")), MaxLength(40),
                    PlainText()],
    )
