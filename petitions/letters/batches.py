"""Letter batches: a case's approved letters not yet printed, printed as one PDF.

Printing marks the letters printed in the same transaction that records the batch, so a letter
is printed once: a second batch holds only letters approved since. The fingerprint, printed on
every page and checked on the public verify page, is a SHA-256 over the case and the letters'
numbers, languages and texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import BinaryIO

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from petitions.bundles.services import configured_fonts
from petitions.cases import translations
from petitions.cases.models import Case
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.i18n import country_name, language_name
from petitions.letters.models import (
    Channel,
    Letter,
    LetterBatch,
    LetterSettings,
    LetterState,
    Occasion,
    PaperSize,
)
from petitions.letters.printing import BatchSheet, PrintedLetter, render_batch
from petitions.letters.settings import settings_of
from petitions.links import absolute_url
from petitions.organization import organization_name


def batch_language(settings: LetterSettings) -> str:
    """The language a batch's own words (headings, labels, the manifest) are printed in.

    The first language the case accepts letters in: the one the prison's censor and the post
    read (Belarusian or Russian for a prison in Belarus), as a bundle is printed in its
    addressee's; the letters keep their own. English when none of ours is accepted.
    """
    offered = current_app.config["LANGUAGES"]
    return next((code for code in settings.language_codes if code in offered), "en")


class NothingToPrint(Exception):
    """The case has no approved letter that was not printed yet."""


class BatchChanged(Exception):
    """Letters changed while the batch was printed (nothing was recorded); print it again."""


def approved_not_printed(case_id: int) -> Sequence[Letter]:
    """The case's approved letters not printed yet, in number order: the next batch."""
    return (
        db.session.execute(
            select(Letter)
            .where(Letter.case_id == case_id, Letter.state == LetterState.APPROVED)
            .order_by(Letter.number)
        )
        .scalars()
        .all()
    )


def fingerprint(case_id: int, letters: Sequence[Letter]) -> str:
    """SHA-256 over the case and its letters (number, language, text), in number order."""
    digest = hashlib.sha256(f"case {case_id}\n".encode())
    for letter in letters:
        digest.update(f"{letter.number}\t{letter.language}\t".encode())
        digest.update(letter.body.encode() + b"\n\x00")
    return digest.hexdigest()


def _occasion(letter: Letter) -> str:
    if letter.occasion is Occasion.BIRTHDAY:
        return str(gettext("Birthday"))
    if letter.occasion is Occasion.HOLIDAY:
        # In the language the batch is printed in, as "Birthday" is: organizers translate it.
        if letter.holiday:
            return str(translations.text(letter.holiday, "name"))
        return str(gettext("Holidays"))
    return str(gettext("Any day"))


def channel_label(channel: Channel) -> str:
    """How the batch goes to the prisoner, as the address sheet says it."""
    labels: dict[Channel, str] = {
        Channel.POST: gettext("By post to the place of detention"),
        Channel.FAMILY: gettext("Through the family"),
        Channel.LAWYER: gettext("Through the lawyer"),
        Channel.HELD: gettext("Kept until release"),
    }
    return labels[channel]


def address_lines(case: Case, settings: LetterSettings) -> tuple[str, ...]:
    """The envelope's lines: the addressee, then the address or contact from the settings.

    By post the addressee is the prisoner's full name with patronymic and year of birth, as the
    post asks; through the family or the lawyer it is the contact written in the settings.
    """
    name = settings.addressee_name.strip() or case.prisoner_name
    if settings.channel is Channel.POST and settings.birth_year:
        name = gettext("%(name)s, born %(year)s", name=name, year=settings.birth_year)
    address = [line.strip() for line in settings.postal_address.splitlines() if line.strip()]
    return (name, *address)


def _printed(letter: Letter) -> PrintedLetter:
    return PrintedLetter(
        number=letter.number,
        language=language_name(letter.language),
        occasion=_occasion(letter),
        body=letter.body,
        signature=letter.writer_name,
        place=", ".join(part for part in (letter.city, country_name(letter.country)) if part)
        if letter.country or letter.city
        else "",
    )


def print_batch(case: Case, size: PaperSize, out: BinaryIO, by: str) -> LetterBatch:
    """Print the case's approved letters not printed yet into ``out``; record the batch.

    :raises NothingToPrint: when there is none (nothing is written or recorded).
    :raises BatchChanged: when letters were printed or withdrawn meanwhile (nothing recorded).
    :raises FontsMissing: if no font for the PDF is available.
    """
    settings = settings_of(case)
    letters = approved_not_printed(case.id)
    if settings is None or not letters:
        raise NothingToPrint()
    batch_fingerprint = fingerprint(case.id, letters)
    now = utcnow()
    with force_locale(batch_language(settings)):
        sheet = BatchSheet(
            prisoner_name=case.prisoner_name,
            fingerprint=batch_fingerprint,
            verify_url=absolute_url("letters.verify_batch", fingerprint=batch_fingerprint),
            size=size.value,
            created_at=now,
            channel=channel_label(settings.channel),
            address_lines=address_lines(case, settings),
            letters=tuple(_printed(letter) for letter in letters),
            author=organization_name(),
        )
        render_batch(out, sheet, configured_fonts())
    batch = LetterBatch(
        case_id=case.id,
        fingerprint=batch_fingerprint,
        size=size,
        letter_count=len(letters),
        channel=settings.channel,
        created_at=now,
        created_by=by,
    )
    db.session.add(batch)
    db.session.flush()
    marked = db.session.execute(
        update(Letter)
        .where(Letter.id.in_([letter.id for letter in letters]))
        .where(Letter.state == LetterState.APPROVED)
        .values(state=LetterState.PRINTED, batch_id=batch.id)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != len(letters):  # type: ignore[attr-defined]
        # Another batch took some of them, or one was withdrawn meanwhile: print again.
        db.session.rollback()
        raise BatchChanged()
    db.session.commit()
    return batch


def batches_of(case_id: int) -> Sequence[LetterBatch]:
    """The case's batches, newest first."""
    return (
        db.session.execute(
            select(LetterBatch)
            .where(LetterBatch.case_id == case_id)
            .order_by(LetterBatch.id.desc())
        )
        .scalars()
        .all()
    )


def batch_by_fingerprint(fingerprint_hex: str) -> LetterBatch | None:
    return db.session.execute(
        select(LetterBatch).where(LetterBatch.fingerprint == fingerprint_hex)
    ).scalar_one_or_none()


def letters_of(batch: LetterBatch) -> Sequence[Letter]:
    """The letters printed in the batch, in number order (a withdrawn one stays out)."""
    return (
        db.session.execute(
            select(Letter)
            .where(Letter.batch_id == batch.id, Letter.state != LetterState.WITHDRAWN)
            .order_by(Letter.number)
        )
        .scalars()
        .all()
    )
