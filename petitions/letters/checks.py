"""What a letter is checked for before it is taken: its length, its alphabet, links, and the
case's words to avoid. Each problem is a whole sentence the writer can act on.

Prison censors discard letters they cannot read, and destroy those that name forbidden topics,
without telling anybody: a letter that would be lost is better refused here, with its text
kept in the form for the writer to fix.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext

from petitions.i18n import language_name

#: The alphabet each language of LANGUAGES is written in, as Unicode names it.
#: Hand-written with the standard library's ``unicodedata`` rather than a library: Python has no
#: Unicode Script property (the ``regex`` module's \p{Script=…} is not installed here), and a
#: character's name begins with its script ("CYRILLIC SMALL LETTER SHORT U"), which is exact
#: for the alphabets of the languages we offer.
SCRIPTS = {
    "be": "CYRILLIC",
    "ru": "CYRILLIC",
    "uk": "CYRILLIC",
    "en": "LATIN",
    "pl": "LATIN",
    "lt": "LATIN",
    "nl": "LATIN",
    "fr": "LATIN",
    "de": "LATIN",
}
#: The share of letters that may be in another alphabet (a name, an abbreviation) before the
#: letter counts as written in it.
FOREIGN_SHARE = 0.1
#: The shortest letter taken, in characters.
MIN_LENGTH = 10

#: Anything a reader would take for a link or an address: a scheme, "www.", an @-address, or a
#: dotted name ending in a Latin top-level domain ("example.org"; not "т.д.").
_LINK = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\S@\S|\b[\w-]+\.[a-z]{2,24}\b", re.IGNORECASE)


def script_of(character: str) -> str:
    """Return the script a letter is written in ("CYRILLIC", "LATIN", …), by its Unicode name."""
    return unicodedata.name(character, "UNKNOWN").split(" ", 1)[0]


def foreign_letters(body: str, language: str) -> list[str]:
    """Return the letters of ``body`` outside the alphabet of ``language``."""
    script = SCRIPTS.get(language)
    if script is None:
        return []
    return [each for each in body if each.isalpha() and script_of(each) != script]


def problems(
    body: str, language: str, accepted: list[str], max_length: int, avoided: list[str]
) -> list[str]:
    """Return what is wrong with a letter, each as a sentence; an empty list if nothing is."""
    found: list[str] = []
    text = body.strip()
    if language not in accepted:
        names = ", ".join(language_name(code) for code in accepted)
        found.append(
            _(
                "Please write in one of the languages the letters can be read in: %(names)s.",
                names=names,
            )
        )
    if len(text) < MIN_LENGTH:
        found.append(
            ngettext(
                "Please write at least %(num)s character.",
                "Please write at least %(num)s characters.",
                MIN_LENGTH,
            )
        )
    if len(text) > max_length:
        found.append(
            _(
                "Your letter has %(length)s characters; at most %(max)s can be sent. Please "
                "shorten it.",
                length=len(text),
                max=max_length,
            )
        )
    letters = [each for each in text if each.isalpha()]
    foreign = foreign_letters(text, language)
    if letters and len(foreign) > FOREIGN_SHARE * len(letters) and language in SCRIPTS:
        found.append(
            _(
                "Your letter is not written in the alphabet of %(language)s (for example "
                "“%(sample)s”). Letters in other alphabets are thrown away by the prison's "
                "censor: please write it in %(language)s.",
                language=language_name(language),
                sample=foreign[0],
            )
        )
    if _LINK.search(text):
        found.append(
            _("Please remove the links and addresses: letters with links are not delivered.")
        )
    folded = text.casefold()
    for word in avoided:
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded):
            found.append(
                _(
                    "Please leave out “%(word)s”: the organizers ask writers to avoid it, or "
                    "the letter will not be delivered.",
                    word=word,
                )
            )
    return found
