"""Filters of the CSV export (a GET form: it changes nothing, so it needs no CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectMultipleField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from petitions.forms import Form
from petitions.i18n import country_choices


class ExportFilterForm(Form):
    class Meta:
        csrf = False

    country = SelectMultipleField(
        _l("Signer countries (none: all)"),
        # Checkboxes made searchable by static/js/choose-many.js, as in bundles/forms.py.
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    since = DateField(_l("Confirmed from"), validators=[Optional()])
    until = DateField(_l("Confirmed until"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    def validate_until(self, field: Any) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))
