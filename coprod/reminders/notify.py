"""Text messages and letters through GOV.UK Notify (notifications-python-client).

Settings: COPROD_NOTIFY_API_KEY (no key: nothing is sent), COPROD_NOTIFY_BASE_URL (Notify's API;
tests point it at a local server), COPROD_NOTIFY_SMS_TEMPLATE_ID (a text message template whose
content is just ((body))), COPROD_NOTIFY_LETTER_POSTAGE (first or second; letters are
"precompiled": our own PDF, laid out to Notify's letter specification, see coprod/reminders/letters.py).
The number, the address and the words never reach a log line: the client's own warnings (which
quote Notify's answer) are kept out of the log too.
"""

from __future__ import annotations

import logging

import requests
from flask import current_app

log = logging.getLogger(__name__)
# The client logs failed requests with Notify's message; keep those lines out (they can quote input).
logging.getLogger("notifications_python_client").setLevel(logging.ERROR)


class NotSetUp(Exception):
    """No Notify key (or template): the text is not sent."""


class Refused(Exception):
    """Notify said no (a number it cannot send to, a bad key): trying again will not help."""


class TryAgain(Exception):
    """Notify could not be reached, or was busy: nothing was sent, a retry may work."""


class Unsure(Exception):
    """The request went but no answer came back: it may have been sent. Never tried again."""


def is_set_up() -> bool:
    config = current_app.config
    return bool(config.get("NOTIFY_API_KEY")) and bool(config.get("NOTIFY_SMS_TEMPLATE_ID"))


def letters_set_up() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def send_text(mobile: str, body: str, reference: str) -> str:
    """Send one text message; returns Notify's id for it."""
    if not is_set_up():
        raise NotSetUp()
    config = current_app.config
    return _call(lambda client: client.send_sms_notification(
        phone_number=mobile, template_id=config["NOTIFY_SMS_TEMPLATE_ID"], personalisation={"body": body},
        reference=reference))


def send_letter(pdf: bytes, reference: str) -> str:
    """Post one precompiled letter (a PDF to Notify's letter specification); returns Notify's id."""
    import io

    if not letters_set_up():
        raise NotSetUp()
    postage = current_app.config.get("NOTIFY_LETTER_POSTAGE") or "second"
    return _call(lambda client: client.send_precompiled_letter_notification(
        reference=reference, pdf_file=io.BytesIO(pdf), postage=postage), timeout=60)


def _call(request, timeout: int = 20) -> str:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    config = current_app.config
    client = NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=timeout)
    try:
        answer = request(client)
    except HTTPError as error:
        cause = error.__cause__
        if isinstance(cause, requests.ReadTimeout):
            raise Unsure() from None
        if error.response is None or error.status_code in (429,) or error.status_code >= 500:
            raise TryAgain(str(error.status_code)) from None
        raise Refused(str(error.status_code)) from None
    except ValueError:  # an answer that is not JSON: it went, but we cannot tell
        raise Unsure() from None
    return str((answer or {}).get("id", ""))[:60]
