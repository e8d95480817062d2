"""The form behind the live easy-read check: the words written so far."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class LiveCheckForm(FlaskForm):
    text = TextAreaField()
