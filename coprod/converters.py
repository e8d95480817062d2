"""URL converters that answer 404 to ids and words no record can have, before any query runs.

- `int`: 0 to 2^31 - 1, the range of the database's integer ids. A bigger number (PostgreSQL:
  "integer out of range") is no page, so 404 - never a server error.
- `string` (the default, e.g. `<slug>`, `<word>`, `<token>`): no NUL or other control characters
  (PostgreSQL refuses NUL in text; no slug, word or token has them).
- A NUL in the query string is dropped before any view reads it.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

MAX_ID = 2**31 - 1
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=min_of(max, MAX_ID), signed=signed)


def min_of(a, b):
    return b if a is None else min(a, b)


class PlainStringConverter(UnicodeConverter):
    def to_python(self, value: str) -> str:
        if CONTROL.search(value):
            raise ValidationError()
        return value


def _no_nul_in_query():
    """A NUL in the query string (?q=%00) is dropped before anything reads it: PostgreSQL refuses NUL
    in any text, and no search, filter or page number needs one. (A tab or a new line is harmless.)"""
    query = request.environ.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        request.environ["QUERY_STRING"] = _NUL_IN_QUERY.sub("", query)
        request.__dict__.pop("args", None)  # parsed again from the cleaned string when first read


_NUL_IN_QUERY = re.compile(r"%00|\x00", re.IGNORECASE)


def init_converters(app: Flask) -> None:
    """Before any route is added: the converters replace Werkzeug's for every rule."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["default"] = PlainStringConverter
    app.url_map.converters["string"] = PlainStringConverter
    app.before_request(_no_nul_in_query)
