"""Audio jobs on the shared Huey queue (SQLite embedded, Redis at scale).

Retries are limited (COPROD_AUDIO_RETRIES, default 2, COPROD_AUDIO_RETRY_DELAY seconds apart);
after the last one the clip is marked failed, with the reason, and pages say the audio is not
ready. A page asks again for a failed clip after AUDIO_RETRY_FAILED_AFTER.
"""

from __future__ import annotations

import os

from huey import crontab

from coprod.tasks import app_context, huey

RETRIES = int(os.environ.get("COPROD_AUDIO_RETRIES", "2"))
RETRY_DELAY = int(os.environ.get("COPROD_AUDIO_RETRY_DELAY", "10"))


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def make_audio_clip(job: dict, task=None) -> str:
    from coprod.audio import services

    with app_context():
        last_try = task is None or not task.retries
        return services.make_clip(services.ClipSpec.from_job(job), last_try=last_try)


@huey.task(retries=1, retry_delay=RETRY_DELAY)
def prepare_page_audio(paths: list[str]) -> dict:
    from coprod.audio import services

    with app_context():
        return services.prepare_pages(paths)


@huey.task()
def touch_audio_clips(keys: list[str]) -> None:
    from coprod.audio import services

    with app_context():
        services.touch(keys)


@huey.periodic_task(crontab(minute="17", hour="3"))
def clean_up_audio() -> dict:
    from coprod.audio import services

    with app_context():
        return services.cleanup()
