"""The forms a signer fills in: the signature itself and the scanner-safe confirm buttons."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from cachetools import LRUCache
from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
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
from wtforms.widgets import Select

from petitions.forms import Form, required
from petitions.i18n import COUNTRY_CODES, country_choices
from petitions.memo import Memo
from petitions.signing import deliverability
from petitions.signing.consent import UPDATES_WORDING
from petitions.signing.services import SignerDetails

#: ?ref= and partner codes: short, URL-safe words.
SOURCE_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def tidy(value: Any) -> Any:
    """One spelling of each letter (NFC), no surrounding whitespace: every typed field's filter."""
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


#: Format, private-use, unassigned and surrogate code points: zero-width spaces, BOMs, soft
#: hyphens, direction marks and tag characters are invisible, so a name holding them can pass
#: for another, or hide text, on a public page and in a printed bundle.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Co", "Cn", "Cs"})
_JOINERS = frozenset("\u200c\u200d")
#: Where a joiner only hides: these scripts never need one between letters.
_JOINERLESS_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _needed_joiner(before: str, after: str) -> bool:
    # ZWNJ/ZWJ spell words in Persian, Arabic and Indic scripts (after a letter or a virama)
    # and glue emoji sequences (👩‍👩‍👧, after a symbol, modifier or U+FE0F).
    if not before or not after:
        return False
    if unicodedata.category(after) == "So":
        return unicodedata.category(before) in {"So", "Sk"} or before == "\ufe0f"
    return (
        unicodedata.category(before)[0] in {"L", "M"}
        and unicodedata.category(after)[0] == "L"
        and not any(
            unicodedata.name(char, "").startswith(_JOINERLESS_SCRIPTS) for char in (before, after)
        )
    )


def _has_invisible_characters(value: str) -> bool:
    for index, char in enumerate(value):
        if unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            continue
        if char in _JOINERS and _needed_joiner(
            value[index - 1 : index], value[index + 1 : index + 2]
        ):
            continue
        return True
    return False


class Visible:
    """Refuse invisible characters (format, private-use, unassigned) and text without a letter."""

    def __init__(self, no_letter: str) -> None:
        self.no_letter = no_letter

    def __call__(self, form: Form, field: Any) -> None:
        # Control characters and bidi overrides already have SingleLine's message.
        if not field.data or _has_control_characters(field.data, allow_newlines=False):
            return
        if _has_invisible_characters(field.data):
            raise ValidationError(
                _l(
                    "This contains invisible or special characters, often copied along with "
                    "text. Please type it again by hand."
                )
            )
        if not any(unicodedata.category(char).startswith("L") for char in field.data):
            raise ValidationError(self.no_letter)


#: Links in a name would be mailed and printed: anything with a scheme, "www." or a host name.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.", re.IGNORECASE)
_HOST_LIKE = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+([^\W\d_]{2,})(?:[/:?#]\S*)?$")
#: Top-level domains refused in any case ("Spam.COM"); other host-like words only when written
#: in lower case, since "Mr.Smith" or "J.R.R.Tolkien" are names, not hosts.
_TLD_WORDS = (
    "com net org info biz io co me ly tk ml ga cf gq xyz top site online club shop store app "
    "dev link click live pro ru su by ua kz cn de uk nl fr eu us cc tv ws pw рф бел"
)
_COMMON_TLDS = frozenset(_TLD_WORDS.split())


def _looks_like_link(value: str) -> bool:
    if _SCHEME.search(value):
        return True
    for word in value.split():
        host = word.strip("()[]<>\"'.,;!")
        match = _HOST_LIKE.match(host)
        if match is None:
            continue
        if match.group(1).lower() in _COMMON_TLDS:
            return True
        # "example.pizza" is a host; "j.r.r.tolkien", with one-letter labels, is initials.
        if host.lower() == host and len(host.split("/", 1)[0].split(".")[-2]) >= 2:
            return True
    return False


class NoLink:
    """Refuse a web address in a name: it would be mailed out and printed in the bundle."""

    def __call__(self, form: Form, field: Any) -> None:
        if field.data and _looks_like_link(field.data):
            raise ValidationError(_l("Please enter only your name, without a web address."))


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


def country_options() -> list[tuple[str, Any]]:
    """The country choices of a form: none chosen, then every country named in the page's
    language (a callable for ``choices``, so a POST builds no list; see CountryList)."""
    return [("", _l("Choose your country")), *country_choices()]


#: The rendered country lists, one per language (and set of attributes): ~250 options were
#: ~60 % of a petition page's rendering time when built for every view.
_rendered_lists: Memo[tuple[object, ...], Markup] = Memo(
    "petitions.signing.country_lists", lambda config: LRUCache(maxsize=64)
)


class CountryList(Select):
    """The country ``<select>``, rendered once per language while nothing is chosen in it.

    A form shown again with the signer's choice, or with an error on the field, is rendered
    afresh (it marks the chosen option, or is described by its error).
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        # Select's own answer is already Markup (it escapes every label).
        if field.data or field.errors:
            rendered: Markup = super().__call__(field, **kwargs)
            return rendered
        key = (str(get_locale()), field.id, field.name, *sorted(kwargs.items()))
        found: Markup | None = _rendered_lists.get(key)
        if found is None:
            found = super().__call__(field, **kwargs)
            _rendered_lists.set(key, found)
        return found


def _name_in_bundle_options() -> list[tuple[str, str]]:
    return [("auto", ""), ("yes", ""), ("no", "")]


def _line_field(label: Any, missing: Any, too_long: Any, no_letter: Any, *more: Any) -> StringField:
    """Return a required one-line field of up to 120 characters: a name or a city.

    Both are mailed and printed in the bundle, so neither may hold control characters, line
    breaks, invisible characters or no letter at all.
    """
    return required(
        StringField,
        label,
        missing,
        120,
        SingleLine(),
        Visible(no_letter=no_letter),
        *more,
        too_long=too_long,
        filters=[tidy],
    )


def confirmed_email() -> Any:
    """The email field of a form whose sender confirms by mail: signing, writing a letter."""
    return required(
        EmailField,
        _l("Email"),
        _l("Please enter your email address: we send the confirmation link there."),
        254,
        DeliverableEmail(),
        too_long=_l("This email address is too long."),
        filters=[tidy],
    )


class SignForm(Form):
    class Meta:
        # No session-bound CSRF token: the page is the same for everybody and sets no cookie.
        # csrf_token below carries the ticket of petitions/tokens.py instead, under the name
        # the site's form always used; signing/views.py checks it and the request's origin.
        csrf = False

    #: The signed ticket (the name is the old CSRF field's, so pages open at a deploy send it
    #: where it is looked for, and are answered "the form had expired", input kept).
    csrf_token = HiddenField()
    full_name = _line_field(
        _l("Full name"),
        _l("Please enter your name."),
        _l("Please shorten your name to 120 characters."),
        _l("Please write your name in letters."),
        NoLink(),
    )
    email = confirmed_email()
    country = SelectField(
        _l("Country"),
        # A callable: WTForms builds the list of ~250 names only when the form is rendered, not
        # for every signature POSTed (validate_country checks the code against the set).
        choices=country_options,
        validate_choice=False,
        widget=CountryList(),
        validators=[DataRequired(_l("Please choose your country."))],
    )
    city = _line_field(
        _l("City or town"),
        _l("Please enter your city or town."),
        _l("Please shorten the city to 120 characters."),
        _l("Please write the name of your city or town in letters."),
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        filters=[tidy],
        validators=[
            Optional(),
            Length(max=500, message=_l("Please shorten your comment to 500 characters.")),
            MultiLine(),
        ],
    )
    show_name_publicly = BooleanField(_l("Show my name in the public list of signers"))
    may_contact = BooleanField(_l("The organizers may email me about this campaign later"))
    #: Consent to the petition's updates, apart from everything else and unticked: it counts
    #: once the signature is confirmed (signing/consent.py records it with its wording).
    updates_consent = BooleanField(UPDATES_WORDING)
    #: May the bundle delivered to the addressee print the name? "auto": yes, unless the signer
    #: lives in the addressee's country (decided by sign() against the petition). The labels
    #: name the addressee and its country: templates/signing/_name_in_bundle.html sets them.
    name_in_bundle = RadioField(
        choices=_name_in_bundle_options, default="auto", validate_choice=False
    )
    source = HiddenField(filters=[tidy])

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

    def details(
        self, *, locale: str, source: str | None, return_url: str | None = None
    ) -> SignerDetails:
        """Return what the signer typed, as :func:`~petitions.signing.services.sign` takes it.

        :param locale: the language the signer used, for the mails that follow.
        :param source: where the signature came from: :attr:`clean_source` on the site, the
            partner's code in an embed.
        :param return_url: the partner page to offer the way back to after confirming.
        """
        return SignerDetails(
            full_name=str(self.full_name.data),
            email=str(self.email.data),
            country=str(self.country.data),
            city=str(self.city.data),
            comment=self.comment.data or None,
            show_name_publicly=bool(self.show_name_publicly.data),
            may_contact=bool(self.may_contact.data),
            updates_consent=bool(self.updates_consent.data),
            name_in_bundle=self.name_in_bundle_choice,
            source=source,
            locale=locale,
            return_url=return_url,
        )


def shown_source(ref: str) -> str:
    """Return a ?ref= as a fresh sign form's source field holds it (tidied by its filter)."""
    return str(tidy(ref))


class ButtonForm(Form):
    """A form with only a CSRF token and a submit button.

    Mail scanners follow links with GET; only a person pressing the button POSTs.
    """
