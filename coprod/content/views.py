"""Versions in other languages and "checked for easy read by", for any kind of content.
Thin: rules in services, the kinds in kinds."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod import times
from coprod.content import services
from coprod.content.forms import SOMEONE_ELSE, checked_form, version_form
from coprod.content.kinds import KINDS, may_mark_checked, texts_of
from coprod.easyread import review as easyread
from coprod.models import Role, utcnow
from coprod.permissions import access, board_roles
from coprod.transactions import refused_into

blueprint = Blueprint("content", __name__, url_prefix="/boards/<slug>/languages/<kind>/<int:content_id>")

# Each kind then says who may write it (an agenda item: the secretary only), checked per record.
WRITERS = board_roles(Role.SECRETARY, Role.COMMISSIONER)
SECRETARY = board_roles(Role.SECRETARY)


def _content_or_404(kind_name: str, content_id: int):
    """The kind and the content, only if it is this board's and this person may write it."""
    kind = KINDS.get(kind_name)
    content = kind.load(g.board, content_id) if kind is not None else None
    if content is None:
        abort(404)
    if not kind.may_write(current_user, g.board):
        abort(403)
    return kind, content


@blueprint.get("")
@access(WRITERS)
def overview(slug: str, kind: str, content_id: int):
    """The languages of one piece of content: the original, its versions, and who checked each."""
    found_kind, content = _content_or_404(kind, content_id)
    languages = list(current_app.config["LANGUAGES"])
    return render_template("content/overview.html", kind=found_kind, content=content, codes=languages,
                           versions=services.versions_of(content), checks=services.checks_of(content),
                           texts={code: services.texts_in(content, code) for code in languages},
                           may_check=may_mark_checked(current_user, g.board),
                           back=found_kind.back(content, g.board))


@blueprint.route("/version", methods=["GET", "POST"])
@access(WRITERS)
def version(slug: str, kind: str, content_id: int):
    """Write or change the version in another language, beside the original."""
    found_kind, content = _content_or_404(kind, content_id)
    texts = found_kind.texts(content)
    form = version_form(texts, content.language)
    if request.method == "GET":
        asked = request.args.get("language", "")
        if asked not in current_app.config["LANGUAGES"] or asked == content.language:
            asked = next(code for code in current_app.config["LANGUAGES"] if code != content.language)
        existing = services.versions_of(content).get(asked)
        form.process(data={"language": asked, **(existing.texts if existing else {})})
    findings = []
    if form.validate_on_submit():
        language = form.language.data
        written = {text.name: form[text.name].data or "" for text in texts}
        findings = easyread.review(*written.values(), language=language)
        if not easyread.hold_back(form, findings):
            with refused_into(form, "language"):
                services.save_version(content, g.board, language, written, by=current_user)
                easyread.record_if_saved_anyway(findings, target=content, board=g.board, by=current_user)
                flash(_("The %(language)s version is saved.", language=services.language_name(language)),
                      "success")
                return redirect(url_for("content.overview", slug=slug, kind=kind, content_id=content_id))
    return render_template("content/version_form.html", kind=found_kind, content=content, form=form,
                           texts=texts, findings=findings, original=texts_of(found_kind, content))


@blueprint.route("/checked/<language>", methods=["GET", "POST"])
@access(SECRETARY)
def checked(slug: str, kind: str, content_id: int, language: str):
    """Mark one language "checked for easy read by" a self-advocate, with the day they checked it."""
    found_kind, content = _content_or_404(kind, content_id)
    texts = services.texts_in(content, language) if language in current_app.config["LANGUAGES"] else None
    if texts is None:
        abort(404)
    people = services.self_advocates(g.board)
    form = checked_form(people)
    if request.method == "GET":
        form.checked_on.data = times.to_local(utcnow()).date()
    if form.validate_on_submit():
        checker = next((p for p in people if str(p.id) == form.checker.data), None)
        services.mark_checked(content, g.board, language, checker=checker,
                              name="" if checker else form.name.data, checked_on=form.checked_on.data,
                              by=current_user)
        flash(_("Saved. The page now says who checked it."), "success")
        return redirect(url_for("content.overview", slug=slug, kind=kind, content_id=content_id))
    return render_template("content/checked_form.html", kind=found_kind, content=content, form=form,
                           language=language, texts=texts, labels={t.name: t.label for t in found_kind.texts(content)},
                           someone_else=SOMEONE_ELSE)
