"""Audio jobs on the shared Huey queue (SQLite embedded, Redis at scale).

Retries are limited (COPROD_AUDIO_RETRIES, default 2, COPROD_AUDIO_RETRY_DELAY seconds apart);
after the last one the clip is marked failed, with the reason, and pages say the audio is not
ready. A page asks again for a failed clip after AUDIO_RETRY_FAILED_AFTER.
"""

from __future__ import annotations

from huey import crontab

from coprod.config import queue_settings
from coprod.tasks import app_context, huey

# Priorities (higher goes first): the page someone is on now, then finding what a changed page
# says, then its audio in the site's first language, in the others, and slow speed last.
NOW = 100
PREPARE = 60
AHEAD_FIRST_LANGUAGE = 40
AHEAD = 30
AHEAD_SLOW = 10

RETRIES = queue_settings()["AUDIO_RETRIES"]
RETRY_DELAY = queue_settings()["AUDIO_RETRY_DELAY"]


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True, priority=AHEAD)
def make_audio_clip(job: dict, task=None) -> str:
    from coprod.audio import making
    from coprod.audio.clips import ClipSpec

    with app_context():
        last_try = task is None or not task.retries
        return making.make_clip(ClipSpec.from_job(job), last_try=last_try)


@huey.task(retries=1, retry_delay=RETRY_DELAY, priority=PREPARE)
def prepare_page_audio(paths: list[str], languages: list[str] | None = None, as_user: int | None = None,
                       crawl: bool = False) -> dict:
    """Find what these pages say (in every language, or `languages`) and queue their clips. `as_user`:
    the pages as that person sees them (signed in); `crawl`: every page reached from them too."""
    from coprod.audio import making

    with app_context():
        return making.prepare_pages(paths, languages, queue=True, as_user=as_user, crawl=crawl)


@huey.task(priority=AHEAD_SLOW)
def touch_audio_clips(keys: list[str]) -> None:
    from coprod.audio import making

    with app_context():
        making.touch(keys)


@huey.periodic_task(crontab(minute="*/5"))
def prepare_audio_of_timed_votes() -> int:
    """Every 5 minutes: a vote that opened or closed by its set time gets its new pages' audio
    (its results) before people press Listen. How many pages were prepared."""
    from coprod.audio import making
    from coprod.audio.pages import votes_changed_by_time
    from coprod.extensions import db
    from coprod.models import utcnow

    with app_context():
        paths = votes_changed_by_time(db.session, utcnow())
        if paths:
            making.prepare_pages(paths, None, queue=True)
        return len(paths)


@huey.periodic_task(crontab(minute="17", hour="3"))
def clean_up_audio() -> dict:
    from coprod.audio import making

    with app_context():
        return making.cleanup()
