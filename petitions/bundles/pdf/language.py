"""The bundle's language: its dates and numbers from Babel's CLDR data, its words from the catalogs.

Every word a bundle prints goes through Flask-Babel's ``gettext``/``ngettext`` and so comes
from the translation catalogs of the language in force: the bundle service renders inside
``flask_babel.force_locale``. Dates and numbers follow the same language through Babel.
Outside a Flask application (the benchmark, the renderer's own tests) all of it is English.
"""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from petitions.bundles.pdf.contents import BundleHeader

#: English dates with the day before the month, the month in words ("4 August 2026"), read
#: the same way everywhere: CLDR's "long" English format puts the month first, as in the US.
_ENGLISH_LONG_DATE = "d MMMM y"


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark ``message`` for the catalogs; it is translated where it is printed (gettext_noop)."""
    return message


def bundle_locale() -> Locale:
    """The language the bundle is printed in: the one in force, else English."""
    return get_locale() or Locale("en")


def long_date(moment: date) -> str:
    """A date with the month in words, as the bundle's language writes it: "4 August 2026",
    "4. August 2026", "4 августа 2026 г." (CLDR's long format; English day first)."""
    locale = bundle_locale()
    pattern = _ENGLISH_LONG_DATE if locale.language == "en" else "long"
    return format_date(moment, pattern, locale=locale)


def number(value: int) -> str:
    """A count with the bundle language's digit grouping: "1,000" in English."""
    return format_decimal(value, locale=bundle_locale())


def languages_of(header: BundleHeader) -> tuple[str, str]:
    """The language the bundle's words are in, and the one its petition is printed in."""
    language = header.language or str(bundle_locale())
    return language, header.petition_language or language


def language_name(code: str) -> str:
    """A language's name in the bundle's language: "Engels" for "en" in a Dutch bundle."""
    return Locale.parse(code).get_display_name(bundle_locale()) or code
