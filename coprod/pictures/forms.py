"""The upload form, and the picture field every writing form uses to choose from the library."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, HiddenField, StringField, TextAreaField, ValidationError
from wtforms.utils import unset_value
from wtforms.validators import DataRequired

from coprod.forms import MaxLength, PlainText, required, strip
from coprod.pictures import services

FIND_BUTTON = "find_pictures"
FIND_SUFFIX = "-find"


def finding_pictures() -> bool:
    """True when the writer pressed "Find pictures": show the form again with what was found, save nothing."""
    return request.method == "POST" and FIND_BUTTON in request.form


class PictureField(Field):
    """A picture from the library, by its name. Shown as a search box and big picture cards
    (see picture_picker in _macros/forms.html); the name must be a picture in the library now."""

    def __init__(self, label=None, validators=None, browse=True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.browse = browse
        self.query = self.typed_query = ""
        self.find_pressed = False
        self.found_count: int | None = None  # set by cards() after a search

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.typed_query = formdata.get(self.name + FIND_SUFFIX) or ""  # shown back as typed
            self.query = self.typed_query.strip()[:100]
            self.find_pressed = formdata.get(FIND_BUTTON) == self.name

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0].strip()[:100]

    def _value(self):
        return self.data or ""

    def pre_validate(self, form):
        if self.data and not services.exists(self.data):
            raise ValidationError(_l("Choose a picture from the pictures shown."))

    # What the template shows: the chosen picture, then what was found (or all, when browsing).
    def cards(self):
        chosen = services.card_for(self.data)
        if self.query:
            found = services.search(self.query)
            self.found_count = len(found)
        elif self.browse or self.find_pressed or self.errors:
            found = services.browse()
        else:
            found = []
        shown = [chosen] if chosen else []
        return shown + [card for card in found if chosen is None or card.name != chosen.name]


def picture_field(label, default, *, browse=True, optional=False, description=""):
    validators = [] if optional else [required(_l("Choose a picture."))]
    return PictureField(label, validators=validators, default=default, browse=browse, description=description)


class UploadForm(FlaskForm):
    file = FileField(_l("The picture"))
    # A picture already checked and waiting for its alt text, so it is never chosen twice.
    kept = HiddenField()
    alt_text = TextAreaField(_l("Say what the picture shows"),
                             description=_l("For people who cannot see it. For example: Our bus outside the "
                                            "day centre."),
                             filters=[strip],
                             validators=[required(_l("Say what the picture shows.")),
                                         DataRequired(_l("Say what the picture shows.")), MaxLength(300),
                                         PlainText()])
    search_words = StringField(_l("Words to find it by (you can leave this empty)"),
                               description=_l("For example: bus, travel, day centre."), filters=[strip],
                               validators=[MaxLength(300), PlainText()])
