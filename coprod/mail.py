"""Email through a real SMTP connection. Sending happens in a worker, never in a request."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_email(to: str, subject: str, body: str) -> None:
    """Queue an email once the change it tells about is committed; the worker delivers it (with retries)."""
    from coprod import outbox
    from coprod.tasks import deliver_email

    outbox.after_commit(deliver_email, to, subject, body)


def is_set_up() -> bool:
    """Is there a mail server to send email with? (Else emails are only noted in the log.)"""
    return current_app.config["MAIL_BACKEND"] != "log"


def deliver(to: str, subject: str, body: str) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        if config.get("DEMO"):
            # The demo, with no mail server: the email (a sign-in link) is written out so it can be used.
            current_app.logger.warning("Email not sent (no mail server set up). To: %s\n%s\n%s", to, subject, body,
                                       extra={"keep_tokens": True})
        else:
            # Never the address, the words or a link: logs are kept and read far more widely.
            current_app.logger.warning("Email not sent: no mail server is set up (COPROD_MAIL_SERVER).")
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
