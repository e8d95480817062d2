"""Sign in, sign out, settings and "someone is helping me". Thin: the rules are in services."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import audit
from coprod.accounts import services, sessions, throttle, two_factor
from coprod.accounts.forms import (AppCodeForm, CodeForm, EmailLinkForm, HelperForm, NewPasswordForm,
                                   PasswordSignInForm, RecoveryCodeForm, SettingsForm, TurnOffAppForm)
from coprod.extensions import db
from coprod.forms import choices
from coprod.permissions import ADMIN, PUBLIC, SIGNED_IN, access, access_for_endpoint
from coprod.transactions import keep_changes
from coprod.urls import safe_next

blueprint = Blueprint("accounts", __name__)

SOMEONE_ELSE = "someone-else"


def _after_sign_in(signed_in):
    """Where to go once the first thing was right: home (or `next`) if `signed_in` (a SignIn),
    or first the second step (None: the person uses an authenticator app)."""
    next_page = safe_next(request.args.get("next"), "")
    if signed_in is None:
        return redirect(url_for("accounts.second_step", next=next_page or None))
    flash(_("You are signed in. Hello %(name)s.", name=current_user.name), "success")
    return redirect(next_page or url_for("main.home"))


def _throttled(error: services.TooManyAttempts | None = None):
    return render_template("errors/429.html", wait=error.message if error else None), 429


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
            services.check_code_throttle()
        except services.TooManyAttempts as error:
            form.code.errors.append(throttle.too_many_message(error)
                                    + " " + _("The square picture on your card still works."))
            return render_template("accounts/code.html", form=form), 429
        card = services.card_by_code(form.code.data)
        if card is not None:
            return _after_sign_in(services.sign_in_with_card(card, "code"))
        services.note_code_failure()
        keep_changes()  # the failure is counted although the form is shown again
        form.code.errors.append(_("That code does not work. Check the letters and numbers on your card. Ask your board secretary if it still does not work."))
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
    """Sign in with a login card. A tap (POST) is needed so that link previews cannot sign anyone in.
    A right card always works, however many wrong tries others made from the same address."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    found = services.card_by_token(token)
    if found is not None:
        return _after_sign_in(services.sign_in_with_card(found, "card"))
    try:
        services.check_code_throttle()
    except services.TooManyAttempts as error:
        return _throttled(error)
    services.note_code_failure()
    keep_changes()
    return render_template("accounts/card_not_working.html"), 404


@blueprint.route("/sign-in/email", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in_email():
    """Ask for a sign-in link by email. The answer is the same whether or not we know the address,
    and whether or not it had too many links lately."""
    form = EmailLinkForm()
    if form.validate_on_submit():
        try:
            services.send_magic_link(form.email.data)
        except services.TooManyAttempts as error:
            return _throttled(error)
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
    return _after_sign_in(services.sign_in_with_magic_link(link))


@blueprint.route("/sign-in/password", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in_password():
    """Sign in with email and password (mainly for staff). Paste and autofill work."""
    form = PasswordSignInForm()
    if form.validate_on_submit():
        try:
            user, signed_in = services.sign_in_with_password(form.email.data, form.password.data)
        except services.TooManyAttempts as error:
            return _throttled(error)
        if user is not None:
            return _after_sign_in(signed_in)
        keep_changes()  # the wrong try is counted
        form.password.errors.append(_("The email address or password is not right. Check them and try again."))
    return render_template("accounts/password.html", form=form)


# ---- the second step: an authenticator app ------------------------------------------------------

def _second_step_page(form, template: str, status: int = 200):
    return render_template(template, form=form, next=safe_next(request.args.get("next"), "")), status


def _second_step(form, template: str, recovery: bool):
    if two_factor.pending() is None:
        # Nobody is halfway through signing in on this browser (or it was over 10 minutes ago).
        return render_template("accounts/start_again.html")
    if form.validate_on_submit():
        try:
            signed_in = two_factor.finish_second_step(form.code.data, recovery=recovery)
        except services.TooManyAttempts as error:
            form.code.errors.append(throttle.too_many_message(error))
            return _second_step_page(form, template, 429)
        if signed_in is not None:
            return _after_sign_in(signed_in)
        keep_changes()  # the wrong code is counted
        form.code.errors.append(
            _("That recovery code does not work. Check it, or try another one.") if recovery
            else _("Those numbers do not work. Type the 6 numbers your app shows now."))
    return _second_step_page(form, template)


@blueprint.route("/sign-in/second-step", methods=["GET", "POST"])
@access(PUBLIC)
def second_step():
    """Staff who use an authenticator app type its code after their password, card or link."""
    return _second_step(AppCodeForm(), "accounts/second_step.html", recovery=False)


@blueprint.route("/sign-in/recovery-code", methods=["GET", "POST"])
@access(PUBLIC)
def recovery_code():
    """No phone? A recovery code instead (each works once)."""
    return _second_step(RecoveryCodeForm(), "accounts/recovery_code.html", recovery=True)


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


@blueprint.route("/account/erase", methods=["GET", "POST"])
@access(SIGNED_IN)
def erase_me():
    """Forget me (UK GDPR art. 17): an easy-read page that says what will go, then a clear button.
    Works without JavaScript: one form, one button."""
    from flask import g

    from coprod.privacy import erasure

    form = FlaskForm()
    problem = None
    try:
        erasure.check_may_erase(current_user, by=current_user)
    except erasure.CannotErase:
        problem = _("You are the only site admin. Make someone else an admin first.")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if problem is None and request.form.get("confirm") == "yes":
            user_id = current_user.id
            row = g.pop("sign_in", None)  # deleted with every other sign-in of theirs
            if row is not None and row in db.session:
                db.session.expunge(row)
            erasure.erase(user_id, by=None)
            sessions.end_current()
            flash(_("Everything about you is gone from this site. Thank you for taking part."), "success")
            return redirect(url_for("accounts.signed_out"))
    return render_template("accounts/erase.html", form=form, problem=problem,
                           preview=erasure.preview(current_user)), 400 if problem and request.method == "POST" else 200


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


# ---- my authenticator app -------------------------------------------------------------------------

# What someone who must set up an authenticator app may still reach before they have: public
# pages (anyone may see them signed out), the app's pages, and signing out.
_ALLOWED_BEFORE_SETUP = {"accounts.two_factor_setup", "accounts.two_factor_page", "accounts.sign_out"}


@blueprint.before_app_request
def ask_staff_to_set_up_an_app():
    """Staff who must use an authenticator app (the site setting) and have not set one up can only
    reach the set-up page (and public pages) until they do."""
    if not current_user.is_authenticated or request.endpoint is None:
        return None
    if request.endpoint in _ALLOWED_BEFORE_SETUP or access_for_endpoint(request.endpoint) is PUBLIC:
        return None
    if two_factor.required_for(current_user) and not two_factor.is_on(current_user):
        return redirect(url_for("accounts.two_factor_setup"))
    return None


def _may_use_an_app():
    if not two_factor.may_use(current_user):
        abort(404)


@blueprint.get("/account/two-factor")
@access(SIGNED_IN)
def two_factor_page():
    """My authenticator app: on or off, recovery codes, turning it off."""
    _may_use_an_app()
    return render_template("accounts/two_factor.html", is_on=two_factor.is_on(current_user),
                           required=two_factor.required_for(current_user),
                           codes_left=two_factor.recovery_codes_left(current_user), form=FlaskForm())


@blueprint.route("/account/two-factor/set-up", methods=["GET", "POST"])
@access(SIGNED_IN)
def two_factor_setup():
    """Set up an authenticator app: scan the square picture (or type the key), then type a code."""
    _may_use_an_app()
    if two_factor.is_on(current_user):
        return redirect(url_for("accounts.two_factor_page"))
    form = AppCodeForm()
    secret = two_factor.setup_secret(current_user)
    if form.validate_on_submit():
        codes = two_factor.turn_on(current_user, form.code.data)
        if codes is not None:
            return render_template("accounts/recovery_codes.html", codes=codes, first_time=True)
        form.code.errors.append(_("Those numbers do not work. Type the 6 numbers your app shows now."))
    return render_template("accounts/two_factor_setup.html", form=form, secret=two_factor.grouped(secret),
                           qr=two_factor.qr_data_uri(two_factor.setup_uri(current_user, secret)),
                           required=two_factor.required_for(current_user))


@blueprint.post("/account/two-factor/recovery-codes")
@access(SIGNED_IN)
def two_factor_new_codes():
    """Make 10 new recovery codes; the old ones stop working. Shown once."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not two_factor.is_on(current_user):
        abort(404)
    return render_template("accounts/recovery_codes.html", codes=two_factor.new_recovery_codes(current_user),
                           first_time=False)


@blueprint.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@access(SIGNED_IN)
def two_factor_off():
    """Turn the authenticator app off (for a new phone: then set it up again)."""
    if not two_factor.is_on(current_user):
        return redirect(url_for("accounts.two_factor_page"))
    form = TurnOffAppForm()
    if form.validate_on_submit():
        if two_factor.turn_off(current_user, form.code.data):
            flash(_("The authenticator app is turned off."), "success")
            if two_factor.required_for(current_user):
                return redirect(url_for("accounts.two_factor_setup"))
            return redirect(url_for("accounts.two_factor_page"))
        keep_changes()
        form.code.errors.append(_("That code does not work. Type the 6 numbers your app shows now, or a recovery code."))
    return render_template("accounts/two_factor_off.html", form=form,
                           required=two_factor.required_for(current_user))


@blueprint.post("/admin/people/<int:user_id>/two-factor/reset")
@access(ADMIN)
def two_factor_reset(user_id: int):
    """An admin clears someone's authenticator app (a lost phone). It is in the audit log."""
    from coprod.models import User

    if not FlaskForm().validate_on_submit():
        abort(400)
    person = db.get_or_404(User, user_id)
    if two_factor.is_on(person):
        two_factor.reset(person, by=current_user)
        flash(_("The authenticator app is reset. %(name)s sets it up again when they next sign in.",
                name=person.name), "success")
    return redirect(url_for("admin.person", user_id=user_id))
