"""Audio in a worker: making clips, preparing pages ahead of time, and housekeeping.

Runs outside any web request (a Huey worker, or `coprod audio`), so each job commits its own work:
a clip row is claimed, made and marked ready or failed in steps other workers can see. A clip nobody
has asked for in AUDIO_KEEP_DAYS is cleaned up.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import undefer

from coprod.audio import engine
from coprod.audio.clips import SPEEDS, ClipSpec, make_public, specs_from_stored, store
from coprod.extensions import db
from coprod.models import AudioClip, ClipStatus, utcnow
from coprod.models.upsert import upsert


class AudioNotMade(Exception):
    """A job failed; Huey retries it (up to its limit)."""


def _insert_if_missing(spec: ClipSpec) -> None:
    values = dict(key=spec.key, language=spec.language, voice=spec.voice, speed=spec.speed,
                  status=ClipStatus.PENDING.value, attempts=0, is_private=not spec.public,
                  sentences_json=spec.stored_sentences(),
                  created_dt=utcnow(), updated_dt=utcnow(), last_used_dt=utcnow())
    upsert(db.session, AudioClip, values, keys=["key"])
    if spec.public:
        make_public([spec.key])
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


# Pages a crawl for audio never opens: files, and links that change something or sign out. (A
# meeting pack's PDF has no Listen and took WeasyPrint seconds to make, for every person and language.)
_NOT_PAGES = re.compile(r"^/(static|audio|api)/|^/pictures/(files/|new/|[^/]+\.svg)|\.(csv|json|atom|mp3|png|svg|pdf|ics)$"
                        r"|/(sign-out|signout|logout|log-out|language|revoke|delete|remove|stop|cards?)(/|$)"
                        r"|/sign-in/link/", re.I)
_LINK = re.compile(r"""<a\b[^>]*?\shref\s*=\s*["']([^"'#]*)""", re.I)
MAX_PER_PATTERN = 2
MAX_PAGES = 400


def _pattern(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def prepare_pages(paths: list[str], languages: list[str] | None = None, *, queue: bool = False,
                  as_user: int | None = None, crawl: bool = False) -> dict[str, int]:
    """Make the audio of pages ahead of time, in every language (or `languages`).

    Runs in a worker when content is published or changed, and when the demo is loaded. Pages are
    seen as a signed-out visitor sees them, or as the person `as_user` does (their clips are
    private, as on their own visit). `crawl`: also every page reached from
    these by links, a few of each kind (as the browser crawl does). `queue`: each clip becomes a
    job of its own (the page someone is on now can go first; see tasks.py); otherwise the clips
    are made here: each language's normal speed first (the site's first language soonest), then
    the slow clips. Queued for changed content (signed out, no crawl), the members of the boards
    the pages belong to get the same pages prepared as they see them, in their language."""
    from coprod.audio import tasks
    from coprod.audio.clips import queue_now

    app = current_app._get_current_object()
    counts = {"ready": 0, "failed": 0, "queued": 0, "pages": 0}
    done: set[str] = set()

    def make(specs: list[ClipSpec], priority: int) -> None:
        for spec in specs:
            if spec.key in done:
                continue
            done.add(spec.key)
            if queue:
                clip = db.session.scalar(select(AudioClip).where(AudioClip.key == spec.key))
                if clip is not None and clip.is_ready and store().exists(spec.key):
                    continue
                counts["queued"] += queue_now(tasks.make_audio_clip, spec.as_job(), priority=priority)
            else:
                counts["ready" if make_clip_quietly(spec) else "failed"] += 1

    slow: list[ClipSpec] = []
    for number, locale in enumerate(languages or list(app.config["LANGUAGES"])):
        wanted: list[ClipSpec] = []
        to_visit, seen, per_pattern = list(paths), set(paths), Counter(_pattern(p) for p in paths)
        while to_visit and len(seen) <= MAX_PAGES:
            path = to_visit.pop(0)
            collected: list[ClipSpec] = []
            environ = {"coprod.audio.collect": collected}
            if as_user is not None:
                environ["coprod.audio.as_user"] = as_user
            # A fresh context for each page, as a real request has: the language and `g` of one
            # page must not leak into the next.
            response = contextvars.Context().run(
                app.test_client().get, path, query_string={"lang": locale}, environ_base=environ)
            db.session.rollback()  # what the page read is not kept: the next page sees the database afresh
            links: list[str] = []
            if response.status_code == 200:
                counts["pages"] += 1
                wanted += collected
                if crawl and response.mimetype == "text/html":
                    links = _LINK.findall(response.get_data(as_text=True))
            elif crawl and response.status_code in (301, 302, 303) and response.location:
                links = [response.location]
            for link in links:
                parts = urlsplit(link)
                if parts.netloc and parts.netloc != "localhost" or not parts.path.startswith("/"):
                    continue
                found = parts.path
                key = _pattern(found)
                if found in seen or _NOT_PAGES.search(found) or per_pattern[key] >= MAX_PER_PATTERN:
                    continue
                seen.add(found)
                per_pattern[key] += 1
                to_visit.append(found)
        make([spec for spec in wanted if spec.speed == "normal"],
             tasks.AHEAD_FIRST_LANGUAGE if number == 0 else tasks.AHEAD)
        slow += [spec for spec in wanted if spec.speed != "normal"]
    make(slow, tasks.AHEAD_SLOW)
    if queue and as_user is None and not crawl:
        counts["queued"] += _queue_for_members(paths)
    return counts


def _queue_for_members(paths: list[str]) -> int:
    """The same pages as the members of their boards see them signed in (each in their own
    language), so Listen is ready for them too: one job a person."""
    from coprod.audio import tasks
    from coprod.audio.clips import queue_now
    from coprod.models import Board, Membership, User

    by_board: dict[str, list[str]] = {}
    for path in paths:
        parts = path.split("/")
        if len(parts) > 2 and parts[1] == "boards":
            by_board.setdefault(parts[2], []).append(path)
    if not by_board:
        return 0
    first_language = next(iter(current_app.config["LANGUAGES"]))
    rows = db.session.execute(
        select(Board.slug, User.id, User.locale).join(Membership, Membership.board_id == Board.id)
        .join(User, User.id == Membership.user_id)
        .where(Board.slug.in_(list(by_board)), User.disabled_dt.is_(None))).all()
    queued = 0
    for slug, user_id, locale in rows:
        queued += queue_now(tasks.prepare_page_audio, by_board[slug], [locale or first_language], user_id,
                            priority=tasks.PREPARE - 10)
    return queued


def queue_site_audio(paths: list[str], people: dict[int, list[str] | None]) -> int:
    """Queue the audio of the whole site (after the demo is loaded): the public pages `paths` (see
    cli.site_pages) and every page reached from them, in every language, and every kind of page each
    person in `people` sees when signed in, in their languages (None: every language). Runs no SQL
    (it may run in the commit hook). Returns how many jobs were queued."""
    from coprod.audio import tasks
    from coprod.audio.clips import queue_now

    queued = int(queue_now(tasks.prepare_page_audio, paths, None, None, True))
    for user_id, languages in people.items():
        queued += queue_now(tasks.prepare_page_audio, ["/"], languages, user_id, True)
    return queued


def touch(keys: list[str]) -> None:
    db.session.execute(update(AudioClip).where(AudioClip.key.in_(keys)).values(last_used_dt=utcnow()))
    db.session.commit()


# ---- housekeeping and the `coprod audio` command ------------------------------------------------

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

