"""What organizers wrote, in another language than its original (cases/translations.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db


class ContentTranslation(db.Model):  # type: ignore[name-defined,misc]
    """One field of a case, petition, timeline entry or detention period in another language
    than its original.

    ``source_digest`` is a digest of the original's text when the translation was saved: when
    the original changes, the translation is out of date and the organizer is told
    (cases/translations.py). Readers get it still, marked with its language, until it is redone.
    """

    __tablename__ = "content_translations"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "language", "field", name="uq_translation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "case", "petition", "timeline" or "detention"; above cases, "letters" (a case's letter
    #: rules), "ready" (a ready text) or "holiday" (a holiday's name).
    subject: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int]
    #: A code of LANGUAGES.
    language: Mapped[str] = mapped_column(String(10))
    #: The translated column: a petition's title, summary, body or addressee; a case's
    #: prisoner_name, detention_place, sentence, bio or portrait_alt; a timeline entry's title,
    #: text or photo_alt; a detention period's place or note; the letter rules, a ready text's
    #: text or a holiday's name.
    field: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 (hex, first 16) of the original field's text it was translated from.
    source_digest: Mapped[str] = mapped_column(String(16))
    #: Who saved it last.
    by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[dt.datetime]
