"""Choosing the language: the person's own choice, then the browser, then English."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user
from markupsafe import Markup

RTL_LANGUAGES = {"ur", "ar", "fa", "he"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(list(languages)) or "en"


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"


def lang_attrs(language: str) -> Markup:
    """` lang="cy" dir="ltr"`: the attributes for an element in `language` (the one place they are built;
    templates call it as `lang_attrs(code)`, e.g. `<p{{ lang_attrs(code) }}>`)."""
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))
