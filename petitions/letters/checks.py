"""What a letter is checked for before it is taken: its length, its alphabet, links, and the
case's words to avoid. Each problem is a whole sentence the writer can act on.

Prison censors discard letters they cannot read, and destroy those that name forbidden topics,
without telling anybody: a letter that would be lost is better refused here, with its text
kept in the form for the writer to fix.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

import snowballstemmer
from flask import g, has_request_context
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

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

#: Anything a reader would take for a link or an address: a scheme, "www." or an @-address.
_LINK = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\S@\S", re.IGNORECASE)
#: A dotted name ending in a top-level domain of letters in any script ("spring96.org",
#: "вясна.бел", "пример.рф") or its punycode ("xn--90ais"): one letter after a dot is an
#: abbreviation ("т.д.", "г."), and a period followed by a space ends a sentence.
_DOTTED = re.compile(
    r"(?<![\w-])[\w-]+(?:\.[\w-]+)*\.(?P<tld>xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})(?![\w-])",
    re.IGNORECASE,
)

#: The Snowball stemmer of each language of LANGUAGES that has one, for the words to avoid:
#: "войны" and "войне" are "война", "wars" is "war". Belarusian and Ukrainian have none; their
#: organizers write a prefix with a trailing "*" ("вайн*"). The help text of the settings form's
#: words to avoid (forms.py) names these languages.
STEMMERS = {
    "ru": "russian",
    "en": "english",
    "pl": "polish",
    "lt": "lithuanian",
    "nl": "dutch",
    "fr": "french",
    "de": "german",
}
#: What marks a word to avoid as a prefix: "вайн*" catches "вайна", "вайны", "вайне".
PREFIX_MARK = "*"
_WORD = re.compile(r"\w+")


def script_of(character: str) -> str:
    """Return the script a letter is written in ("CYRILLIC", "LATIN", …), by its Unicode name."""
    return unicodedata.name(character, "UNKNOWN").split(" ", 1)[0]


def foreign_letters(body: str, language: str) -> list[str]:
    """Return the letters of ``body`` outside the alphabet of ``language``."""
    script = SCRIPTS.get(language)
    if script is None:
        return []
    return [each for each in body if each.isalpha() and script_of(each) != script]


def has_link(text: str) -> bool:
    """Say whether ``text`` holds something a reader (or a censor) would take for a link."""
    if _LINK.search(text):
        return True
    # Combining marks (the vowel signs of Devanagari, a Cyrillic stress mark) are no word
    # characters to ``re``: without them a name in any script is one run of letters.
    unmarked = "".join(
        each
        for each in unicodedata.normalize("NFC", text)
        if not unicodedata.category(each).startswith("M")
    )
    for match in _DOTTED.finditer(unmarked):
        tld = match["tld"]
        # "г.Минск", "end.Next": a capitalised word after a period missing its space.
        if not (tld[0].isupper() and tld[1:].islower()):
            return True
    return False


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


#: Each thread's Snowball stemmers, one per algorithm: a stemmer keeps its word in itself while
#: it works, so one shared between the server's threads would mix their words.
_stemmers = threading.local()


#: Words up to this long have their stems kept (a letter's words are mostly a few thousand
#: common ones); a longer run of letters is stemmed every time, so no letter fills the cache.
_KEPT_WORD = 32


def _stem_now(algorithm: str, word: str) -> str:
    kept: dict[str, Any] = _stemmers.__dict__.setdefault("by_name", {})
    stemmer = kept.get(algorithm)
    if stemmer is None:
        stemmer = kept[algorithm] = snowballstemmer.stemmer(algorithm)
    return str(stemmer.stemWord(word))


_stem_kept = functools.lru_cache(maxsize=65536)(_stem_now)


def _stem(algorithm: str, word: str) -> str:
    """Return a word's stem (a pure function of both, kept for the words letters share)."""
    return _stem_kept(algorithm, word) if len(word) <= _KEPT_WORD else _stem_now(algorithm, word)


def _stemmer(language: str) -> Callable[[str], str] | None:
    algorithm = STEMMERS.get(language)
    if algorithm is None:
        return None
    return functools.partial(_stem, algorithm)


#: An entry of the words to avoid, ready to look for: its words, their stems, and whether its
#: last word is a prefix.
Entry = tuple[tuple[str, ...], tuple[str, ...], bool]


@functools.lru_cache(maxsize=256)
def _entries(language: str, avoided: tuple[str, ...]) -> tuple[Entry, ...]:
    """Return a case's words to avoid ready to look for in a language, once per version of
    them: the key is the words themselves, so an organizer's change makes a new one (and the
    old one ages out of the cache)."""
    stem = _stemmer(language)
    entries: list[Entry] = []
    for entry in avoided:
        is_prefix = entry.endswith(PREFIX_MARK)
        wanted = tuple(_words(entry.rstrip(PREFIX_MARK)))
        if not wanted:
            continue  # nothing but a "*" or punctuation: it would catch every letter, or none
        wanted_stems = tuple(stem(each) for each in wanted) if stem else wanted
        entries.append((wanted, wanted_stems, is_prefix))
    return tuple(entries)


def _matches(
    words: list[str],
    stems: list[str],
    wanted: tuple[str, ...],
    wanted_stems: tuple[str, ...],
    is_prefix: bool,
    at: int,
) -> bool:
    """Say whether the words from ``at`` on are the entry's: each the same word or stem, the
    last one only beginning with it if the entry is a prefix."""
    last = len(wanted) - 1
    for index, want in enumerate(wanted):
        word = words[at + index]
        if is_prefix and index == last:
            if not word.startswith(want):
                return False
        elif word != want and stems[at + index] != wanted_stems[index]:
            return False
    return True


def avoided_in(text: str, language: str, avoided: list[str]) -> list[str]:
    """Return the words to avoid that ``text`` uses, each in the form the letter has it (so a
    writer reads "войне", the word to change, not the organizers' "войн*").

    A word is found in any of its forms where the letter's language has a stemmer, else in its
    exact form; a trailing "*" makes it a prefix in every language. An entry of several words
    is found where they follow each other.
    """
    stem = _stemmer(language)
    words = _words(text)
    stems = [stem(each) for each in words] if stem else words
    found: list[str] = []
    for wanted, wanted_stems, is_prefix in _entries(language, tuple(avoided)):
        starts = range(len(words) - len(wanted) + 1)
        for at in starts:
            if _matches(words, stems, wanted, wanted_stems, is_prefix, at):
                used = " ".join(words[at : at + len(wanted)])
                if used not in found:
                    found.append(used)
                break
    return found


_CHECKED = "petitions.letters.checks"


def problems(
    body: str, language: str, accepted: list[str], max_length: int, avoided: list[str]
) -> list[str]:
    """Return what is wrong with a letter, each as a sentence; an empty list if nothing is.

    Checked once per request: the write form checks the letter to show its problems, and
    services.write checks it again before taking it (it may be called without the form); the
    second call with the same letter and settings gets the first one's answer.
    """
    if not has_request_context():
        return _problems(body, language, accepted, max_length, avoided)
    key = (body, language, tuple(accepted), max_length, tuple(avoided), str(get_locale()))
    checked: dict[tuple[object, ...], list[str]] = g.setdefault(_CHECKED, {})
    if key not in checked:
        checked[key] = _problems(body, language, accepted, max_length, avoided)
    return list(checked[key])


def _problems(
    body: str, language: str, accepted: list[str], max_length: int, avoided: list[str]
) -> list[str]:
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
    if has_link(text):
        found.append(
            _("Please remove the links and addresses: letters with links are not delivered.")
        )
    for word in avoided_in(text, language, avoided):
        found.append(
            _(
                "Please leave out “%(word)s”: the organizers ask writers to avoid it, or "
                "the letter will not be delivered.",
                word=word,
            )
        )
    return found
