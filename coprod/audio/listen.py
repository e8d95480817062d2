"""Audio in a web request: the Listen control a page gets, and whether a clip is ready yet.

Requests only read (one query per page) and ask for jobs; speech is made by a worker
(coprod/audio/making.py). Jobs are queued when the request's transaction ends, through the outbox.
"""

from __future__ import annotations

import json
from dataclasses import replace

from flask import current_app, render_template, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from coprod.audio.clips import SPEEDS, make_public, queue_after_request, specs_for, store
from coprod.audio.text import SLOT, read_page
from coprod import public_cache
from coprod.extensions import db
from coprod.models import AudioClip, ClipStatus, utcnow


def _needs_job(clip: AudioClip | None, now) -> bool:
    config = current_app.config
    if clip is None:
        return True
    if clip.status == ClipStatus.READY:
        return False
    if clip.status == ClipStatus.FAILED:
        # Tried again later, but not for ever: after AUDIO_MAX_ATTEMPTS the clip stays failed
        # (`coprod audio status` says why; `coprod audio remake` tries again).
        return (clip.attempts < config["AUDIO_MAX_ATTEMPTS"]
                and clip.updated_dt < now - config["AUDIO_RETRY_FAILED_AFTER"])
    stale = now - config["AUDIO_STALE_AFTER"]
    # Pending: only if its job seems lost (the queue was down, or a worker died mid-job).
    return (clip.claimed_dt or clip.updated_dt) < stale


# ---- who may fetch a clip --------------------------------------------------------------------

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="coprod.audio.private-clip")


def _reader_id() -> int:
    """Who the signed URL is bound to: the signed-in person, or 0 for a signed-out reader."""
    return current_user.id if current_user.is_authenticated else 0


def private_token(key: str) -> str:
    return _signer().dumps([key, _reader_id()])


def token_allows(token: str | None, key: str) -> bool:
    """A signed URL for this clip, made for this reader, not older than AUDIO_PRIVATE_URL_MAX_AGE."""
    if not token:
        return False
    try:
        signed_key, reader = _signer().loads(token, max_age=current_app.config["AUDIO_PRIVATE_URL_MAX_AGE"])
    except (BadSignature, ValueError, TypeError):
        return False
    return signed_key == key and reader == _reader_id()


def clip_url(key: str, private: bool, endpoint: str = "audio.clip") -> str:
    if private:
        return url_for(endpoint, key=key, t=private_token(key))
    return url_for(endpoint, key=key)


def listen_control(html: str, locale: str, collect: list | None = None, public: bool = False) -> str:
    """`html` with its Listen control filled in, and jobs queued for clips that are missing.

    `collect`: when a worker renders a page to make its audio ahead of time, the clips it needs
    are added to this list instead of being queued. `public`: the page is one anyone may see
    (signed out, open to all); otherwise its clips are private (signed, short-lived URLs)."""
    from coprod.audio import tasks

    spoken = public_cache.read_page(html) if public else read_page(html)
    if not spoken.sentences:
        return html
    specs = {speed: replace(spec, public=public)
             for speed, spec in specs_for(spoken.sentences, locale, spoken.languages).items()}
    clips = {clip.key: clip for clip in db.session.scalars(
        select(AudioClip).where(AudioClip.key.in_([s.key for s in specs.values()])))}
    now = utcnow()
    if public and any(clip.is_private for clip in clips.values()):
        make_public([clip.key for clip in clips.values() if clip.is_private])
        for clip in clips.values():
            clip.is_private = False
    ready: dict[str, AudioClip] = {}
    for speed in SPEEDS:
        spec, clip = specs[speed], clips.get(specs[speed].key)
        if clip is not None and clip.is_ready and store().exists(spec.key):
            ready[speed] = clip
            if clip.last_used_dt < now - current_app.config["AUDIO_TOUCH_AFTER"] and collect is None:
                queue_after_request(tasks.touch_audio_clips, [spec.key])
        elif collect is not None:
            collect.append(spec)
        elif clip is not None and clip.is_ready or _needs_job(clip, now):  # ready but its file is lost, or missing
            # Someone is on this page now: its clip goes before audio made ahead of time.
            queue_after_request(tasks.make_audio_clip, spec.as_job(), priority=tasks.NOW)
    tracks = {speed: {"src": clip_url(specs[speed].key, clip.is_private), "starts": clip.timings_json or "[]"}
              for speed, clip in ready.items()}
    normal_clip = clips.get(specs["normal"].key)
    # The page's audio could not be made: say so plainly (the words are on the page), do not wait.
    failed = "normal" not in ready and normal_clip is not None and normal_clip.status == ClipStatus.FAILED
    wait = {speed: clip_url(spec.key, not public, "audio.clip_status")
            for speed, spec in specs.items() if speed not in ready and not failed}
    control = render_template("audio/_listen.html", normal=tracks.get("normal"), slow=tracks.get("slow"), wait=wait,
                              failed=failed, sentences=json.dumps(spoken.sentences, ensure_ascii=False))
    return html.replace(SLOT, SLOT.replace("></div>", f">{control}</div>"), 1)


def clip_status(key: str, clip: AudioClip | None) -> dict:
    """What the Listen control asks while it waits: is the clip ready (or failed) yet?"""
    if clip is not None and clip.is_ready and store().exists(key):
        return {"ready": True, "src": clip_url(key, clip.is_private),
                "starts": json.loads(clip.timings_json or "[]")}
    return {"ready": False, "failed": clip is not None and clip.status == ClipStatus.FAILED}
