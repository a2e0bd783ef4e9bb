"""Organizer forms for printing a bundle and recording its delivery."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from petitions.forms import Form, optional, required
from petitions.i18n import country_choices


class BundleForm(Form):
    recipient_name = required(
        StringField, _l("Recipient"), _l("Please say who receives the bundle."), 300
    )
    recipient_address = optional(TextAreaField, _l("Recipient's address"), 1000)
    countries = SelectMultipleField(
        _l("Only signers from (leave empty for all)"),
        # Checkboxes, not a <select multiple>: usable without a script (and by touch), and
        # static/js/choose-many.js makes them searchable. The same name and values either way.
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries.choices = country_choices()


class DeliveryForm(Form):
    bundle_id = SelectField(_l("Bundle delivered"), coerce=int)
    recipient = required(
        StringField, _l("Received by"), _l("Please say who received the bundle."), 300
    )
    delivered_on = DateField(
        _l("Date of delivery"),
        validators=[DataRequired(_l("Please enter the date as YYYY-MM-DD."))],
    )
    note = optional(TextAreaField, _l("Note"), 5000)
