"""The forms a signer fills in: the signature itself and the scanner-safe confirm buttons."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from petitions.forms import Form
from petitions.i18n import COUNTRY_CODES, country_choices
from petitions.signing import deliverability

#: ?ref= and partner codes: short, URL-safe words.
SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _tidy(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value).strip()


#: Bidirectional embeddings, overrides and isolates: in a name they can reorder the text that
#: follows it on a public page or in a printed bundle. Plain RTL letters need none of them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control_characters(value: str, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(
        (unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI_CONTROLS)
        and char not in allowed
        for char in value
    )


class SingleLine:
    """Refuse control characters and line breaks, which have no place in a name or a city."""

    def __call__(self, form: Form, field: Any) -> None:
        if field.data and _has_control_characters(field.data, allow_newlines=False):
            raise ValidationError(_l("Please use letters, spaces and punctuation only."))


class MultiLine:
    """Refuse control characters but keep line breaks."""

    def __call__(self, form: Form, field: Any) -> None:
        if field.data and _has_control_characters(field.data, allow_newlines=True):
            raise ValidationError(_l("Please remove the special characters from your comment."))


class DeliverableEmail:
    """Check an address with email-validator and keep its normalised form on the field."""

    def __call__(self, form: Form, field: Any) -> None:
        if not field.data:
            return
        if _has_control_characters(field.data, allow_newlines=False):
            raise ValidationError(_l("Please enter a valid email address."))
        ask_dns = current_app.config["EMAIL_CHECK_DELIVERABILITY"]
        try:
            checked = validate_email(
                field.data,
                check_deliverability=ask_dns,
                dns_resolver=deliverability.resolver() if ask_dns else None,
            )
        except EmailUndeliverableError:
            raise ValidationError(
                _l("Mail to this address cannot be delivered. Please check the part after the @.")
            ) from None
        except EmailNotValidError:
            raise ValidationError(
                _l("This does not look like a working email address. Please check it.")
            ) from None
        field.data = checked.normalized


def _country_options() -> list[tuple[str, Any]]:
    return [("", _l("Choose your country")), *country_choices()]


def _name_in_bundle_options() -> list[tuple[str, str]]:
    return [("auto", ""), ("yes", ""), ("no", "")]


class SignForm(Form):
    full_name = StringField(
        _l("Full name"),
        filters=[_tidy],
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=120, message=_l("Please shorten your name to 120 characters.")),
            SingleLine(),
        ],
    )
    email = EmailField(
        _l("Email"),
        filters=[_tidy],
        validators=[
            DataRequired(
                _l("Please enter your email address: we send the confirmation link there.")
            ),
            Length(max=254, message=_l("This email address is too long.")),
            DeliverableEmail(),
        ],
    )
    country = SelectField(
        _l("Country"),
        # A callable: WTForms builds the list of ~250 names only when the form is rendered, not
        # for every signature POSTed (validate_country checks the code against the set).
        choices=_country_options,
        validate_choice=False,
        validators=[DataRequired(_l("Please choose your country."))],
    )
    city = StringField(
        _l("City or town"),
        filters=[_tidy],
        validators=[
            DataRequired(_l("Please enter your city or town.")),
            Length(max=120, message=_l("Please shorten the city to 120 characters.")),
            SingleLine(),
        ],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        filters=[_tidy],
        validators=[
            Optional(),
            Length(max=500, message=_l("Please shorten your comment to 500 characters.")),
            MultiLine(),
        ],
    )
    show_name_publicly = BooleanField(_l("Show my name in the public list of signers"))
    may_contact = BooleanField(_l("The organizers may email me about this campaign later"))
    #: May the bundle delivered to the addressee print the name? "auto": yes, unless the signer
    #: lives in the addressee's country (decided by sign() against the petition). The labels
    #: name the addressee and its country: templates/signing/_name_in_bundle.html sets them.
    name_in_bundle = RadioField(
        choices=_name_in_bundle_options, default="auto", validate_choice=False
    )
    source = HiddenField(filters=[_tidy])

    def validate_country(self, field: Any) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose your country from the list."))

    @property
    def name_in_bundle_choice(self) -> bool | None:
        """Return True or False for an explicit choice, None for "decide by my country"."""
        return {"yes": True, "no": False}.get(str(self.name_in_bundle.data))

    @property
    def clean_source(self) -> str | None:
        """Return the ?ref= code if it is well formed; a malformed one is dropped, not refused."""
        value = self.source.data or ""
        return value if SOURCE_PATTERN.fullmatch(value) else None


class ButtonForm(Form):
    """A form with only a CSRF token and a submit button.

    Mail scanners follow links with GET; only a person pressing the button POSTs.
    """
