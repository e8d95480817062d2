"""What the request side and the worker side of audio share: clip specs and their keys, the file
store, and putting jobs on the queue.

Clips are keyed by a hash of exactly what is spoken, so the same words are made once.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass

from flask import current_app

from coprod import outbox
from coprod.audio import engine
from coprod.audio.store import AudioStore

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


def make_public(keys: list[str]) -> None:
    """The same words were on a public page: anyone may have their audio."""
    from sqlalchemy import update

    from coprod.extensions import db
    from coprod.models import AudioClip

    db.session.execute(update(AudioClip).where(AudioClip.key.in_(keys), AudioClip.is_private.is_(True))
                       .values(is_private=False))


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


def queue_now(task, *args, priority: int | None = None) -> bool:
    """Put a job on the queue now (commands, and the outbox once a transaction ends).
    `priority`: higher goes first (coprod/audio/tasks.py).
    False (and a log line) if it could not be queued."""
    from coprod.tasks import huey

    if huey.immediate:
        # Immediate mode (tests) would run the job right here, inside the web request. Speech is
        # never made in a web request, so the job is left for a worker (tests run it as one).
        return False
    try:
        if priority is None:
            task(*args)
        else:
            task(*args, priority=priority)
        return True
    except Exception as error:
        current_app.logger.warning("audio: could not queue a job (%s: %s)", type(error).__name__, error)
        return False


def queue_after_request(task, *args, priority: int | None = None) -> None:
    """Queue a job from a web request once its transaction ends, saved or not: the job does not
    depend on what the request changed (a page's missing Listen audio, an error page's too)."""
    outbox.after_transaction(functools.partial(queue_now, priority=priority), task, *args)
