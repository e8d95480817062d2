"""The picture library: every picture, found by word; uploading and removing the organisation's own.
Thin: rules in services, files in uploads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod import outbox
from coprod.check_step import Check, check_page, isolated
from coprod.permissions import PUBLIC, SECRETARY_ANYWHERE, access
from coprod.pictures import services, symbols, uploads
from coprod.pictures.forms import UploadForm
from coprod.transactions import refused_into

blueprint = Blueprint("pictures", __name__)


@blueprint.get("/pictures")
@access(PUBLIC)
def library():
    """Every picture: our own, then the pictures for meanings; a search finds all the symbols too."""
    query = (request.args.get("q") or "").strip()[:100]
    cards = services.search(query) if query else services.browse()
    return render_template("pictures/library.html", cards=cards, query=query,
                           may_edit=SECRETARY_ANYWHERE.allows(current_user, None))


def _take_file(form: UploadForm) -> str | None:
    """Check a newly chosen file, or keep the one already waiting. Returns the waiting name."""
    upload = request.files.get(form.file.name)
    if upload is not None and upload.filename:
        with refused_into(form, "file"):
            form.kept.data = uploads.keep_pending(uploads.make(upload.stream))
            return form.kept.data
        form.kept.data = ""
        return None
    if uploads.pending_path(form.kept.data):
        return form.kept.data
    form.kept.data = ""
    form.file.errors = [_("Choose a picture file.")]
    return None


@blueprint.route("/pictures/new", methods=["GET", "POST"])
@access(SECRETARY_ANYWHERE)
def upload():
    """Add a picture to the library: the file, and words that say what it shows."""
    form = UploadForm()
    if request.method == "POST":
        texts_ok = form.validate_on_submit()
        waiting = _take_file(form)
        if texts_ok and waiting:
            with refused_into(form, "file"):
                picture = services.add_upload(waiting, alt_text=form.alt_text.data,
                                              search_words=form.search_words.data or "", by=current_user)
                flash(_("The picture is in the library. Writers can choose it now."), "success")
                return redirect(url_for("pictures.uploaded", picture_id=picture.id))
            form.kept.data = ""  # refused: the file is chosen again
    return render_template("pictures/upload.html", form=form, waiting=form.kept.data or None,
                           max_mb=uploads.MAX_BYTES // (1024 * 1024)), 400 if form.errors else 200


@blueprint.get("/pictures/new/<token>")
@access(SECRETARY_ANYWHERE)
def waiting(token: str):
    """A checked picture waiting for its words (the random name is the key to it)."""
    return uploads.send(uploads.pending_path(token), cache=False)


def _picture_or_404(picture_id: int):
    picture = services.live_picture(picture_id)
    if picture is None:
        abort(404)
    return picture


@blueprint.get("/pictures/upload-<int:picture_id>")
@access(SECRETARY_ANYWHERE)
def uploaded(picture_id: int):
    """One of our own pictures: what it shows, how often it is used, and removing it."""
    picture = _picture_or_404(picture_id)
    return render_template("pictures/uploaded.html", picture=picture, used=services.times_used(picture),
                           form=FlaskForm())


@blueprint.route("/pictures/upload-<int:picture_id>/remove", methods=["GET", "POST"])
@access(SECRETARY_ANYWHERE)
def remove(picture_id: int):
    """Take a picture out of the library, after a check page (the file is deleted). Pages that used it
    show a plain picture instead."""
    picture = _picture_or_404(picture_id)
    if request.method == "GET":
        return check_page(Check(
            title=_("Remove this picture?"), confirm=_("Yes, remove the picture"), picture="stop",
            back=url_for("pictures.uploaded", picture_id=picture_id),
            points=[("info", isolated(_("The picture is: %(words)s"), words=picture.alt_text)),
                    ("warning", _("You cannot undo this. Where it was used, a plain picture shows."))]))
    if not FlaskForm().validate_on_submit():
        abort(400)
    used = services.remove(picture, by=current_user)
    outbox.after_commit(uploads.delete, picture.file_name)  # a failed commit leaves the picture whole
    flash(_("The picture is removed.") + " " + (
        _("Where it was used, a plain picture shows now.") if used else ""), "success")
    return redirect(url_for("pictures.library"))


@blueprint.get("/pictures/files/<file_name>")
@access(PUBLIC)
def file(file_name: str):
    """An uploaded picture, as our own WebP. The name is random and never reused: cached for a year."""
    return uploads.send(uploads.path_of(file_name), cache=True)


@blueprint.get("/pictures/<name>.svg")
@access(PUBLIC)
def picture(name: str):
    """A bundled symbol by its meaning or its `om-` name."""
    path = symbols.symbol_path(name)
    if path is None:
        abort(404)
    # The URL carries the set's version, so a year-long cache is safe.
    return send_file(path, mimetype="image/svg+xml", max_age=31536000, conditional=True)
