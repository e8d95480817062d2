"""Refusals: a rule said no. One base class, so one handler can treat every refusal the same way."""

from __future__ import annotations


class Refused(Exception):
    """A rule of the service said no. The message is easy read and is shown to the person.

    Whatever the request changed before the refusal is rolled back: nothing half-done is saved.
    `field` names the form field the message belongs next to, when there is one."""

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field
