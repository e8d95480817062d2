"""Serving audio files, and the Listen control that every page gets in its reserved place."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request, send_file
from flask_babel import get_locale

from coprod.audio import clips, listen
from coprod.audio.store import KEY
from coprod.audio.text import SLOT
from coprod.permissions import PUBLIC, access

blueprint = Blueprint("audio", __name__)

ONE_YEAR = 365 * 24 * 3600


def init_audio(app: Flask) -> None:
    # The settings (AUDIO_*) are in coprod/config.py.
    app.register_blueprint(blueprint)
    app.after_request(_fill_listen_slot)

    import coprod.audio.tasks  # noqa: F401  (registers the audio jobs with the queue)
    from coprod.audio.cli import audio_command
    from coprod.audio.publish import listen_for_changes

    app.cli.add_command(audio_command)
    listen_for_changes()


def _fill_listen_slot(response: Response) -> Response:
    """Every page with a Listen place gets its Listen control. Never breaks the page."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.status_code >= 500:
        return response
    html = response.get_data(as_text=True)
    if SLOT not in html:
        return response
    try:
        html = listen.listen_control(html, str(get_locale() or "en"),
                                       collect=request.environ.get("coprod.audio.collect"))
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


@blueprint.get("/audio/<key>.mp3")
@access(PUBLIC)
def clip(key: str):
    """A clip's MP3. Anyone holding the key may have it: the key is a 256-bit hash of words
    they were shown. Private long caching (the words may be personal); byte ranges for Safari."""
    if not KEY.match(key):
        abort(404)
    path = clips.store().path_for(key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="audio/mpeg", conditional=True, etag=key, max_age=ONE_YEAR)
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response


@blueprint.get("/audio/<key>.json")
@access(PUBLIC)
def clip_status(key: str):
    """Whether a clip is ready yet: the Listen control asks while the page says "not ready yet"."""
    if not KEY.match(key):
        abort(404)
    response = jsonify(listen.clip_status(key))
    response.headers["Cache-Control"] = "no-store"
    return response
