"""The worker's reminder jobs, on the shared Huey queue.

Every hour (at 10 past), `send_reminders` claims what is due (coprod/reminders/services.py) and
commits; only then is each claimed reminder handed to `deliver_reminder`, which sends it once. A job
that runs twice, or two workers at once, claim nothing the second time. The jobs carry only a row id:
no number, address or words wait in the queue.
"""

from __future__ import annotations

from huey import crontab

from coprod.tasks import app_context, huey


@huey.task(retries=3, retry_delay=300)
def deliver_reminder(sent_id: int) -> str:
    from coprod.reminders import sending

    with app_context():
        return sending.deliver(sent_id)


@huey.periodic_task(crontab(minute="10"))
def send_reminders() -> int:
    """Claim the reminders due now, commit, then queue each one. How many were claimed."""
    from coprod.extensions import db
    from coprod.reminders import services

    with app_context():
        claimed = services.claim_due(services.utcnow())
        db.session.commit()
        # After the commit: a worker never looks for a row that is not saved yet.
        for sent_id in claimed + services.left_waiting(services.utcnow()):
            deliver_reminder(sent_id)
        return len(claimed)
