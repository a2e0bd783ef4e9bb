"""The rows organizers export: confirmed signatures, and separately the contactable signers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select

from petitions.extensions import db
from petitions.signing import moderation
from petitions.signing.models import Signature, SignatureState

#: Rows fetched from the database at a time: memory stays flat however long the export.
BATCH = 1000

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
]
CONTACT_HEADER = ["Name", "Email", "Country", "Confirmed (UTC)"]


def _confirmed(
    petition_id: int,
    countries: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[object]:
    conditions: list[object] = [
        Signature.petition_id == petition_id,
        Signature.state == SignatureState.CONFIRMED,
    ]
    if countries:
        conditions.append(Signature.country.in_(countries))
    if since is not None:
        conditions.append(Signature.confirmed_at >= dt.datetime.combine(since, dt.time.min))
    if until is not None:
        conditions.append(
            Signature.confirmed_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        )
    return conditions


def _stream(query: Any) -> Iterator[tuple[Any, ...]]:
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield tuple(row)


def signature_rows(
    petition_id: int,
    countries: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Iterator[list[object]]:
    """Yield numbered rows of confirmed signatures as text, oldest first (see signature_records)."""
    for record in signature_records(petition_id, countries, since, until):
        confirmed_at = record[4]
        assert isinstance(confirmed_at, dt.datetime)
        record[4] = confirmed_at.isoformat(timespec="seconds")
        yield record


def signature_records(
    petition_id: int,
    countries: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Iterator[list[object]]:
    """Yield numbered, typed rows of confirmed signatures, oldest first; never an email or IP hash.

    Hidden comments are left out, as on public pages and in bundles. The confirmation time is a
    datetime (UTC, to the second), the number an int, everything else text.
    """
    query = (
        select(
            Signature.full_name,
            Signature.city,
            Signature.country,
            Signature.confirmed_at,
            moderation.shown_comment(),
            Signature.source,
            Signature.name_in_bundle,
        )
        .where(*_confirmed(petition_id, countries, since, until))  # type: ignore[arg-type]
        .order_by(Signature.confirmed_at, Signature.id)
    )
    for number, (name, city, country, confirmed_at, comment, source, named) in enumerate(
        _stream(query), start=1
    ):
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
        ]


def contact_rows(petition_id: int) -> Iterator[list[object]]:
    """Yield name and email of confirmed signers who agreed to be contacted, as text."""
    for record in contact_records(petition_id):
        confirmed_at = record[3]
        assert isinstance(confirmed_at, dt.datetime)
        record[3] = confirmed_at.isoformat(timespec="seconds")
        yield record


def contact_records(petition_id: int) -> Iterator[list[object]]:
    """Yield name and email of confirmed signers who agreed to be contacted, and only them."""
    query = (
        select(Signature.full_name, Signature.email, Signature.country, Signature.confirmed_at)
        .where(*_confirmed(petition_id), Signature.may_contact.is_(True))  # type: ignore[arg-type]
        .order_by(Signature.confirmed_at, Signature.id)
    )
    for name, email, country, confirmed_at in _stream(query):
        assert isinstance(confirmed_at, dt.datetime)
        yield [name, email, country, confirmed_at.replace(microsecond=0)]
