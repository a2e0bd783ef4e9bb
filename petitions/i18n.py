"""Language choice and localised lists (countries) for forms and pages."""

from __future__ import annotations

import functools

import pycountry
import pyuca
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_group_symbol
from babel.units import format_unit
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale

from petitions.sessions import remembers_language, shared_by_caches


def select_locale() -> str:
    """Pick the visitor's language: ?lang=, then the one chosen earlier, then the browser's.

    Public answers kept by shared caches take their language from the URL or from
    Accept-Language (named in their Vary), never from the session. The site's public pages make
    one exception: a browser that sends a session cookie remembering a language (chosen on an
    organizer page or a mailed link) reads them in it; that answer is marked ``private``
    (``g.language_from_session``, read by petitions/public_pages.py), so no shared cache keeps
    it. A shared cache in front may still answer such a browser with the copy it keeps for its
    Accept-Language, which is why the README's nginx snippet lets session cookies bypass it.
    """
    supported: list[str] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return supported[0]  # a CLI command or the mail worker: the service's own language
    requested = request.args.get("lang")
    shared = shared_by_caches()
    if requested in supported:
        # Remembered so the form's answer, its errors and the mails keep the chosen language.
        if not shared:
            session["lang"] = requested
        return requested
    if not shared or remembers_language():
        remembered = session.get("lang")
        if remembered in supported:
            g.language_from_session = shared
            return str(remembered)
    return request.accept_languages.best_match(supported) or supported[0]


#: ISO 3166-1 alpha-2 codes of every country and territory a signer may live in.
COUNTRY_CODES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)


@functools.cache
def _collator() -> pyuca.Collator:
    # Loaded once (0.1 s): the Unicode Collation Algorithm's default table. Babel has no
    # collation and PyICU needs a compiler and libicu; DUCET orders every alphabet we speak
    # as its readers expect, accents after their letter (Côte d'Ivoire between Costa Rica and
    # Croatia), Cyrillic І between З and Й as Belarusian and Ukrainian have it.
    return pyuca.Collator()


@functools.cache
def _country_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale_name).territories
    english = Locale("en").territories
    named = [(code, names.get(code) or english.get(code) or code) for code in COUNTRY_CODES]
    key = _collator().sort_key
    return tuple(sorted(named, key=lambda pair: key(pair[1])))


def country_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs in the current language, sorted by name."""
    return list(_country_choices(str(get_locale() or "en")))


def country_name(code: str) -> str:
    """Return a country's name in the current language."""
    return _country_names(str(get_locale() or "en")).get(code, code)


@functools.cache
def _country_names(locale_name: str) -> dict[str, str]:
    # Read-only once made: a page naming many countries (a wall of wishes) builds it once.
    return dict(_country_choices(locale_name))


def language_name(code: str) -> str:
    """Return a language's name in the current language ("Dutch" for "nl" on an English page)."""
    return _language_name(code, str(get_locale() or "en"))


@functools.cache
def _language_name(code: str, locale_name: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(locale_name) or code
    except (ValueError, UnknownLocaleError):  # a code Babel does not know is shown as it is
        return code
    return name[:1].upper() + name[1:]


@functools.cache
def og_locale(code: str) -> str:
    """Return a language code as Open Graph writes a locale, with its likeliest country
    (CLDR's likely subtags): ``be`` → ``be_BY``, ``en`` → ``en_US``, ``pt_BR`` stays."""
    locale = Locale.parse(code)
    if locale.territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            locale = Locale.parse(likely)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def template_globals() -> dict[str, object]:
    """Return values every template may use."""
    return {
        "current_locale": str(get_locale() or "en"),
        "language_choices": _language_choices(tuple(current_app.config["LANGUAGES"])),
    }


def language_choices() -> list[tuple[str, str]]:
    """The service's languages as (code, name in itself) pairs, for a form's list."""
    return list(_language_choices(tuple(current_app.config["LANGUAGES"])))


@functools.cache
def _language_choices(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Each language is named in itself, so a reader finds theirs whatever the page's language.
    names = []
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return tuple(names)


#: Counts that meet every plural category of whole numbers in CLDR's rules, which turn on n % 10
#: and n % 100 and, in some languages (French, Italian, Spanish), on whole millions.
_PLURAL_PROBES = (*range(200), 1_000_000)


@functools.cache
def _plural_samples(locale_name: str) -> tuple[tuple[str, int], ...]:
    rule = Locale.parse(locale_name).plural_form
    first: dict[str, int] = {}
    for count in _PLURAL_PROBES:
        first.setdefault(rule(count), count)
    return tuple(first.items())


def plural_samples() -> tuple[tuple[str, int], ...]:
    """Return one count for each plural category of the current language, as (category, count).

    A page renders a plural word once per category with these counts, from our catalogs; its
    script then picks the word for a new count with Intl.PluralRules (the same CLDR
    categories), so no plural rule and no word is written in JavaScript.
    """
    return _plural_samples(str(get_locale() or "en"))


def digit_grouping() -> dict[str, object]:
    """Return how format_number groups a whole number's digits in the current language.

    For scripts that update a number the server rendered: Chromium's Intl has no Belarusian
    number data (it writes 1,234 where Babel writes 1 234), so they group digits as Babel does.
    """
    locale = get_locale() or Locale.parse("en")
    primary, secondary = locale.decimal_formats[None].grouping
    return {"group": get_group_symbol(locale), "sizes": [primary, secondary]}


#: The units a duration is said in, largest first, with their seconds (CLDR unit names).
_DURATION_UNITS = (("duration-day", 86400), ("duration-hour", 3600), ("duration-minute", 60))


def format_duration(seconds: int) -> str:
    """Say a duration exactly in the current language: "7 days", "36 hours", "90 seconds".

    The largest unit that divides it without a remainder, so a page stating a setting never
    rounds it (Babel's format_timedelta would say "1 week" for 10 days). Words and plural forms
    come from CLDR through Babel's format_unit.
    """
    locale = get_locale() or Locale.parse("en")
    for unit, size in _DURATION_UNITS:
        if seconds and seconds % size == 0:
            return format_unit(seconds // size, unit, length="long", locale=locale)
    return format_unit(seconds, "duration-second", length="long", locale=locale)
