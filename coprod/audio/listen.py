"""Audio in a web request: the Listen control a page gets, and whether a clip is ready yet.

Requests only read (one query per page) and ask for jobs; speech is made by a worker
(coprod/audio/making.py). Jobs are queued when the request's transaction ends, through the outbox.
"""

from __future__ import annotations

import json

from flask import current_app, render_template, url_for
from sqlalchemy import select

from coprod.audio.clips import SPEEDS, queue_after_request, specs_for, store
from coprod.audio.text import SLOT, read_page
from coprod.extensions import db
from coprod.models import AudioClip, ClipStatus, utcnow


def _needs_job(clip: AudioClip | None, now) -> bool:
    config = current_app.config
    if clip is None:
        return True
    if clip.status == ClipStatus.READY:
        return False
    if clip.status == ClipStatus.FAILED:
        return clip.updated_dt < now - config["AUDIO_RETRY_FAILED_AFTER"]
    stale = now - config["AUDIO_STALE_AFTER"]
    # Pending: only if its job seems lost (the queue was down, or a worker died mid-job).
    return (clip.claimed_dt or clip.updated_dt) < stale


def listen_control(html: str, locale: str, collect: list | None = None) -> str:
    """`html` with its Listen control filled in, and jobs queued for clips that are missing.

    `collect`: when a worker renders a page to make its audio ahead of time, the clips it needs
    are added to this list instead of being queued."""
    from coprod.audio import tasks

    spoken = read_page(html)
    if not spoken.sentences:
        return html
    specs = specs_for(spoken.sentences, locale, spoken.languages)
    clips = {clip.key: clip for clip in db.session.scalars(
        select(AudioClip).where(AudioClip.key.in_([s.key for s in specs.values()])))}
    now = utcnow()
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
            queue_after_request(tasks.make_audio_clip, spec.as_job())
    tracks = {speed: {"src": url_for("audio.clip", key=specs[speed].key), "starts": clip.timings_json or "[]"}
              for speed, clip in ready.items()}
    wait = {speed: url_for("audio.clip_status", key=spec.key) for speed, spec in specs.items() if speed not in ready}
    control = render_template("audio/_listen.html", normal=tracks.get("normal"), slow=tracks.get("slow"), wait=wait,
                              sentences=json.dumps(spoken.sentences, ensure_ascii=False))
    return html.replace(SLOT, SLOT.replace("></div>", f">{control}</div>"), 1)


def clip_status(key: str) -> dict:
    """What the Listen control asks while it waits: is the clip ready (or failed) yet?"""
    clip = db.session.scalar(select(AudioClip).where(AudioClip.key == key))
    if clip is not None and clip.is_ready and store().exists(key):
        return {"ready": True, "src": url_for("audio.clip", key=key), "starts": json.loads(clip.timings_json or "[]")}
    return {"ready": False, "failed": clip is not None and clip.status == ClipStatus.FAILED}
