"""Content in several languages: what organizers wrote, in the reader's language where it exists.

A case, a petition, a timeline entry and a detention period are written in one language
(``language`` on the case and the petition; an entry and a period take their case's).
Organizers may add translations of each field (``content_translations``). A reader gets the
field in their language where a translation exists, and the original otherwise; either way the
text knows its language (:class:`Text`), so a page marks a text in another language than the
page's own with ``lang`` and a screen reader reads it with the right rules.

Each translation keeps a digest of the original it was made from: when the original changes,
the organizer sees the translation as out of date (:func:`status_of`); readers still get it
until it is redone, since a slightly old translation serves them better than a foreign text.

Hand-written rather than a library's (sqlalchemy-i18n, -utils' translation_hybrid): those keep
translations in extra columns or JSON per table and know nothing of an original's changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import and_, delete, or_, select

from petitions.cases.models import (
    Case,
    ContentTranslation,
    DetentionPeriod,
    Petition,
    TimelineEntry,
)
from petitions.clock import utcnow
from petitions.extensions import db

#: The fields of each kind of content that may be translated.
FIELDS: dict[str, tuple[str, ...]] = {
    "case": ("prisoner_name", "detention_place", "sentence", "bio", "portrait_alt"),
    "petition": ("title", "summary", "body", "addressee"),
    "timeline": ("title", "text", "photo_alt"),
    "detention": ("place", "note"),
    # Areas above cases (they declare ``translation_subject``, see Translatable):
    "letters": ("rules",),
    "ready": ("text",),
    "holiday": ("name",),
}
#: The longest text each field takes (its column's length; None: Text).
MAX_LENGTH: dict[str, int | None] = {
    "prisoner_name": 200,
    "detention_place": 300,
    "sentence": 300,
    "bio": None,
    "title": 200,
    "summary": 500,
    "body": None,
    "addressee": 300,
    "text": None,
    "portrait_alt": 300,
    "photo_alt": 300,
    "place": 300,
    "note": 500,
    "rules": None,
    "name": 120,
}


@runtime_checkable
class Translatable(Protocol):
    """Content of an area above cases (letters): it names its subject itself, since cases
    imports nothing from the areas above it. Its ``language`` is its original's."""

    translation_subject: ClassVar[str]
    id: int
    language: str


Content = Case | Petition | TimelineEntry | DetentionPeriod | Translatable


class Text(str):
    """A field's text, and the language it is in."""

    lang: str

    def __new__(cls, value: str, lang: str) -> Text:
        made = super().__new__(cls, value)
        made.lang = lang
        return made


def subject_of(content: Content) -> tuple[str, int]:
    named = getattr(type(content), "translation_subject", None)
    if isinstance(named, str):
        return named, content.id
    if isinstance(content, Case):
        return "case", content.id
    if isinstance(content, Petition):
        return "petition", content.id
    if isinstance(content, DetentionPeriod):
        return "detention", content.id
    return "timeline", content.id


def original_language(content: Content) -> str:
    if isinstance(content, TimelineEntry | DetentionPeriod):
        return content.case.language
    return content.language


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _reader_language() -> str:
    return str(get_locale() or "en")


_CACHE = "petitions.translations"

Kept = dict[tuple[str, int, str], dict[str, str]]


def _kept() -> Kept:
    """The translations read so far, kept for the request (a page reads each content once).

    Outside a request nothing is kept: the mail worker runs in one application context for its
    whole life, where a cache in ``g`` would hold every translation as it first read it.
    """
    if not has_request_context():
        return {}
    kept: Kept | None = g.get(_CACHE)
    if kept is None:
        kept = {}
        setattr(g, _CACHE, kept)
    return kept


def preload(contents: Iterable[Content], language: str | None = None) -> Kept:
    """Read the translations of many contents into a language in one query (kept for the
    request), so a page listing them costs one query, not one per content.

    :returns: what is kept, the contents' translations included.
    """
    language = language or _reader_language()
    kept = _kept()
    wanted = [
        subject
        for subject in (
            subject_of(content) for content in contents if original_language(content) != language
        )
        if (*subject, language) not in kept
    ]
    if not wanted:
        return kept
    for subject, subject_id in wanted:
        kept[(subject, subject_id, language)] = {}
    rows = db.session.execute(
        select(
            ContentTranslation.subject,
            ContentTranslation.subject_id,
            ContentTranslation.field,
            ContentTranslation.text,
        ).where(
            ContentTranslation.language == language,
            or_(
                *(
                    and_(
                        ContentTranslation.subject == subject,
                        ContentTranslation.subject_id == subject_id,
                    )
                    for subject, subject_id in wanted
                )
            ),
        )
    )
    for subject, subject_id, field, text in rows:
        kept[(subject, subject_id, language)][field] = text
    return kept


def text(content: Content | Any, field: str, language: str | None = None) -> Text:
    """The field in the reader's language (or ``language``) where a translation has it; the
    original otherwise. Either way marked with the language it is in."""
    language = language or _reader_language()
    value = str(getattr(content, field) or "")
    if not isinstance(content, Case | Petition | TimelineEntry | DetentionPeriod) and not (
        isinstance(getattr(type(content), "translation_subject", None), str)
    ):
        # A petition as a cached count holds it (counting.public.Progress): its original only.
        return Text(value, str(getattr(content, "language", None) or language))
    original = original_language(content)
    if language != original:
        subject, subject_id = subject_of(content)
        translated = preload([content], language)[(subject, subject_id, language)].get(field)
        if translated:
            return Text(translated, language)
    return Text(value, original)


@dataclass(frozen=True)
class FieldTranslation:
    """One field as the translation form shows it: the original, its translation, and whether
    the translation was made from the original as it is now."""

    field: str
    original: str
    translated: str
    out_of_date: bool


def _saved(subject: str, subject_id: int, language: str) -> dict[str, ContentTranslation]:
    """One content's saved translations into a language, by field."""
    return {
        row.field: row
        for row in db.session.execute(
            select(ContentTranslation).where(
                ContentTranslation.subject == subject,
                ContentTranslation.subject_id == subject_id,
                ContentTranslation.language == language,
            )
        ).scalars()
    }


def every_translation(content: Content, field: str) -> dict[str, str]:
    """The field's translations by language, in one query: for what is kept for every reader
    at once (a petition's cached public numbers, which the partner's counter shows)."""
    subject, subject_id = subject_of(content)
    rows = db.session.execute(
        select(ContentTranslation.language, ContentTranslation.text).where(
            ContentTranslation.subject == subject,
            ContentTranslation.subject_id == subject_id,
            ContentTranslation.field == field,
        )
    )
    return {language: text for language, text in rows if text}


def translations_of(content: Content, language: str) -> list[FieldTranslation]:
    """Every translatable field of the content, with its translation into ``language``."""
    subject, subject_id = subject_of(content)
    saved = _saved(subject, subject_id, language)
    fields = []
    for field in FIELDS[subject]:
        original = str(getattr(content, field) or "")
        row = saved.get(field)
        fields.append(
            FieldTranslation(
                field,
                original,
                row.text if row else "",
                row is not None and row.source_digest != digest(original),
            )
        )
    return fields


class TranslationRefused(ValueError):
    """A translation the service does not take (the message says why)."""


def save(content: Content, language: str, values: Mapping[str, Any], by: str) -> int:
    """Store the given fields' translations into ``language`` (an empty one is deleted), each
    with the digest of the original as it is now. In the caller's transaction; not committed.

    :returns: how many fields were changed.
    :raises TranslationRefused: for the original's own language, one not offered, an unknown
        field or a text too long.
    """
    if language not in current_app.config["LANGUAGES"]:
        raise TranslationRefused(f"{language!r} is not a language of this service.")
    if language == original_language(content):
        raise TranslationRefused("This is the original's language: edit the original instead.")
    subject, subject_id = subject_of(content)
    for field, value in values.items():
        if field not in FIELDS[subject]:
            raise TranslationRefused(f"{field!r} cannot be translated.")
        limit = MAX_LENGTH[field]
        if limit is not None and len(str(value or "")) > limit:
            raise TranslationRefused(f"The {field} may be at most {limit} characters long.")
    saved = _saved(subject, subject_id, language)
    changed = 0
    now = utcnow()
    for field, value in values.items():
        typed = str(value or "").strip()
        source = digest(str(getattr(content, field) or ""))
        row = saved.get(field)
        if not typed:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            db.session.add(
                ContentTranslation(
                    subject=subject,
                    subject_id=subject_id,
                    language=language,
                    field=field,
                    text=typed,
                    source_digest=source,
                    by=by[:320],
                    updated_at=now,
                )
            )
            changed += 1
        elif row.text != typed or row.source_digest != source:
            row.text, row.source_digest, row.by, row.updated_at = typed, source, by[:320], now
            changed += 1
    _kept().clear()
    return changed


def forget(subject: str, subject_id: int) -> None:
    """Delete every translation of a removed item, in the caller's transaction.

    Ids can be used again once their row is gone (SQLite reuses the highest), so a new ready
    text, holiday or entry must not pick up the translations of the one it replaced.
    """
    db.session.execute(
        delete(ContentTranslation).where(
            ContentTranslation.subject == subject, ContentTranslation.subject_id == subject_id
        )
    )
    _kept().clear()


# --- marking a text's language on the page ----------------------------------------------------


def lang_attr(value: object) -> Markup:
    """` lang="en"` for a text in another language than the page's, to put on its element."""
    lang = getattr(value, "lang", None)
    if lang and lang != _reader_language():
        marked: Markup = Markup(' lang="%s"') % lang
        return marked
    return Markup("")


def in_lang(value: object) -> Markup:
    """The text, escaped; in a ``<span lang>`` when it is in another language than the page's
    (for a name inside a sentence of the page's language)."""
    lang = getattr(value, "lang", None)
    if lang and lang != _reader_language():
        spanned: Markup = Markup('<span lang="%s">%s</span>') % (lang, value)
        return spanned
    return escape(value)
