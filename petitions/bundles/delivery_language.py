"""The language a bundle is printed in, and what organizers wrote, as printed in it.

A bundle is printed in the language chosen for its addressee (issue #14): its words, dates,
numbers and country names come from the catalogs and Babel in that language, and the petition,
the prisoner's name and the addressee from the organizers' translations in it where they exist
(``petitions.cases.translations``). The default is the language of the addressee's country
(:data:`DELIVERY_LANGUAGES`), else the petition's own; the organizer may choose another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from petitions.cases import translations
from petitions.cases.models import Petition

#: The language a letter to an authority of each country is printed in by default (ISO 3166
#: alpha-2 → a code of LANGUAGES). Belarus and Russia: Russian, the language Belarusian
#: authorities work in day to day (Belarusian remains a choice on the form). Belgium: Dutch,
#: the language of most Belgians; its federal authorities answer in Dutch and French alike, so
#: an organizer writing to a French-speaking office picks French. Austria: German. A country
#: missing here, or whose language this service does not offer, takes the petition's own.
DELIVERY_LANGUAGES: dict[str, str] = {
    "BY": "ru",
    "RU": "ru",
    "UA": "uk",
    "PL": "pl",
    "LT": "lt",
    "NL": "nl",
    "BE": "nl",
    "FR": "fr",
    "DE": "de",
    "AT": "de",
}


class LanguageRefused(ValueError):
    """A bundle was asked for in a language this service does not print in."""


def offered_languages() -> Sequence[str]:
    """The languages a bundle may be printed in: the service's (config LANGUAGES)."""
    return tuple(current_app.config["LANGUAGES"])


def checked_language(code: str) -> str:
    """Return ``code`` if bundles are printed in it.

    :raises LanguageRefused: naming the languages there are, for any other code.
    """
    offered = offered_languages()
    if code not in offered:
        raise LanguageRefused(
            f"Bundles cannot be printed in {code!r}: choose one of {', '.join(offered)}."
        )
    return code


def default_language(petition: Petition) -> str:
    """The language a bundle of ``petition`` is printed in unless the organizer chooses.

    The addressee's country's (:data:`DELIVERY_LANGUAGES`), else the petition's own, else
    English (else the service's first language), each only if the service offers it.
    """
    offered = offered_languages()
    for candidate in (
        DELIVERY_LANGUAGES.get(petition.addressee_country or ""),
        petition.language,
        "en",
    ):
        if candidate and candidate in offered:
            return candidate
    return offered[0]


@dataclass(frozen=True)
class PrintedTexts:
    """What organizers wrote, as a bundle prints it; each text knows its language."""

    title: translations.Text
    body: translations.Text
    prisoner_name: translations.Text
    recipient_name: str

    @property
    def petition_language(self) -> str:
        """The language the petition's title and text are printed in."""
        return self.body.lang


def addressee_in(petition: Petition, language: str) -> str:
    """The petition's addressee as written in ``language``, else as originally written."""
    return str(translations.text(petition, "addressee", language))


def printed_texts(petition: Petition, language: str, recipient_name: str) -> PrintedTexts:
    """The petition, its prisoner and its recipient as a bundle in ``language`` prints them.

    The petition's title and text are printed together either both translated or both as
    written: a translated title over an untranslated text (or the reverse) would misstate what
    the recipient is reading. The prisoner's name is spelled as in ``language`` where a
    translation gives it. A recipient that is the petition's addressee in any of its languages
    (the form fills it in, in the default language) is printed as the addressee in
    ``language``; one the organizer typed otherwise is printed as typed.
    """
    title = translations.text(petition, "title", language)
    body = translations.text(petition, "body", language)
    if title.lang != body.lang:
        original = translations.original_language(petition)
        title = translations.Text(petition.title, original)
        body = translations.Text(petition.body, original)
    typed = recipient_name.strip()
    versions = {petition.addressee.strip()} | {
        addressee_in(petition, code).strip() for code in offered_languages()
    }
    return PrintedTexts(
        title=title,
        body=body,
        prisoner_name=translations.text(petition.case, "prisoner_name", language),
        recipient_name=addressee_in(petition, language) if typed in versions else recipient_name,
    )
