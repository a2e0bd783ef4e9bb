"""Organizer forms for cases, their timelines and their petitions."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from petitions.cases import portraits
from petitions.cases.models import CaseStatus, EntryKind
from petitions.clock import utcnow
from petitions.forms import Form, optional, required, strip_whitespace
from petitions.i18n import COUNTRY_CODES, country_choices, language_choices

_SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and single hyphens, e.g. free-ales-bialiatski."),
)


#: Line breaks and other control characters (C0, DEL, C1, and the Unicode line and paragraph
#: separators): none belongs in a one-line field.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class LineField(StringField):
    """A one-line text field: line breaks and control characters are refused.

    Titles reach mail headers (the subject), where a line break would end the header, and old
    browsers or scripts can post what a text input never shows.
    """

    def pre_validate(self, form: Any) -> None:
        if isinstance(self.data, str) and _CONTROL.search(self.data):
            raise ValidationError(
                _l("Please write this on one line, without line breaks or control characters.")
            )


def _languages() -> list[tuple[str, str]]:
    return language_choices()


def _written_in() -> SelectField:
    return SelectField(
        _l("Written in"),
        choices=_languages,
        default="en",
        description=_l("The language of the original; translations are added afterwards."),
    )


def _not_in_future(message: Any) -> Any:
    """A validator refusing a day after tomorrow in UTC (at UTC+14 it is tomorrow already)."""

    def check(form: Any, field: Any) -> None:
        if field.data and (field.data - utcnow().date()).days > 1:
            raise ValidationError(message)

    return check


def _image_field(label: Any) -> FileField:
    return FileField(
        label,
        validators=[
            # A first look at the name and size; the service then reads the bytes themselves.
            FileAllowed(
                portraits.EXTENSIONS,
                _l("Please choose a JPEG, PNG or WebP image (.jpg, .png or .webp)."),
            ),
            FileSize(
                max_size=portraits.MAX_BYTES, message=_l("Please choose an image of at most 5 MB.")
            ),
        ],
    )


#: Each status as the organizer's form names it.
STATUS_LABELS = {
    CaseStatus.DETAINED: _l("Detained"),
    CaseStatus.RELEASED: _l("Released"),
    CaseStatus.IN_EXILE: _l("In exile"),
    CaseStatus.DECEASED: _l("Deceased"),
    CaseStatus.UNKNOWN: _l("Unknown"),
}
#: Each kind of timeline entry as the organizer's form names it.
KIND_LABELS = {
    EntryKind.AWARD: _l("Award"),
    EntryKind.HONORARY_CITIZENSHIP: _l("Honorary citizenship"),
    EntryKind.LETTER: _l("Letter"),
    EntryKind.VISIT: _l("Visit"),
    EntryKind.DELIVERY: _l("Delivery"),
    EntryKind.COURT_DECISION: _l("Court decision"),
    EntryKind.OTHER: _l("Other event"),
}


def _kinds() -> list[tuple[str, Any]]:
    return [(kind.value, label) for kind, label in KIND_LABELS.items()]


class CaseForm(Form):
    slug = required(
        LineField, _l("Address (slug)"), _l("Please give the case an address."), 80, _SLUG
    )
    prisoner_name = required(
        LineField, _l("Prisoner's name"), _l("Please enter the prisoner's name."), 200
    )
    portrait = _image_field(_l("Portrait (optional): a JPEG, PNG or WebP photo of at most 5 MB"))
    portrait_alt = optional(LineField, _l("What the portrait shows (for blind readers)"), 300)
    remove_portrait = BooleanField(_l("Remove the portrait"))
    detention_country = SelectField(
        _l("Country of detention"),
        validators=[DataRequired(_l("Please choose the country of detention."))],
    )
    detention_place = required(
        LineField, _l("Place of detention"), _l("Please say where the prisoner is held."), 300
    )
    arrested_on = DateField(
        _l("Date of arrest"),
        validators=[
            DataRequired(_l("Please enter the date of arrest as YYYY-MM-DD.")),
            _not_in_future(_l("The day of arrest cannot be in the future.")),
        ],
    )
    sentence = optional(LineField, _l("Sentence"), 300)
    status = SelectField(
        _l("Status"),
        # Filled from a case, the field gets its CaseStatus; the choices are their values.
        coerce=lambda status: status.value if isinstance(status, CaseStatus) else str(status),
    )
    status_since = DateField(
        _l("Since (optional): the day of death, or since when in exile"),
        validators=[
            Optional(),
            _not_in_future(_l("This day cannot be in the future.")),
        ],
    )
    language = _written_in()
    bio = optional(TextAreaField, _l("Short biography"), 5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A required <select> starts with an empty choice (HTML's rule): no country is picked
        # for the organizer by being first in the alphabet.
        self.detention_country.choices = [
            ("", _l("Choose the country of detention")),
            *country_choices(),
        ]
        self.status.choices = [(status.value, label) for status, label in STATUS_LABELS.items()]


class CaseEditForm(CaseForm):
    """The case form for an existing case: its arrests are its periods, edited on its page."""

    arrested_on = None  # type: ignore[assignment]


class DetentionPeriodForm(Form):
    started_on = DateField(
        _l("Day of arrest"),
        validators=[DataRequired(_l("Please enter the day of arrest as YYYY-MM-DD."))],
    )
    ended_on = DateField(
        _l("Day of release (empty while still held)"),
        validators=[Optional()],
    )
    place = optional(LineField, _l("Where held"), 300)
    note = optional(LineField, _l("Note (optional, shown on the case page)"), 500)


class TimelineEntryForm(Form):
    happened_on = DateField(
        _l("Date"), validators=[DataRequired(_l("Please enter the date as YYYY-MM-DD."))]
    )
    kind = SelectField(
        _l("Kind"),
        choices=_kinds,
        default=EntryKind.OTHER.value,
        # Filled from an entry, the field gets its EntryKind; the choices are their values.
        coerce=lambda kind: kind.value if isinstance(kind, EntryKind) else str(kind),
    )
    title = required(
        LineField, _l("What happened"), _l("Please say in one line what happened."), 200
    )
    text = optional(TextAreaField, _l("Details"), 5000)
    link = URLField(
        _l("Link (optional)"),
        filters=[strip_whitespace],
        validators=[
            Optional(),
            URL(message=_l("Please enter a full https:// address.")),
            Length(max=500),
        ],
    )
    photo = _image_field(_l("Photo (optional): a JPEG, PNG or WebP image of at most 5 MB"))
    photo_alt = optional(LineField, _l("What the photo shows (for blind readers)"), 300)
    remove_photo = BooleanField(_l("Remove the photo"))


def _addressee_countries() -> list[tuple[str, Any]]:
    return [("", _l("None (an international body)")), *country_choices()]


class PetitionForm(Form):
    slug = required(
        LineField, _l("Address (slug)"), _l("Please give the petition an address."), 80, _SLUG
    )
    title = required(LineField, _l("Title"), _l("Please give the petition a title."), 200)
    summary = required(LineField, _l("Summary"), _l("Please write a one-sentence summary."), 500)
    body = required(
        TextAreaField, _l("Text (Markdown)"), _l("Please write the petition's text."), 20000
    )
    addressee = required(
        LineField, _l("Addressed to"), _l("Please say who receives the petition."), 300
    )
    addressee_country = SelectField(
        _l("Country of the addressee"),
        choices=_addressee_countries,
        validate_choice=False,
        filters=[lambda code: code or None],
    )
    language = _written_in()
    goal = IntegerField(
        _l("Goal (signatures)"),
        validators=[
            DataRequired(_l("Please set a goal of at least one signature.")),
            NumberRange(min=1, max=100_000_000),
        ],
    )

    def validate_addressee_country(self, field: Any) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose the addressee's country from the list."))


class AssignOrganizerForm(Form):
    email = required(
        LineField, _l("Organizer's email"), _l("Please enter the organizer's email address."), 320
    )
