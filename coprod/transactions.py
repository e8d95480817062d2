"""One commit per request, at the request boundary, and one way to handle refusals.

Services change things and `flush()`; they never commit, and neither do views. When the view has
answered, the request's work is committed once if the answer is a success or a redirect, and rolled
back if it is an error (a form shown again with its messages, a refusal, a 404). Side effects wait
for that commit in the outbox (coprod/outbox.py).

A request that must keep its changes although it answers with an error (a failed sign-in attempt
is counted, then the person is told the code is wrong) says so with `keep_changes()`.

Refusals (`coprod.errors.Refused`): a form page runs its service call in `refused_into(form)`, which
rolls back and puts the message next to the field and shows the form again; a refusal nobody
catches (a button on its own) is rolled back, flashed, and the person goes back to the page they
came from (or where the view said with `back_to`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, render_template, request, session
from sqlalchemy import select
from sqlalchemy.orm import Mapper, selectinload

from coprod import outbox, submissions
from coprod.errors import Refused
from coprod.extensions import db
from coprod.urls import safe_next


def rollback() -> None:
    """Undo everything this request changed.

    A rollback expires every loaded object, and relationships never load on first touch
    (lazy="raise"). So what the request had loaded (who is asking, with their roles and boards; the
    page's own objects) is loaded again at once: one query per kind of object and relationship,
    only on this rare path, so the page that says what went wrong can be shown as before."""
    loaded = _loaded_relationships()
    db.session.rollback()
    try:
        for (mapper, keys), ids in loaded.items():
            model = mapper.class_
            db.session.scalars(
                select(model).where(mapper.primary_key[0].in_(ids))
                .options(*(selectinload(getattr(model, key)) for key in keys))).all()
    except Exception:  # the database itself failed: the error page is still shown
        db.session.rollback()
        current_app.logger.exception("could not load the request's objects again on %s", request.path)


def _loaded_relationships() -> dict[tuple[Mapper, tuple[str, ...]], list]:
    """For each kind of object in the session: the relationships it had loaded, and the objects' ids."""
    found: dict[tuple[Mapper, tuple[str, ...]], list] = defaultdict(list)
    for state in db.session.identity_map.all_states():
        keys = tuple(sorted(key for key in state.mapper.relationships.keys() if key in state.dict))
        if keys and state.key is not None and len(state.mapper.primary_key) == 1:
            found[(state.mapper, keys)].append(state.key[1][0])
    return found


def keep_changes() -> None:
    """Commit this request's changes even though its answer is an error status."""
    g.keep_changes = True


def back_to(url: str) -> None:
    """Where a refusal nobody catches sends the person, with its message (default: the page before)."""
    g.refused_back_to = url


@dataclass
class Refusal:
    """What a `refused_into` block was told: `refused` stays False while the rules said yes."""
    refused: bool = False
    message: str = ""
    field: str | None = None


@contextmanager
def refused_into(form=None, field: str | None = None) -> Iterator[Refusal]:
    """Run a service call that may be refused. On a refusal: everything this request changed is
    rolled back, the block stops there, and the easy-read message goes next to the refusal's field
    (else `field`), else into the form's summary. The code after the block shows the form again.

        with refused_into(form):
            services.create_record(...)
            flash(...)
            return redirect(...)
        return render_template(..., form=form)
    """
    said = Refusal()
    try:
        yield said
    except Refused as refusal:
        rollback()
        said.refused, said.message, said.field = True, str(refusal), refusal.field or field
        if form is not None:
            name = next((name for name in (refusal.field, field) if name and name in form), None)
            if name is not None:
                form[name].errors = [*form[name].errors, said.message]
            else:
                form.form_errors.append(said.message)


def _finish(response: Response) -> Response:
    if response.status_code < 400 or g.get("keep_changes"):
        try:
            # A form's one-time key is kept in the same commit as its work (coprod/submissions.py).
            submissions.record(response)
            db.session.commit()
        except Exception:
            # Nothing was saved: say so, as any other failure would, and tell no one it worked.
            rollback()
            session.pop("_flashes", None)
            if submissions.after_failed_commit(response):
                # The same form was sent at the same moment and that one was saved: go there.
                return response
            current_app.logger.exception("the commit failed on %s", request.path)
            return _server_error(response)
    else:
        db.session.rollback()
    return response


def _server_error(response: Response) -> Response:
    """The answer becomes the 500 page; the headers other hooks added (security ones) stay."""
    for header in ("Location", "Content-Disposition", "Content-Range", "ETag", "Last-Modified"):
        response.headers.pop(header, None)
    response.status_code = 500
    response.direct_passthrough = False
    response.set_data(render_template("errors/500.html"))
    response.mimetype = "text/html"
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(refusal: Refused):
    """A refusal nobody caught to put next to a field: roll back, say why, go back to the page."""
    rollback()
    g.refused = True
    flash(str(refusal), "error")
    return redirect(g.get("refused_back_to") or _page_before())


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
