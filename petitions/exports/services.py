"""The rows organizers export: confirmed signatures, and separately the contactable signers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from petitions.extensions import db
from petitions.paper.models import PaperRow, PaperSheet
from petitions.signing.models import Signature
from petitions.signing.queries import CONFIRMATION_ORDER, SIGNER_COLUMNS, confirmed_signatures

#: Rows fetched from the database at a time: memory stays flat however long the export.
BATCH = 1000

#: "Origin": online, or paper (entered from a sheet, petitions/paper/); "Paper sheet": that
#: sheet's number, empty for online signatures.
#: "Printed by name": whether the delivered bundle names the signer ("no": it prints "a supporter
#: from <country>"). Organizers see every name; the column says which ones must not travel on.
SIGNATURE_HEADER = [
    "No.",
    "Name",
    "City",
    "Country",
    "Confirmed (UTC)",
    "Comment",
    "Source",
    "Printed by name",
    "Origin",
    "Paper sheet",
]
CONTACT_HEADER = ["Name", "Email", "Country", "Confirmed (UTC)"]


def _stream(query: Any) -> Iterator[tuple[Any, ...]]:
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield tuple(row)


def _as_text(records: Iterator[list[object]], column: int) -> Iterator[list[object]]:
    """The records with the confirmation time in ``column`` as ISO text, to the second."""
    for record in records:
        confirmed_at = record[column]
        assert isinstance(confirmed_at, dt.datetime)
        record[column] = confirmed_at.isoformat(timespec="seconds")
        yield record


@dataclass(frozen=True)
class SignatureFilter:
    """Which confirmed signatures an export holds (the organizer's filter form)."""

    countries: tuple[str, ...] = ()  # ISO codes of signer countries; none: all
    since: dt.date | None = None  # first day of confirmation (UTC)
    until: dt.date | None = None  # last day of confirmation (UTC), all of it


def signature_rows(petition_id: int, chosen: SignatureFilter) -> Iterator[list[object]]:
    """Yield numbered rows of confirmed signatures as text, oldest first (see signature_records)."""
    return _as_text(signature_records(petition_id, chosen), 4)


def signature_records(petition_id: int, chosen: SignatureFilter) -> Iterator[list[object]]:
    """Yield numbered, typed rows of confirmed signatures, oldest first; never an email or IP hash.

    Hidden comments are left out, as on public pages and in bundles. The confirmation time is a
    datetime (UTC, to the second), the number an int, everything else text.
    """
    which = confirmed_signatures(
        petition_id, chosen.countries, since=chosen.since, until=chosen.until
    )
    query = (
        select(*SIGNER_COLUMNS, Signature.source, Signature.origin, PaperSheet.number)
        .outerjoin(PaperRow, PaperRow.signature_id == Signature.id)
        .outerjoin(PaperSheet, PaperSheet.id == PaperRow.sheet_id)
        .where(which)
        .order_by(*CONFIRMATION_ORDER)
    )
    for number, (
        name,
        city,
        country,
        confirmed_at,
        comment,
        named,
        source,
        origin,
        sheet,
    ) in enumerate(_stream(query), start=1):
        assert isinstance(confirmed_at, dt.datetime)
        yield [
            number,
            name,
            city,
            country,
            confirmed_at.replace(microsecond=0),
            comment or "",
            source or "",
            "yes" if named else "no",
            origin.value,
            sheet if sheet is not None else "",
        ]


def contact_rows(petition_id: int) -> Iterator[list[object]]:
    """Yield name and email of confirmed signers who agreed to be contacted, as text."""
    return _as_text(contact_records(petition_id), 3)


def contact_records(petition_id: int) -> Iterator[list[object]]:
    """Yield name and email of confirmed signers who agreed to be contacted, and only them."""
    query = (
        select(Signature.full_name, Signature.email, Signature.country, Signature.confirmed_at)
        .where(confirmed_signatures(petition_id), Signature.may_contact.is_(True))
        .order_by(*CONFIRMATION_ORDER)
    )
    for name, email, country, confirmed_at in _stream(query):
        assert isinstance(confirmed_at, dt.datetime)
        yield [name, email, country, confirmed_at.replace(microsecond=0)]
