"""The easy-read check while a writer types (static/js/easyread.js): the same server check as on
saving, answered as an HTML fragment the page puts under the form. It saves nothing; the check
when the form is saved is still the one that counts, so forms work the same without JavaScript."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from coprod.easyread import review as easyread
from coprod.easyread.forms import LiveCheckForm
from coprod.models import Role
from coprod.permissions import access, board_roles

blueprint = Blueprint("easyread", __name__)

# The longest text a checked form takes is 3,000 letters (a proposal) plus its title. Longer is
# refused at once, so a pasted book cannot keep the server busy; saving still checks it.
MAX_LETTERS = 6000
MAX_BYTES = 64 * 1024


def _refused(status: int):
    message = _("This is too long to check as you type. We check it when you save.")
    return render_template("easyread/live.html", findings=None, refused=message), status


@blueprint.post("/boards/<slug>/easy-read-check")
@access(board_roles(Role.SECRETARY, Role.COMMISSIONER))  # everyone who writes: agenda, records, actions...
def live_check(slug: str):
    """Findings for the text in the form now, in the page's language."""
    if (request.content_length or 0) > MAX_BYTES:
        return _refused(413)
    form = LiveCheckForm()
    if not form.validate_on_submit():  # a CSRF token is checked before this view runs
        return _refused(400)
    if len(form.text.data or "") > MAX_LETTERS:
        return _refused(400)
    findings = easyread.review(form.text.data or "")
    response = render_template("easyread/live.html", findings=findings, refused=None)
    return response, 200, {"Cache-Control": "no-store"}
