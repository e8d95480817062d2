"""No secret reaches a log line: tokens in URLs are cut out of the access log and the app's log.

A login card's link (`/card/<token>`), an email sign-in link (`/sign-in/link/<token>`), a picture
upload's waiting place (`/pictures/new/<token>`) and a private clip's signed URL (`?t=...`) each let
someone in or show something private. Logs are read by more people, kept longer and copied further
than the database, so these parts are written as `[token]`.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[token]"
_TOKEN_PATHS = re.compile(r"(/(?:card|sign-in/link|pictures/new)/)[^/?#\s\"']+")
_TOKEN_PARAMS = re.compile(r"([?&](?:t|token|code)=)[^&#\s\"']+")


def redact(text: str) -> str:
    """`text` with every URL token replaced by [token]."""
    if not isinstance(text, str) or ("/" not in text and "=" not in text):
        return text
    return _TOKEN_PARAMS.sub(r"\1" + REDACTED, _TOKEN_PATHS.sub(r"\1" + REDACTED, text))


class RedactTokens(logging.Filter):
    """A logging filter: the finished message of every record, with URL tokens cut out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "keep_tokens", False):  # the demo's unsent emails (coprod/mail.py)
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactTokens()


def install(*loggers: logging.Logger) -> None:
    """Put the filter on these loggers, their handlers and the root logger's handlers (records from
    child loggers pass through handlers, not through their parents' filters)."""
    for logger in (*loggers, logging.getLogger()):
        for target in (logger, *logger.handlers):
            if _FILTER not in target.filters:
                target.addFilter(_FILTER)


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger (`--logger-class coprod.logs.RedactingGunicornLogger`): the access log's
    request line, path, query and referrer without tokens; its error log through the filter too."""

    def setup(self, cfg):
        super().setup(cfg)
        install(self.error_log, self.access_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}
