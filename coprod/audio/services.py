"""Audio for pages: which clips a page needs, asking workers to make them, and making them.

Web requests only read (one query per page) and put jobs on the queue; speech is made by
`make_clip`, which runs in a worker. Clips are keyed by a hash of exactly what is spoken, so the
same words are made once, and a clip nobody has asked for in AUDIO_KEEP_DAYS is cleaned up.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import undefer

from coprod.audio import engine
from coprod.audio.store import AudioStore
from coprod.audio.text import SLOT, read_page
from coprod.extensions import db
from coprod.models import AudioClip, ClipStatus, utcnow

SPEEDS = ("normal", "slow")


@dataclass(frozen=True)
class ClipSpec:
    """Everything a worker needs to make one clip (sent through the queue as a dict)."""
    key: str
    sentences: tuple[str, ...]
    language: str
    voice: str
    speed: str
    rate: int
    # One voice per sentence when some sentences are in another language (content shown in its
    # own language, inside lang="..."); empty when every sentence uses `voice`.
    voices: tuple[str, ...] = ()
    # The `lang` of each sentence (None: the page's), kept with the clip to make it again.
    languages: tuple[str | None, ...] = ()
    # Asked for by a public page (signed out, open to anyone): the clip may be served to anyone.
    # Not part of the key: the same words make the same file, public once any public page says them.
    public: bool = False

    def as_job(self) -> dict:
        return {**asdict(self), "sentences": list(self.sentences), "voices": list(self.voices),
                "languages": list(self.languages)}

    @classmethod
    def from_job(cls, job: dict) -> ClipSpec:
        return cls(**{**job, "sentences": tuple(job["sentences"]), "voices": tuple(job.get("voices", ())),
                      "languages": tuple(job.get("languages", ())), "public": bool(job.get("public", False))})

    def stored_sentences(self) -> str:
        """What the clip row keeps: the sentences, with their languages when they differ."""
        if not self.voices:
            return json.dumps(list(self.sentences), ensure_ascii=False)
        return json.dumps({"sentences": list(self.sentences), "languages": list(self.languages)},
                          ensure_ascii=False)


class AudioNotMade(Exception):
    """A job failed; Huey retries it (up to its limit)."""


def store() -> AudioStore:
    return AudioStore(current_app.config["AUDIO_DIR"])


def voice_for(locale: str) -> str:
    language = locale.replace("_", "-").lower()
    voices = current_app.config["AUDIO_VOICES"]
    return voices.get(language) or voices.get(language.split("-")[0]) or language.split("-")[0]


def specs_for(sentences: list[str], locale: str, languages: list[str | None] | None = None) -> dict[str, ClipSpec]:
    """The clips (normal and slow) that speak `sentences` in `locale`; a sentence whose entry in
    `languages` names another language is spoken with that language's voice."""
    config = current_app.config
    version = engine.engine_version(config["AUDIO_ENGINE"])
    voice = voice_for(locale)
    voices = [voice_for(language) if language else voice for language in (languages or [])]
    mixed = any(v != voice for v in voices)
    specs = {}
    for speed in SPEEDS:
        rate = config["AUDIO_RATES"][speed]
        # The same payload as before for one-language pages, so their clips keep their keys.
        parts = [version, locale, voice, speed, rate, sentences] + ([voices] if mixed else [])
        payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        key = hashlib.sha256(payload.encode()).hexdigest()
        specs[speed] = ClipSpec(key, tuple(sentences), locale, voice, speed, rate,
                                tuple(voices) if mixed else (), tuple(languages) if mixed else ())
    return specs


def specs_from_stored(stored: str, locale: str) -> dict[str, ClipSpec]:
    kept = json.loads(stored)
    if isinstance(kept, dict):
        return specs_for(kept["sentences"], locale, kept["languages"])
    return specs_for(kept, locale)


# ---------------------------------------------------------------------------------------------
# In a request: the Listen control
# ---------------------------------------------------------------------------------------------

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


def _send(task, *args) -> bool:
    """Put a job on the queue. False (and a log line) if it could not be queued."""
    from coprod.tasks import huey

    if huey.immediate:
        # Immediate mode (tests) would run the job right here, inside the web request. Speech is
        # never made in a web request, so the job is left for a worker (tests run it as one).
        return False
    try:
        task(*args)
        return True
    except Exception as error:
        current_app.logger.warning("audio: could not queue a job (%s: %s)", type(error).__name__, error)
        return False


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


def _make_public(keys: list[str]) -> None:
    """The same words were on a public page: anyone may have their audio."""
    db.session.execute(update(AudioClip).where(AudioClip.key.in_(keys), AudioClip.is_private.is_(True))
                       .values(is_private=False))


def listen_control(html: str, locale: str, collect: list | None = None, public: bool = False) -> str:
    """`html` with its Listen control filled in, and jobs queued for clips that are missing.

    `collect`: when a worker renders a page to make its audio ahead of time, the clips it needs
    are added to this list instead of being queued. `public`: the page is one anyone may see
    (signed out, open to all); otherwise its clips are private (signed, short-lived URLs)."""
    from coprod.audio import tasks

    spoken = read_page(html)
    if not spoken.sentences:
        return html
    specs = {speed: replace(spec, public=public)
             for speed, spec in specs_for(spoken.sentences, locale, spoken.languages).items()}
    clips = {clip.key: clip for clip in db.session.scalars(
        select(AudioClip).where(AudioClip.key.in_([s.key for s in specs.values()])))}
    now = utcnow()
    if public and any(clip.is_private for clip in clips.values()):
        _make_public([clip.key for clip in clips.values() if clip.is_private])
        for clip in clips.values():
            clip.is_private = False
    ready: dict[str, AudioClip] = {}
    for speed in SPEEDS:
        spec, clip = specs[speed], clips.get(specs[speed].key)
        if clip is not None and clip.is_ready and store().exists(spec.key):
            ready[speed] = clip
            if clip.last_used_dt < now - current_app.config["AUDIO_TOUCH_AFTER"] and collect is None:
                _send(tasks.touch_audio_clips, [spec.key])
        elif collect is not None:
            collect.append(spec)
        elif clip is not None and clip.is_ready or _needs_job(clip, now):  # ready but its file is lost, or missing
            _send(tasks.make_audio_clip, spec.as_job())
    tracks = {speed: {"src": clip_url(specs[speed].key, clip.is_private), "starts": clip.timings_json or "[]"}
              for speed, clip in ready.items()}
    wait = {speed: clip_url(spec.key, not public, "audio.clip_status")
            for speed, spec in specs.items() if speed not in ready}
    control = render_template("audio/_listen.html", normal=tracks.get("normal"), slow=tracks.get("slow"), wait=wait,
                              sentences=json.dumps(spoken.sentences, ensure_ascii=False))
    return html.replace(SLOT, SLOT.replace("></div>", f">{control}</div>"), 1)


# ---------------------------------------------------------------------------------------------
# In a worker: making clips
# ---------------------------------------------------------------------------------------------

def _insert_if_missing(spec: ClipSpec) -> None:
    values = dict(key=spec.key, language=spec.language, voice=spec.voice, speed=spec.speed,
                  status=ClipStatus.PENDING.value, attempts=0, is_private=not spec.public,
                  sentences_json=spec.stored_sentences(),
                  created_dt=utcnow(), updated_dt=utcnow(), last_used_dt=utcnow())
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(AudioClip).values(**values).on_conflict_do_nothing(index_elements=["key"]))
    if spec.public:
        _make_public([spec.key])
    db.session.commit()


def _claim(key: str) -> bool:
    now = utcnow()
    stale = now - current_app.config["AUDIO_STALE_AFTER"]
    result = db.session.execute(
        update(AudioClip)
        .where(AudioClip.key == key, or_(AudioClip.claimed_dt.is_(None), AudioClip.claimed_dt < stale))
        .values(claimed_dt=now, updated_dt=now, attempts=AudioClip.attempts + 1))
    db.session.commit()
    return result.rowcount == 1


def clip_status(key: str, clip: AudioClip | None) -> dict:
    """What the Listen control asks while it waits: is the clip ready (or failed) yet?"""
    if clip is not None and clip.is_ready and store().exists(key):
        return {"ready": True, "src": clip_url(key, clip.is_private),
                "starts": json.loads(clip.timings_json or "[]")}
    return {"ready": False, "failed": clip is not None and clip.status == ClipStatus.FAILED}


def make_clip(spec: ClipSpec, *, last_try: bool = True) -> str:
    """Make one clip (in a worker). Returns its status; raises AudioNotMade when it failed."""
    config = current_app.config
    audio_store = store()
    _insert_if_missing(spec)
    clip = db.session.scalar(select(AudioClip).where(AudioClip.key == spec.key))
    if clip.is_ready and audio_store.exists(spec.key):
        return ClipStatus.READY.value  # made already: same words, same file
    if not _claim(spec.key):
        return "busy"  # another worker is making it right now
    db.session.refresh(clip)
    try:
        speech = engine.speak(list(spec.sentences), voice=spec.voice, voices=list(spec.voices) or None,
                              words_per_minute=spec.rate,
                              engine=config["AUDIO_ENGINE"], command=config["AUDIO_SYNTH_COMMAND"],
                              timeout=config["AUDIO_TIMEOUT"])
        data = engine.encode_mp3(speech)
        size = audio_store.save(spec.key, data)
    except (engine.EngineError, OSError) as error:
        message = str(error) or type(error).__name__
        clip.error = message[:1000]
        clip.claimed_dt = None
        clip.updated_dt = utcnow()
        if last_try:
            clip.status = ClipStatus.FAILED
        db.session.commit()
        current_app.logger.warning("audio %s (%s, %s) not made, attempt %s%s: %s", spec.key[:12], spec.language,
                                   spec.speed, clip.attempts, "" if last_try else ", will retry", message)
        raise AudioNotMade(message) from None
    clip.status = ClipStatus.READY
    clip.error = None
    clip.byte_size = size
    clip.seconds = speech.seconds
    clip.timings_json = json.dumps(speech.starts)
    clip.claimed_dt = None
    clip.updated_dt = utcnow()
    db.session.commit()
    return ClipStatus.READY.value


def prepare_pages(paths: list[str], languages: list[str] | None = None) -> dict[str, int]:
    """Make the audio of pages ahead of time, as a signed-out visitor sees them, in every language.

    Runs in a worker when content is published or changed: each language's normal speed first
    (the site's first language soonest), then the slow clips."""
    app = current_app._get_current_object()
    counts = {"ready": 0, "failed": 0}
    done: set[str] = set()

    def make(specs: list[ClipSpec]) -> None:
        for spec in specs:
            if spec.key not in done:
                done.add(spec.key)
                counts["ready" if make_clip_quietly(spec) else "failed"] += 1

    slow: list[ClipSpec] = []
    for locale in languages or list(app.config["LANGUAGES"]):
        wanted: list[ClipSpec] = []
        for path in paths:
            collected: list[ClipSpec] = []
            # A fresh context for each page, as a real request has: the language and `g` of one
            # page must not leak into the next.
            response = contextvars.Context().run(
                app.test_client().get, path, query_string={"lang": locale},
                environ_base={"coprod.audio.collect": collected})
            if response.status_code == 200:
                wanted += collected
        make([spec for spec in wanted if spec.speed == "normal"])
        slow += [spec for spec in wanted if spec.speed != "normal"]
    make(slow)
    return counts


def touch(keys: list[str]) -> None:
    db.session.execute(update(AudioClip).where(AudioClip.key.in_(keys)).values(last_used_dt=utcnow()))
    db.session.commit()


# ---------------------------------------------------------------------------------------------
# Housekeeping and the `coprod audio` command
# ---------------------------------------------------------------------------------------------

def cleanup(keep_days: int | None = None) -> dict[str, int]:
    """Forget clips no page has used for `keep_days`, and files no clip row knows."""
    days = current_app.config["AUDIO_KEEP_DAYS"] if keep_days is None else keep_days
    cutoff = utcnow() - timedelta(days=days)
    audio_store = store()
    old = list(db.session.scalars(select(AudioClip.key).where(AudioClip.last_used_dt < cutoff)))
    for key in old:
        audio_store.delete(key)
    if old:
        db.session.execute(delete(AudioClip).where(AudioClip.key.in_(old)))
    db.session.commit()
    on_disk = list(audio_store.keys(older_than_seconds=3600))
    known = set()
    for start in range(0, len(on_disk), 500):
        chunk = on_disk[start:start + 500]
        known |= set(db.session.scalars(select(AudioClip.key).where(AudioClip.key.in_(chunk))))
    orphans = [key for key in on_disk if key not in known]
    for key in orphans:
        audio_store.delete(key)
    return {"clips_removed": len(old), "files_removed": len(orphans) + audio_store.remove_leftovers()}


def status_counts() -> dict[str, int]:
    """ready: clip made and its file is there; missing: asked for but not (yet) there; failed."""
    rows = db.session.execute(select(AudioClip.status, func.count()).group_by(AudioClip.status)).all()
    counts = {"ready": 0, "missing": 0, "failed": 0}
    for status, number in rows:
        counts["ready" if status == ClipStatus.READY else
               "failed" if status == ClipStatus.FAILED else "missing"] += number
    audio_store = store()
    lost = sum(1 for key in db.session.scalars(select(AudioClip.key).where(AudioClip.status == ClipStatus.READY))
               if not audio_store.exists(key))
    counts["ready"] -= lost
    counts["missing"] += lost
    return counts


def all_specs(only_not_ready: bool = False) -> list[ClipSpec]:
    """Every clip the site knows, keyed for today's engine and settings, normal speed first."""
    query = select(AudioClip).order_by(AudioClip.id).options(undefer(AudioClip.sentences_json))
    specs = {}
    for clip in db.session.scalars(query):
        if clip.speed not in SPEEDS or (only_not_ready and clip.is_ready and store().exists(clip.key)):
            continue
        spec = replace(specs_from_stored(clip.sentences_json, clip.language)[clip.speed], public=not clip.is_private)
        specs[spec.key] = spec
    return sorted(specs.values(), key=lambda s: SPEEDS.index(s.speed))


def make_clip_quietly(spec: ClipSpec) -> bool:
    try:
        return make_clip(spec) == ClipStatus.READY.value
    except AudioNotMade:
        return False


def remake(spec: ClipSpec) -> bool:
    """Make a clip again from its stored sentences (even if it was ready)."""
    store().delete(spec.key)
    db.session.execute(update(AudioClip).where(AudioClip.key == spec.key)
                       .values(status=ClipStatus.PENDING.value, claimed_dt=None))
    db.session.commit()
    try:
        make_clip(spec)
        return True
    except AudioNotMade:
        return False

