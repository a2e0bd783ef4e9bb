"""The forms of paper sheets: the sheet's head, one row, a sheet typed in, a CSV to import.

A paper row is checked as the online sign form checks a signer (signing/forms.py): the same
filters and validators for the name and the city, the same list of countries. Its email is
optional and checked for its form only: nobody confirms a paper address, and asking DNS about
each row of a long sheet would make an import wait on the network.
"""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from petitions.clock import utcnow
from petitions.forms import Form, optional, required
from petitions.i18n import COUNTRY_CODES, country_choices
from petitions.paper.services import PaperSigner, SheetDetails
from petitions.signing.forms import NoLink, SingleLine, Visible, tidy

#: Rows a sheet typed in offers; a longer sheet is imported as a CSV.
TYPED_ROWS = 20


class PaperEmail:
    """An optional address in the form of one (email-validator, without asking DNS)."""

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            return
        try:
            checked = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                _l("This does not look like an email address. Leave it empty if unreadable.")
            ) from None
        field.data = checked.normalized


def country_code(value: Any) -> Any:
    """Filter: a country code as typed ("nl ") in the form the list holds ("NL")."""
    return value.strip().upper() if isinstance(value, str) else value


class PaperRowForm(Form):
    """One signature on a sheet (a row typed in, or a row of a CSV)."""

    class Meta:
        csrf = False

    full_name = required(
        StringField,
        _l("Name"),
        _l("Please enter the name."),
        120,
        SingleLine(),
        Visible(no_letter=_l("Please write the name in letters.")),
        NoLink(),
        too_long=_l("Please shorten the name to 120 characters."),
        filters=[tidy],
    )
    city = required(
        StringField,
        _l("City or town"),
        _l("Please enter the city or town."),
        120,
        SingleLine(),
        Visible(no_letter=_l("Please write the city or town in letters.")),
        too_long=_l("Please shorten the city to 120 characters."),
        filters=[tidy],
    )
    country = optional(StringField, _l("Country code"), 2, filters=[country_code])
    email = optional(
        StringField,
        _l("Email (optional)"),
        254,
        SingleLine(),
        PaperEmail(),
        too_long=_l("This email address is too long."),
        filters=[tidy],
    )

    def validate_country(self, field: Any) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(
                _l("Please give the country as its two-letter code (NL, BY, DE…).")
            )

    def is_blank(self) -> bool:
        """Tell whether nothing was written in this row (a sheet's unused lines)."""
        return not any((field.data or "").strip() for field in self)

    def signer(self, default_country: str) -> PaperSigner | None:
        """Return the checked row, or None (with the error on the country) if it has none."""
        country = str(self.country.data or default_country)
        if not country:
            self.country.errors = [
                *self.country.errors,
                str(_l("Please give the country, or choose one for the whole sheet.")),
            ]
            return None
        return PaperSigner(
            full_name=str(self.full_name.data),
            city=str(self.city.data),
            country=country,
            email=self.email.data or None,
        )


def _country_options() -> list[tuple[str, Any]]:
    return [("", _l("None: each row gives its own")), *country_choices()]


class SheetHeadForm(Form):
    """What is written at the top of a sheet, and the country of rows that give none."""

    number = IntegerField(
        _l("Sheet number"),
        validators=[
            DataRequired(_l("Please enter the number written on the sheet.")),
            NumberRange(min=1, max=10_000_000, message=_l("Please enter a number from 1.")),
        ],
    )
    place = required(
        StringField,
        _l("Where it was collected"),
        _l("Please say where the sheet was collected."),
        200,
        SingleLine(),
        too_long=_l("Please shorten the place to 200 characters."),
        filters=[tidy],
    )
    collected_on = DateField(
        _l("Collected on"),
        validators=[DataRequired(_l("Please enter the day the sheet was collected."))],
    )
    default_country = SelectField(
        _l("Country of the signers"),
        choices=_country_options,
        validate_choice=False,
        validators=[Optional()],
    )

    def validate_collected_on(self, field: Any) -> None:
        if field.data and field.data > utcnow().date():
            raise ValidationError(_l("The day the sheet was collected cannot be in the future."))

    def validate_default_country(self, field: Any) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose the country from the list."))

    def details(self) -> SheetDetails:
        return SheetDetails(
            number=int(self.number.data or 0),
            place=str(self.place.data),
            collected_on=self.collected_on.data,  # type: ignore[arg-type]
        )


class CsvImportForm(SheetHeadForm):
    """A sheet's head and the CSV file of its rows."""

    csv_file = FileField(
        _l("CSV file"), validators=[FileRequired(_l("Please choose the CSV file of the sheet."))]
    )


class RemoveSheetForm(Form):
    """Why a sheet is removed: required, kept on the sheet's record."""

    reason = required(
        TextAreaField,
        _l("Why is this sheet removed?"),
        _l("Please say why the sheet is removed: the reason stays on its record."),
        500,
        too_long=_l("Please shorten the reason to 500 characters."),
    )
