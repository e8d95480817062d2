"""A form sent twice is done once: one-time submission keys for every POST form.

Every POST form has a hidden `submission_key` (the `submission_key()` template global, put next to
the CSRF token). For a signed-in person:

- when the form has done its work and sends them on (a redirect that was not a refusal), the key
  is written with where they were sent, in the same transaction as the work (transactions._finish);
- the same key sent again (a double click, a retry after a crash or a lost answer) does nothing and
  goes to where the first send went, with a calm "You sent this already";
- two sends at the very same moment: the second one's commit meets the first's key (primary key),
  so its work is rolled back and it too goes to the first result.

A form shown again with its messages keeps its key: it was not done, so it may be sent again.
Keys are kept for SUBMISSION_KEY_LIFETIME (2 days) and removed by `remove_old_submission_keys`.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import delete, select

from coprod.extensions import db
from coprod.models import SubmissionKey
from coprod.urls import safe_next

FIELD = "submission_key"
_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


def submission_key() -> Markup:
    """The hidden field every POST form carries (a new key each time the form is shown)."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, secrets.token_urlsafe(24))


def _sent_key() -> str | None:
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    key = request.form.get(FIELD, "")
    return key if _KEY.fullmatch(key) else None


def _first_send(key: str) -> SubmissionKey | None:
    return db.session.scalar(select(SubmissionKey).where(SubmissionKey.key == key))


def _already_sent(row: SubmissionKey) -> str:
    """Where this key went the first time (and say so)."""
    flash(_("You sent this already. Here is what happened."), "info")
    return safe_next(row.result_url)


def check_submission() -> Response | None:
    """before_request: a key sent before goes to its first result; a new one is kept for the end."""
    key = _sent_key()
    if key is None:
        return None
    row = _first_send(key)
    if row is None:
        g.submission_key = key
    elif row.user_id == current_user.id:
        # Nothing is done: the view does not run.
        return redirect(_already_sent(row), 303)
    # Someone else's key (never shown to this person): their form is done as sent, without it.
    return None


def shown_once(url: str) -> None:
    """For a view that answers a done form with a page of its own (not a redirect), such as a login
    card shown once: where a second send of the same form goes instead."""
    g.submission_result = url


def record(response: Response) -> None:
    """Called by transactions._finish just before the commit: keep the key with where it went."""
    key = g.pop("submission_key", None)
    if key is None or g.get("refused"):
        return
    if 300 <= response.status_code < 400:
        location = urlsplit(response.location or "")
    elif response.status_code == 200 and g.get("submission_result"):
        location = urlsplit(g.submission_result)
    else:
        return  # a form shown again with its messages: not done, it may be sent again
    target = safe_next(location.path + (f"?{location.query}" if location.query else "")
                       + (f"#{location.fragment}" if location.fragment else ""), "")
    if not target or len(target) > 500 or not current_user.is_authenticated:
        return
    db.session.add(SubmissionKey(key=key, user_id=current_user.id, result_url=target))
    g.submission_recorded = key


def after_failed_commit(response: Response) -> bool:
    """The commit failed (already rolled back): if it was because the same key was committed by a
    send at the same moment, the answer becomes a redirect to that first result (True)."""
    key = g.pop("submission_recorded", None)
    if key is None:
        return False
    try:
        row = _first_send(key)
        first = _already_sent(row) if row is not None and row.user_id == current_user.id else None
    except Exception:  # noqa: BLE001 - the error page is the fallback
        first = None
    db.session.rollback()
    if first is None:
        return False
    response.status_code = 303
    response.headers["Location"] = first
    response.set_data(b"")
    return True


def remove_old_submission_keys(now: datetime) -> int:
    """Remove the keys older than SUBMISSION_KEY_LIFETIME; how many went (for the periodic job).
    The caller commits."""
    cutoff = now - current_app.config["SUBMISSION_KEY_LIFETIME"]
    result = db.session.execute(delete(SubmissionKey).where(SubmissionKey.created_dt < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def init_submissions(app: Flask) -> None:
    app.before_request(check_submission)
