"""One commit per request, at the request boundary.

Services change things and `flush()`; they never commit. When the view has answered, the
request's work is committed once if the answer is a success or a redirect, and rolled back if it
is an error (a form shown again with its messages, a refusal, a 404). Side effects wait for that
commit in the outbox (coprod/outbox.py).

A request that must keep its changes although it answers with an error (a failed sign-in attempt
is counted, then the person is told the code is wrong) says so with `keep_changes()`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, flash, g, redirect, request

from coprod import outbox
from coprod.errors import Refused
from coprod.extensions import db
from coprod.urls import safe_next


def keep_changes() -> None:
    """Commit this request's changes even though its answer is an error status."""
    g.keep_changes = True


def _finish(response: Response) -> Response:
    if response.status_code < 400 or g.get("keep_changes"):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _refused(refusal: Refused):
    """A refusal nobody caught to put next to a field: roll back, say why, go back to the page."""
    db.session.rollback()
    flash(str(refusal), "error")
    return redirect(_page_before())


def _page_before() -> str:
    """The page the person came from on this site (the form with the button), else the home page."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc != request.host:
        return "/"
    return safe_next(came_from.path + (f"?{came_from.query}" if came_from.query else ""))


def init_transactions(app: Flask) -> None:
    outbox.listen()
    app.errorhandler(Refused)(_refused)
    # Registered first, so it runs after every other after_request hook (Flask runs them in
    # reverse): whatever they add to the session is committed with the rest.
    app.after_request(_finish)
