"""Which signatures are a petition's confirmed ones: the one condition bundles and exports share.

A printed bundle and an organizer's export must agree on what counts (state, country, period)
and on the order rows are numbered in, so both build their queries from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_

from petitions.signing import moderation
from petitions.signing.models import Signature, SignatureState

#: The order signatures are numbered in: as they were confirmed, ties by id.
CONFIRMATION_ORDER = (Signature.confirmed_at, Signature.id)

#: What a bundle or an export shows of a signer, never the email address or the IP hash: the
#: name, city, country, confirmation time, comment (none once the organizers hid it), and
#: whether the signer may be named in a bundle.
SIGNER_COLUMNS = (
    Signature.full_name,
    Signature.city,
    Signature.country,
    Signature.confirmed_at,
    moderation.shown_comment(),
    Signature.name_in_bundle,
)


def confirmed_signatures(
    petition_id: int,
    countries: Sequence[str] = (),
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    confirmed_by: dt.datetime | None = None,
) -> ColumnElement[bool]:
    """Return the condition for a petition's confirmed signatures, optionally narrowed.

    :param countries: ISO codes of the signer countries to keep; empty for all.
    :param since: the first day (UTC) of confirmation to keep.
    :param until: the last day (UTC) of confirmation to keep, all of it.
    :param confirmed_by: keep only signatures confirmed at or before this moment (naive UTC),
        so a bundle being printed does not change under the printer.
    """
    conditions: list[ColumnElement[bool]] = [
        Signature.petition_id == petition_id,
        Signature.state == SignatureState.CONFIRMED,
    ]
    if countries:
        conditions.append(Signature.country.in_(countries))
    if since is not None:
        conditions.append(Signature.confirmed_at >= dt.datetime.combine(since, dt.time.min))
    if until is not None:
        day_after = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        conditions.append(Signature.confirmed_at < day_after)
    if confirmed_by is not None:
        conditions.append(Signature.confirmed_at <= confirmed_by)
    return and_(*conditions)
