"""A number typed with thousands of digits gets the field's message, not a server error: Python's
int() refuses strings over 4,300 digits (found by tests/test_bad_input.py in CI)."""

from __future__ import annotations

import pytest
from wtforms.validators import ValidationError

from coprod.meetings.forms import Minutes
from coprod.votes.forms import WholeNumber


class _Field:
    def __init__(self, data):
        self.data = data


@pytest.mark.parametrize("check", [Minutes(), WholeNumber()])
@pytest.mark.parametrize("typed", ["0" * 5000, "9" * 4301, "1" * 7])
def test_a_very_long_number_is_refused_with_the_fields_message(app, check, typed):
    with app.test_request_context():
        with pytest.raises(ValidationError):
            check(None, _Field(typed))


def test_ordinary_numbers_still_pass(app):
    with app.test_request_context():
        Minutes()(None, _Field("30"))
        WholeNumber()(None, _Field("10000"))
        WholeNumber()(None, _Field("0"))
