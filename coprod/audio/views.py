"""Serving audio files, and the Listen control that every page gets in its reserved place."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request, send_file
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from coprod.audio import clips, listen
from coprod.audio.store import KEY
from coprod.audio.text import SLOT
from coprod.extensions import db
from coprod.models import AudioClip
from coprod.permissions import PUBLIC, access, access_for_endpoint

blueprint = Blueprint("audio", __name__)

ONE_YEAR = 365 * 24 * 3600


def init_audio(app: Flask) -> None:
    # The settings (AUDIO_*) are in coprod/config.py.
    app.register_blueprint(blueprint)
    app.after_request(_fill_listen_slot)
    # First of all: who is asking decides what the access rules allow.
    app.before_request_funcs.setdefault(None, []).insert(0, _as_person_for_audio)

    import coprod.audio.pages  # noqa: F401  (which pages show records, votes, words and pictures)
    import coprod.audio.tasks  # noqa: F401  (registers the audio jobs with the queue)
    from coprod.audio.cli import audio_command
    from coprod.audio.publish import listen_for_changes

    app.cli.add_command(audio_command)
    listen_for_changes()


def _as_person_for_audio() -> None:
    """A worker preparing someone's pages ahead of time (making.prepare_pages) sees them as that
    person. Only from inside the worker: the WSGI environ key cannot come from an HTTP request
    (headers arrive as HTTP_*), and the page is rendered only to collect its clips."""
    user_id = request.environ.get("coprod.audio.as_user")
    if user_id is None or "coprod.audio.collect" not in request.environ:
        return
    from flask_login import login_user

    from sqlalchemy.orm import joinedload

    from coprod.models import Membership, User

    # Loaded as a signed-in request loads its person (coprod/accounts/sessions.py): with their roles
    # and boards, which every page reads (relationships never load on first touch).
    user = db.session.get(User, user_id, options=[joinedload(User.memberships).joinedload(Membership.board)])
    if user is not None and user.is_active:
        login_user(user)


def _fill_listen_slot(response: Response) -> Response:
    """Every page with a Listen place gets its Listen control. Never breaks the page."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.status_code >= 500:
        return response
    html = response.get_data(as_text=True)
    if SLOT not in html:
        return response
    try:
        html = listen.listen_control(html, str(get_locale() or "en"),
                                     collect=request.environ.get("coprod.audio.collect"), public=is_public_page())
    except Exception:
        current_app.logger.exception("audio: the Listen control failed on %s", request.path)
        from flask import render_template

        try:
            control = render_template("audio/_listen.html", normal=None, slow=None, sentences="[]", wait=None)
        except Exception:
            control = ""
        html = html.replace(SLOT, SLOT.replace("></div>", f">{control}</div>"), 1)
    response.set_data(html)
    return response


def is_public_page() -> bool:
    """A page anyone may see, the same for everyone: a GET, signed out, of a view open to all,
    with no secret in its URL (a card's or sign-in link's token)."""
    return (request.method in ("GET", "HEAD") and not current_user.is_authenticated
            and access_for_endpoint(request.endpoint) is PUBLIC
            and not any(name in (request.view_args or {}) for name in ("token",)))


def _clip_or_404(key: str) -> AudioClip:
    """The clip, if this reader may have it: a public clip to anyone; a private clip only through a
    signed URL made for this reader (signed in as the same person) that has not run out."""
    if not KEY.match(key):
        abort(404)
    clip = db.session.scalar(select(AudioClip).where(AudioClip.key == key))
    if clip is None or clip.is_private and not listen.token_allows(request.args.get("t"), key):
        abort(404)
    return clip


@blueprint.get("/audio/<key>.mp3")
@access(PUBLIC)
def clip(key: str):
    """A clip's MP3. A public page's audio: anyone, cached publicly for a year (the key is a hash of
    its words, so it never changes). A private page's audio: only through its signed, short-lived
    URL, for the person it was shown to, never stored by any cache. Byte ranges for Safari."""
    found = _clip_or_404(key)
    path = clips.store().path_for(key)
    if not path.is_file():
        abort(404)
    if found.is_private:
        response = send_file(path, mimetype="audio/mpeg", conditional=True, etag=key, max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response = send_file(path, mimetype="audio/mpeg", conditional=True, etag=key, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@blueprint.get("/audio/<key>.json")
@access(PUBLIC)
def clip_status(key: str):
    """Whether a clip is ready yet: the Listen control asks while the page says "not ready yet".
    A private page's status URL is signed like its audio (a clip not made yet counts as private)."""
    if not KEY.match(key):
        abort(404)
    found = db.session.scalar(select(AudioClip).where(AudioClip.key == key))
    if found is not None and found.is_private and not listen.token_allows(request.args.get("t"), key):
        abort(404)
    response = jsonify(listen.clip_status(key, found))
    response.headers["Cache-Control"] = "no-store"
    return response

