"""The jargon buster: A to Z and one page per word for everyone; adding and changing words for
secretaries and admins. Thin: rules in services."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod.i18n import lang_attrs
from coprod.glossary import services
from coprod.glossary.forms import TermForm
from coprod.permissions import PUBLIC, SECRETARY_ANYWHERE, access
from coprod.pictures.forms import finding_pictures
from coprod.transactions import refused_into

blueprint = Blueprint("glossary", __name__, url_prefix="/jargon-buster")


@blueprint.get("")
@access(PUBLIC)
def index():
    """Every word, A to Z, with its picture and meaning."""
    language = services.page_language()
    terms = services.terms_for(language)
    return render_template("glossary/index.html", letters=services.by_letter(terms, language), count=len(terms),
                           may_edit=SECRETARY_ANYWHERE.allows(current_user, None))


@blueprint.get("/<word>")
@access(PUBLIC)
def term(word: str):
    """One word: what it means, with a picture (and Listen, like every page). `?words=en`: a word
    of another language (from content shown in that language), explained in that language's words."""
    page = services.page_language()
    language = request.args.get("words", page)
    if language not in current_app.config["LANGUAGES"]:
        language = page
    found = services.term_by_slug(language, word)
    if found is None:
        abort(404)
    attrs = lang_attrs(language) if language != page else ""
    return render_template("glossary/term.html", term=found, attrs=attrs,
                           may_edit=language == page and SECRETARY_ANYWHERE.allows(current_user, None))


def _save(form: TermForm, found=None):
    fields = {"term": form.term.data, "other_forms": form.other_forms.data or "", "meaning": form.meaning.data,
              "picture": form.picture.data}
    with refused_into(form):
        if found is None:
            found = services.add_term(services.page_language(), by=current_user, **fields)
        else:
            services.update_term(found, by=current_user, **fields)
        flash(_("Saved. The word is explained wherever it is used."), "success")
        return redirect(url_for("glossary.term", word=found.slug))
    return None


@blueprint.route("/new", methods=["GET", "POST"])
@access(SECRETARY_ANYWHERE)
def new_term():
    """Add a word, in the language the site is in now."""
    form = TermForm()
    if request.method == "GET" and request.args.get("term"):
        form.term.data = request.args["term"][:80]  # from the easy-read check: "add it to the jargon buster"
    if not finding_pictures() and form.validate_on_submit() and (done := _save(form)):
        return done
    return render_template("glossary/form.html", form=form, term=None), 400 if form.errors else 200


@blueprint.route("/<word>/edit", methods=["GET", "POST"])
@access(SECRETARY_ANYWHERE)
def edit_term(word: str):
    found = services.term_by_slug(services.page_language(), word)
    if found is None:
        abort(404)
    form = TermForm()
    if request.method == "GET":
        form.process(obj=found)
    if not finding_pictures() and form.validate_on_submit() and (done := _save(form, found)):
        return done
    return render_template("glossary/form.html", form=form, term=found), 400 if form.errors else 200
