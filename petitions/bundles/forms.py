"""Organizer forms for printing a bundle and recording its delivery."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from petitions.bundles.delivery_language import addressee_in, default_language, offered_languages
from petitions.cases.models import Petition
from petitions.forms import Form, optional, required
from petitions.i18n import country_choices, language_choices


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
    # validate_choice off: the language's own validator says what to do, not "Not a valid choice".
    language = SelectField(_l("Printed in"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries.choices = country_choices()
        self.language.choices = language_choices()

    @classmethod
    def for_petition(cls, petition: Petition) -> BundleForm:
        """The empty form for a petition: addressed to its addressee, in the default language."""
        language = default_language(petition)
        return cls(
            formdata=None,
            recipient_name=addressee_in(petition, language),
            language=language,
        )

    def validate_language(self, field: SelectField) -> None:
        """Refuse a language the service does not print in, saying which there are."""
        if field.data not in offered_languages():
            raise ValidationError(_l("Please choose one of the languages in the list."))


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
