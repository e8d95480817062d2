"""Papers for agenda items: the secretary adds, completes and removes them; everyone who may see the
meeting opens them. Routes on the meetings blueprint (imported at the end of coprod/meetings/views.py).
Rules and file checks in coprod/meetings/papers.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coprod.check_step import Check, check_page, isolated
from coprod.meetings import papers
from coprod.meetings.forms import EasyReadPaperForm, PaperForm
from coprod.meetings.views import SECRETARY, _item_or_404, _meeting_or_404, _published_meeting_or_404, blueprint
from coprod.permissions import PUBLIC, access
from coprod.transactions import refused_into


def _upload(field):
    """The chosen file, or None when nothing was chosen."""
    data = field.data
    return data.stream if data is not None and getattr(data, "filename", "") else None


def _paper_or_404(meeting, paper_id: int):
    found = papers.paper_on(meeting, paper_id)
    if found is None:
        abort(404)
    return found


@blueprint.route("/<int:meeting_id>/items/<int:item_id>/papers/new", methods=["GET", "POST"])
@access(SECRETARY)
def new_paper(slug: str, meeting_id: int, item_id: int):
    """Add a paper (PDF) to an agenda item, with its easy-read version or why there is none."""
    found = _meeting_or_404(meeting_id)
    item = _item_or_404(found, item_id)
    form = PaperForm()
    status = 200
    if form.validate_on_submit():
        with refused_into(form):
            upload = _upload(form.paper)
            if upload is None:
                raise papers.PaperRefused(_("Choose the PDF file of the paper."), field="paper")
            papers.add(item, found, title=form.title.data, paper=upload, easy=_upload(form.easy_read),
                       reason=form.reason.data or "", by=current_user)
            flash(_("The paper is added."), "success")
            return redirect(url_for("meetings.edit_item", slug=slug, meeting_id=meeting_id, item_id=item_id,
                                    _anchor="papers"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("meetings/paper_form.html", form=form, meeting=found, item=item, paper=None), status


@blueprint.route("/<int:meeting_id>/papers/<int:paper_id>/easy-read", methods=["GET", "POST"])
@access(SECRETARY)
def easy_read_paper(slug: str, meeting_id: int, paper_id: int):
    """Add a paper's easy-read version later, or change why there is none."""
    found = _meeting_or_404(meeting_id)
    paper = _paper_or_404(found, paper_id)
    form = EasyReadPaperForm()
    if request.method == "GET":
        form.reason.data = paper.no_easy_read_reason
    status = 200
    if form.validate_on_submit():
        with refused_into(form):
            papers.add_easy_read(paper, found, easy=_upload(form.easy_read), reason=form.reason.data or "",
                                 by=current_user)
            flash(_("The paper is saved."), "success")
            return redirect(url_for("meetings.edit_item", slug=slug, meeting_id=meeting_id,
                                    item_id=paper.agenda_item_id, _anchor="papers"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("meetings/paper_form.html", form=form, meeting=found, item=None, paper=paper), status


@blueprint.route("/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["GET", "POST"])
@access(SECRETARY)
def remove_paper(slug: str, meeting_id: int, paper_id: int):
    """Take a paper off its agenda item (after a check page)."""
    found = _meeting_or_404(meeting_id)
    paper = _paper_or_404(found, paper_id)
    back = url_for("meetings.edit_item", slug=slug, meeting_id=meeting_id, item_id=paper.agenda_item_id,
                   _anchor="papers")
    if request.method == "GET":
        return check_page(Check(
            title=_("Take this paper off the agenda?"), confirm=_("Yes, take the paper off"), picture="stop",
            back=back,
            points=[("book", isolated(_("The paper is: %(title)s"), title=paper.title)),
                    ("warning", _("You cannot undo this. To have it again, add it again."))]))
    if not FlaskForm().validate_on_submit():
        abort(400)
    papers.remove(paper, found, by=current_user)
    flash(_("The paper is taken off."), "success")
    return redirect(back)


@blueprint.get('/<int:meeting_id>/papers/<int:paper_id>/<any(full, "easy-read"):version>.pdf')
@access(PUBLIC)
def paper_file(slug: str, meeting_id: int, paper_id: int, version: str):
    """A paper's PDF, for whoever may see the meeting's agenda. Opened in the browser's own PDF
    reader, in a sandbox: a PDF's scripts and forms never run as our site."""
    found = _published_meeting_or_404(slug, meeting_id)
    paper = _paper_or_404(found, paper_id)
    name = paper.file_name if version == "full" else paper.easy_file_name
    path = papers.path_of(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", max_age=0, conditional=True,
                         download_name=f"{'easy-read-' if version == 'easy-read' else ''}paper-{paper.id}.pdf",
                         as_attachment=False)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Before the agenda is public only the secretary sees it: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-cache" if found.agenda_is_public else "no-store"
    return response
