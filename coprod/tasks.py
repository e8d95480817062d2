"""Background jobs (email now; audio later) on Huey.

Embedded default: Huey's SQLite storage in the instance folder, consumed by a worker that
`coprod serve` starts beside the web server. At scale: COPROD_QUEUE_URL=redis://... and as
many `coprod worker` processes as needed. Tests switch to immediate mode.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, has_app_context
from huey import PriorityRedisHuey, SqliteHuey, crontab

from coprod.config import queue_settings
from coprod.paths import instance_path


def _make_huey():
    settings = queue_settings()
    url, name = settings["QUEUE_URL"], settings["QUEUE_NAME"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Priorities: the Listen audio of a page someone is on goes before audio made ahead of time.
        return PriorityRedisHuey(name, url=url)
    filename = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
    if filename is None:
        path = instance_path()
        path.mkdir(parents=True, exist_ok=True)
        filename = str(path / "queue.sqlite")
    return SqliteHuey(name, filename=filename)


huey = _make_huey()
_worker_app = None


@contextmanager
def app_context():
    """Jobs run inside the request's app in immediate mode, or a worker's own app otherwise."""
    global _worker_app
    if has_app_context():
        yield current_app
        return
    if _worker_app is None:
        from coprod import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield _worker_app


@huey.task(retries=3, retry_delay=30)
def deliver_email(to: str, subject: str, body: str) -> None:
    from coprod.mail import deliver

    with app_context():
        deliver(to, subject, body)


@huey.task(retries=3, retry_delay=30)
def deliver_text(mobile: str, body: str, reference: str) -> str:
    """A text message that must go at once (the safeguarding lead is told), through GOV.UK Notify.
    Reminders have their own once-only path (coprod/reminders/sending.py). Notify busy or not
    reached: tried again; refused, or sent with no answer: never again. No number in the log."""
    import logging

    from coprod.reminders import notify

    log = logging.getLogger(__name__)
    with app_context():
        try:
            return notify.send_text(mobile, body, reference)
        except notify.NotSetUp:
            log.warning("text not sent: Notify is not set up (COPROD_NOTIFY_API_KEY)")
        except notify.Refused as error:
            log.error("text not sent: Notify refused it (%s)", error)
        except notify.Unsure:
            log.warning("text: Notify gave no answer; it may have been sent, so it is not sent again")
    return ""


@huey.periodic_task(crontab(minute="30", hour=str(queue_settings()["RETENTION_HOUR"])), retries=2, retry_delay=600)
def remove_old_data() -> dict:
    """Once a day (COPROD_RETENTION_HOUR, UTC): remove personal data past its time, then log the
    counts and keep them in the audit log for the admin's "What was removed" page."""
    from coprod.extensions import db
    from coprod.privacy import retention

    with app_context():
        removed = retention.run()
        retention.report(removed)
        db.session.commit()  # files of removed rows go now, after the commit (coprod/outbox.py)
    return removed


@huey.task(retries=1, retry_delay=60)
def make_data_export(export_id: int) -> str:
    """Make a person's "My data" file (coprod/my_data/services.py); never in a web request."""
    from coprod.my_data import services

    with app_context():
        return services.build(export_id)


@huey.task(retries=1, retry_delay=60)
def make_open_data(slug: str) -> list[str]:
    """Make a board's open data files again after a change (coprod/follow/open_files.py)."""
    from coprod.follow import open_files

    with app_context():
        return open_files.build(slug)
