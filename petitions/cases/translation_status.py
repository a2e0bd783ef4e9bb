"""How far a content's translations are: per language, missing, partial, out of date or current.

What the organizer's pages show beside each language (a case and its timeline are translated
together); the texts themselves are :mod:`petitions.cases.translations`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import and_, or_, select

from petitions.cases.models import ContentTranslation
from petitions.cases.translations import (
    FIELDS,
    Content,
    FieldTranslation,
    digest,
    original_language,
    subject_of,
)
from petitions.extensions import db


class TranslationState(enum.Enum):
    MISSING = "missing"
    PARTIAL = "partial"
    OUT_OF_DATE = "out_of_date"
    CURRENT = "current"


def state_of(fields: list[FieldTranslation]) -> TranslationState:
    """How complete one language's translation of a content is (empty originals need none)."""
    needed = [each for each in fields if each.original]
    done = [each for each in needed if each.translated]
    if not done:
        return TranslationState.MISSING
    if len(done) < len(needed):
        return TranslationState.PARTIAL
    if any(each.out_of_date for each in done):
        return TranslationState.OUT_OF_DATE
    return TranslationState.CURRENT


def status_of(contents: Iterable[Content]) -> dict[str, TranslationState]:
    """Per language other than the original, the worst state among the contents (a case and
    its timeline are translated together). One query for all of them."""
    listed = list(contents)
    subjects = [subject_of(content) for content in listed]
    saved: dict[tuple[str, int, str, str], str] = {
        (subject, subject_id, language, field): source
        for subject, subject_id, language, field, source in db.session.execute(
            select(
                ContentTranslation.subject,
                ContentTranslation.subject_id,
                ContentTranslation.language,
                ContentTranslation.field,
                ContentTranslation.source_digest,
            ).where(
                or_(
                    *(
                        and_(
                            ContentTranslation.subject == subject,
                            ContentTranslation.subject_id == subject_id,
                        )
                        for subject, subject_id in subjects
                    )
                )
            )
        )
    }
    order = list(TranslationState)
    found: dict[str, TranslationState] = {}
    for language in current_app.config["LANGUAGES"]:
        if language == original_language(listed[0]):
            continue
        states = []
        for content, (subject, subject_id) in zip(listed, subjects, strict=True):
            fields = []
            for field in FIELDS[subject]:
                original = str(getattr(content, field) or "")
                source = saved.get((subject, subject_id, language, field))
                fields.append(
                    FieldTranslation(
                        field,
                        original,
                        "x" if source else "",
                        source is not None and source != digest(original),
                    )
                )
            states.append(state_of(fields))
        found[language] = _worst(states, order)
    return found


def _worst(states: list[TranslationState], order: list[TranslationState]) -> TranslationState:
    if all(state is TranslationState.MISSING for state in states):
        return TranslationState.MISSING
    if all(state is TranslationState.CURRENT for state in states):
        return TranslationState.CURRENT
    if any(state in (TranslationState.MISSING, TranslationState.PARTIAL) for state in states):
        return TranslationState.PARTIAL
    return min(states, key=order.index)
