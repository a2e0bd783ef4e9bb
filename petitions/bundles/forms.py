"""Organizer forms for printing a bundle and recording its delivery."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from petitions.forms import Form, strip_whitespace
from petitions.i18n import country_choices


class BundleForm(Form):
    recipient_name = StringField(
        _l("Recipient"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Please say who receives the bundle.")), Length(max=300)],
    )
    recipient_address = TextAreaField(
        _l("Recipient's address"), filters=[strip_whitespace], validators=[Length(max=1000)]
    )
    countries = SelectMultipleField(_l("Only signers from (leave empty for all)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries.choices = country_choices()


class DeliveryForm(Form):
    bundle_id = SelectField(_l("Bundle delivered"), coerce=int)
    recipient = StringField(
        _l("Received by"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Please say who received the bundle.")), Length(max=300)],
    )
    delivered_on = DateField(
        _l("Date of delivery"),
        validators=[DataRequired(_l("Please enter the date as YYYY-MM-DD."))],
    )
    note = TextAreaField(_l("Note"), filters=[strip_whitespace], validators=[Length(max=5000)])
