"""The write form for supporters, and the organizers' forms for a case's letters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from petitions.forms import Form, optional, required
from petitions.i18n import COUNTRY_CODES, language_choices
from petitions.letters import checks
from petitions.letters.models import Channel, LetterSettings, Occasion
from petitions.letters.services import OccasionChoice, WriterDetails
from petitions.signing.forms import (
    CountryList,
    MultiLine,
    NoLink,
    SingleLine,
    Visible,
    confirmed_email,
    country_options,
    tidy,
)


def accepted_language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """The case's accepted languages as choices, each named in the page's language."""
    names = dict(language_choices())
    return [(code, names.get(code, code)) for code in codes]


class WriteForm(Form):
    """A letter to a prisoner; the choices and the checks come from the case's settings."""

    occasion = RadioField(
        _l("Occasion"), validators=[InputRequired(_l("Please choose the occasion."))]
    )
    language = RadioField(
        _l("Language of your letter"),
        validators=[InputRequired(_l("Please choose the language you write in."))],
    )
    #: The ready text the letter started from, if any (its id).
    ready_text = HiddenField()
    body = TextAreaField(
        _l("Your letter"),
        filters=[tidy],
        validators=[DataRequired(_l("Please write your letter.")), MultiLine()],
    )
    writer_name = required(
        StringField,
        _l("Your name or a pseudonym"),
        _l("Please enter a name or a pseudonym to sign your letter with."),
        120,
        SingleLine(),
        Visible(no_letter=_l("Please write your name in letters.")),
        NoLink(),
        too_long=_l("Please shorten your name to 120 characters."),
        filters=[tidy],
    )
    show_name = BooleanField(_l("Show my name with my wish on the public wall"))
    tell_writer = BooleanField(_l("Tell me what happens to my letter"))
    city = optional(
        StringField,
        _l("City or town (optional)"),
        120,
        Optional(),
        SingleLine(),
        NoLink(),
        too_long=_l("Please shorten the city to 120 characters."),
        filters=[tidy],
    )
    #: The signing form's country list, rendered once per language (signing/forms.py).
    country = SelectField(
        _l("Country (optional)"),
        choices=country_options,
        validate_choice=False,
        widget=CountryList(),
    )
    email = confirmed_email()

    def __init__(
        self, settings: LetterSettings, occasions: list[OccasionChoice], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.occasion.choices = [(each.key, each.key) for each in occasions]
        self.language.choices = accepted_language_choices(settings.language_codes)

    def validate_country(self, field: Any) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose your country from the list."))

    def validate_body(self, field: Any) -> None:
        if not field.data:
            return
        language = self.language.data if self.language.data in self.settings.language_codes else ""
        found = checks.problems(
            field.data,
            language or (self.settings.language_codes or [""])[0],
            self.settings.language_codes,
            self.settings.max_length,
            self.settings.avoided_words,
        )
        if found:
            # WTForms adds the raised message to the field's errors itself: the others go in
            # first, so each problem is listed once and in order, after any earlier check's.
            field.errors.extend(found[:-1])
            raise ValidationError(found[-1])

    def ready_text_id(self) -> int | None:
        value = str(self.ready_text.data or "")
        return int(value) if value.isdigit() else None

    def details(self, locale: str) -> WriterDetails:
        """Return what the writer gave, for services.write()."""
        return WriterDetails(
            occasion_key=str(self.occasion.data),
            language=str(self.language.data),
            body=str(self.body.data),
            ready_text_id=self.ready_text_id(),
            writer_name=str(self.writer_name.data),
            show_name=bool(self.show_name.data),
            tell_writer=bool(self.tell_writer.data),
            city=str(self.city.data or ""),
            country=str(self.country.data or ""),
            email=str(self.email.data),
            locale=locale,
        )


# --- organizers ----------------------------------------------------------------------------


def _channel_choices() -> list[tuple[str, Any]]:
    return [
        (Channel.POST.value, _l("By post to the place of detention")),
        (Channel.FAMILY.value, _l("Through the family")),
        (Channel.LAWYER.value, _l("Through the lawyer")),
        (Channel.HELD.value, _l("Kept until release")),
    ]


class SettingsForm(Form):
    is_open = BooleanField(_l("Letters are open: supporters may write"))
    channel = RadioField(_l("How letters reach the prisoner"), choices=_channel_choices)
    addressee_name = optional(
        StringField,
        _l("Full name for the envelope, with patronymic, in the language of the post"),
        200,
        SingleLine(),
    )
    birth_year = IntegerField(
        _l("Year of birth (the post asks for it)"),
        validators=[Optional(), NumberRange(1900, 2100, _l("Please enter a year such as 1962."))],
    )
    postal_address = optional(
        TextAreaField,
        _l("Address the letters go to, as the post needs it"),
        1000,
        description=_l(
            "By post: the place of detention's. Through the family or the lawyer: theirs, with "
            "a name above it. It is printed on the address sheet and labels only, never shown "
            "to writers."
        ),
    )
    languages = SelectMultipleField(
        _l("Languages letters may be written in"),
        choices=language_choices,
        validators=[DataRequired(_l("Please choose at least one language."))],
    )
    max_length = IntegerField(
        _l("Longest letter, in characters"),
        validators=[
            InputRequired(_l("Please enter the longest letter, in characters.")),
            NumberRange(100, 10000, _l("Please enter a length from 100 to 10000 characters.")),
        ],
    )
    rules = optional(TextAreaField, _l("Rules every writer reads"), 5000)
    words_to_avoid = optional(
        TextAreaField,
        _l("Words to avoid (one a line)"),
        5000,
        description=_l(
            "A word is also found in its other forms (“война” finds “войны”) in Russian, "
            "English, Polish, Lithuanian, Dutch, French and German. In any language, end a "
            "word with * to find every word that begins with it (“вайн*” finds “вайна” and "
            "“вайны”)."
        ),
    )
    birthday = DateField(_l("Birthday (the wishes' occasion, every year)"), validators=[Optional()])
    wall = BooleanField(_l("Show approved wishes on a public wall"))

    def validate_postal_address(self, field: Any) -> None:
        """Open letters that go somewhere need the address the batches' envelopes carry."""
        going = self.channel.data in (
            Channel.POST.value,
            Channel.FAMILY.value,
            Channel.LAWYER.value,
        )
        if self.is_open.data and going and not (field.data or "").strip():
            raise ValidationError(
                _l("Please enter the address the letters go to: the envelopes need it.")
            )

    def values(self) -> dict[str, object]:
        return {
            "is_open": bool(self.is_open.data),
            "channel": Channel(self.channel.data),
            "postal_address": self.postal_address.data or "",
            "addressee_name": self.addressee_name.data or "",
            "birth_year": self.birth_year.data,
            "languages": ",".join(self.languages.data or []),
            "max_length": int(self.max_length.data or 1500),
            "rules": self.rules.data or "",
            "words_to_avoid": self.words_to_avoid.data or "",
            "birthday": self.birthday.data,
            "wall": bool(self.wall.data),
        }


def _occasion_choices() -> list[tuple[str, Any]]:
    return [
        ("", _l("Any occasion")),
        (Occasion.BIRTHDAY.value, _l("Birthday")),
        (Occasion.HOLIDAY.value, _l("Holidays")),
        (Occasion.ANY_DAY.value, _l("Any day")),
    ]


class ReadyTextForm(Form):
    """A ready text, in one of the languages the case takes letters in (its settings')."""

    language = SelectField(_l("Language"), validate_choice=False)
    occasion = SelectField(_l("Occasion"), choices=_occasion_choices)
    text = required(
        TextAreaField,
        _l("Text"),
        _l("Please write the ready text."),
        5000,
        too_long=_l("Please shorten the text to 5000 characters."),
    )

    def __init__(self, languages: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = accepted_language_choices(languages)

    def validate_language(self, field: Any) -> None:
        # A ready text in a language the censor does not read would fill letters that are
        # thrown away: only the accepted languages are offered, and only they are taken.
        if field.data not in {code for code, _name in field.choices}:
            raise ValidationError(_l("Choose one of the languages the case takes letters in."))


class HolidayForm(Form):
    name = required(
        StringField,
        _l("Holiday"),
        _l("Please name the holiday."),
        120,
        SingleLine(),
        too_long=_l("Please shorten the name to 120 characters."),
    )
    day = DateField(
        _l("Day (it comes back every year)"),
        validators=[InputRequired(_l("Please enter the day."))],
    )


class DecisionForm(Form):
    """One letter or many: approve, or reject with a reason."""

    letter_ids = SelectMultipleField(coerce=int, validate_choice=False)
    reason = optional(
        StringField,
        _l("Reason (kept with the decision; needed to reject)"),
        300,
        too_long=_l("Please shorten the reason to 300 characters."),
    )
