"""Sign in, sign out, settings and "someone is helping me". Thin: the rules are in services."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import audit, transactions
from coprod.accounts import services, sessions
from coprod.accounts.forms import (CodeForm, EmailLinkForm, HelperForm, NewPasswordForm,
                                   PasswordSignInForm, SettingsForm)
from coprod.forms import choices
from coprod.permissions import PUBLIC, SIGNED_IN, access
from coprod.urls import safe_next

blueprint = Blueprint("accounts", __name__)

SOMEONE_ELSE = "someone-else"


def _after_sign_in():
    flash(_("You are signed in. Hello %(name)s.", name=current_user.name), "success")
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


def _throttled():
    return render_template("errors/429.html"), 429


@blueprint.get("/sign-in")
@access(PUBLIC)
def sign_in():
    """Choose a way to sign in. None of them asks you to remember anything."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("accounts/sign_in.html", next=safe_next(request.args.get("next"), ""))


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in_code():
    """Type the short code printed on a login card."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            services.check_throttle()
        except services.TooManyAttempts:
            return _throttled()
        card = services.card_by_code(form.code.data)
        if card is None:
            services.note_failure()
            transactions.keep_changes()  # the failed attempt counts towards the throttle, whatever the answer
            form.code.errors.append(_("That code does not work. Check the letters and numbers on your card. Ask your board secretary if it still does not work."))
        else:
            services.sign_in_with_card(card, "code")
            return _after_sign_in()
    return render_template("accounts/code.html", form=form)


@blueprint.get("/card/<token>")
@access(PUBLIC)
def card(token: str):
    """The link inside a login card's QR code: shows whose card it is, one tap signs in."""
    found = services.card_by_token(token)
    if found is None:
        return render_template("accounts/card_not_working.html"), 404
    return render_template("accounts/card.html", card=found, form=FlaskForm())


@blueprint.post("/card/<token>")
@access(PUBLIC)
def card_sign_in(token: str):
    """Sign in with a login card. A tap (POST) is needed so that link previews cannot sign anyone in."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.check_throttle()
    except services.TooManyAttempts:
        return _throttled()
    found = services.card_by_token(token)
    if found is None:
        services.note_failure()
        transactions.keep_changes()  # the failed attempt counts towards the throttle
        return render_template("accounts/card_not_working.html"), 404
    services.sign_in_with_card(found, "card")
    return _after_sign_in()


@blueprint.route("/sign-in/email", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in_email():
    """Ask for a sign-in link by email."""
    form = EmailLinkForm()
    if form.validate_on_submit():
        try:
            services.check_throttle(form.email.data.lower())
        except services.TooManyAttempts:
            return _throttled()
        services.send_magic_link(form.email.data)
        return render_template("accounts/email_sent.html", email=form.email.data)
    return render_template("accounts/email.html", form=form)


@blueprint.get("/sign-in/link/<token>")
@access(PUBLIC)
def magic_link(token: str):
    """The link from the email. One tap signs in; the link then stops working."""
    link = services.magic_link_by_token(token)
    if link is None:
        return render_template("accounts/link_not_working.html"), 404
    return render_template("accounts/magic_link.html", link=link, form=FlaskForm())


@blueprint.post("/sign-in/link/<token>")
@access(PUBLIC)
def magic_link_sign_in(token: str):
    """Use a sign-in link (once)."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    link = services.magic_link_by_token(token)
    if link is None:
        return render_template("accounts/link_not_working.html"), 404
    services.sign_in_with_magic_link(link)
    return _after_sign_in()


@blueprint.route("/sign-in/password", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in_password():
    """Sign in with email and password (mainly for staff). Paste and autofill work."""
    form = PasswordSignInForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in_with_password(form.email.data, form.password.data)
        except services.TooManyAttempts:
            return _throttled()
        if user is not None:
            return _after_sign_in()
        transactions.keep_changes()  # the failed attempt counts towards the throttle, whatever the answer
        form.password.errors.append(_("The email address or password is not right. Check them and try again."))
    return render_template("accounts/password.html", form=form)


@blueprint.post("/sign-out")
@access(PUBLIC)
def sign_out():
    """Sign out on this device. The sign-in ends on the server, so a copied cookie stops working."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        sessions.end_current()
    return redirect(url_for("accounts.signed_out"))


@blueprint.get("/signed-out")
@access(PUBLIC)
def signed_out():
    """You are signed out."""
    return render_template("accounts/signed_out.html")


@blueprint.route("/settings", methods=["GET", "POST"])
@access(PUBLIC)
def settings():
    """Text size, colours and language. Kept for the person, or for this browser if not signed in."""
    form = SettingsForm()
    form.locale.choices = choices(current_app.config["LANGUAGES"].items())
    if request.method == "GET":
        source = current_user if current_user.is_authenticated else None
        form.text_size.data = source.text_size if source else session.get("text_size", "normal")
        form.contrast.data = source.contrast if source else session.get("contrast", "normal")
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        values = {"text_size": form.text_size.data, "contrast": form.contrast.data, "locale": form.locale.data}
        session.update(values)
        if current_user.is_authenticated:
            for key, value in values.items():
                setattr(current_user, key, value)
            audit.record("settings.change", target=current_user,
                         detail=", ".join(f"{k}={v}" for k, v in values.items()))
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form)


@blueprint.post("/language")
@access(PUBLIC)
def language():
    """Switch language in one tap (the footer buttons)."""
    form = FlaskForm()
    chosen = request.form.get("locale")
    if not form.validate_on_submit() or chosen not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = chosen
    if current_user.is_authenticated:
        current_user.locale = chosen
    return redirect(safe_next(request.form.get("next"), url_for("main.home")))


@blueprint.route("/helping", methods=["GET", "POST"])
@access(SIGNED_IN)
def helping():
    """Say who is helping you. Everything you do then says they helped."""
    sign_in = sessions.current()
    helpers = services.possible_helpers(current_user)
    form = HelperForm()
    form.helper.choices = choices([(str(h.id), h.name) for h in helpers] + [(SOMEONE_ELSE, _("Someone else"))])
    if form.validate_on_submit():
        if form.helper.data == SOMEONE_ELSE and not form.helper_name.data:
            form.helper_name.errors.append(_("Type the name of the person helping you."))
        else:
            chosen = next((h for h in helpers if str(h.id) == form.helper.data), None)
            services.start_helping(sign_in, helper=chosen, helper_name=form.helper_name.data)
            flash(_("%(name)s is helping you now.", name=sign_in.helper_display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/helping.html", form=form, helpers=helpers, sign_in=sign_in,
                           someone_else=SOMEONE_ELSE)


@blueprint.post("/helping/stop")
@access(SIGNED_IN)
def stop_helping():
    """Nobody is helping me now."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    sign_in = sessions.current()
    services.stop_helping(sign_in)
    flash(_("Nobody is helping you now."), "success")
    return redirect(url_for("main.home"))


@blueprint.get("/account")
@access(SIGNED_IN)
def account():
    """My account: my boards and roles, and ways to sign in."""
    return render_template("accounts/account.html")


@blueprint.route("/account/password", methods=["GET", "POST"])
@access(SIGNED_IN)
def change_password():
    """Set or change a password. Other devices are signed out."""
    form = NewPasswordForm()
    if not current_user.password_hash:
        del form.current_password  # nothing to confirm yet; the page does not show it
    if form.validate_on_submit():
        if current_user.password_hash and not services.check_password(current_user, form.current_password.data or ""):
            form.current_password.errors.append(_("This is not your password now. You can paste it."))
        else:
            services.set_password(current_user, form.password.data)
            flash(_("Your new password is saved. Other devices are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)
