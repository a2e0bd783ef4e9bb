"""A petition's public numbers, as the JSON API, the badge and the counter widget show them.

Computed once per COUNT_CACHE_SECONDS and kept with an ETag, so a partner page with heavy traffic
costs a cache lookup (and usually a 304), not a query.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import func, select

from petitions.api import schemas
from petitions.cases import services as cases
from petitions.cases.models import Petition
from petitions.extensions import cache, db
from petitions.signing import signals
from petitions.signing.models import Signature, SignatureState

#: Latest signers listed in the JSON (names only where their owners agreed).
LATEST = 10


@dataclass(frozen=True)
class PublicCount:
    etag: str
    data: dict[str, Any]
    #: ``data`` as the JSON API sends it, encoded once per change of the numbers, not per answer.
    body: bytes

    @classmethod
    def of(cls, data: dict[str, Any]) -> PublicCount:
        body = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        return cls(etag=hashlib.sha256(body).hexdigest()[:32], data=data, body=body)

    def json_response(self) -> Response:
        return Response(self.body, mimetype="application/json")


def _key(slug: str) -> str:
    # "v3": entries cached by an older release list unnamed signers and small countries.
    return f"petition-public:v3:{slug}"


_OPEN_PETITIONS = "open-petitions:v3"


def _details(petition: Petition) -> dict[str, Any]:
    # A country appears only from PUBLIC_COUNTRY_MIN signers on: "BY: 1" next to a latest
    # signer's date would point at one person.
    by_country = db.session.execute(
        select(Signature.country, func.count())
        .where(Signature.petition_id == petition.id, Signature.state == SignatureState.CONFIRMED)
        .group_by(Signature.country)
        .having(func.count() >= current_app.config["PUBLIC_COUNTRY_MIN"])
        .order_by(Signature.country)
    ).all()
    return schemas.petition_details(
        petition,
        cases.latest_public_signers(petition, LATEST),
        {str(country): int(count) for country, count in by_country},
    )


#: A second in-process layer in front of the shared cache: under heavy counter traffic most
#: answers then cost neither a query nor a Redis round trip. Entries live at most this long.
_LOCAL_SECONDS = 1.0


def _local() -> dict[str, tuple[float, PublicCount]]:
    memo: dict[str, tuple[float, PublicCount]] = current_app.extensions.setdefault(
        "petitions.public_counts", {}
    )
    return memo


def _remembered(key: str) -> PublicCount | None:
    entry = _local().get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    cached = cache.get(key)
    if isinstance(cached, PublicCount):
        _local()[key] = (time.monotonic() + _LOCAL_SECONDS, cached)
        return cached
    return None


def _remember(key: str, found: PublicCount) -> None:
    cache.set(key, found, timeout=current_app.config["COUNT_CACHE_SECONDS"])
    _local()[key] = (time.monotonic() + _LOCAL_SECONDS, found)


def petition_count(slug: str) -> PublicCount | None:
    """Return a public petition's numbers (cached), or None if there is no such public petition."""
    cached = _remembered(_key(slug))
    if cached is not None:
        return cached
    petition = cases.public_petition(slug)
    if petition is None:
        return None
    found = PublicCount.of(_details(petition))
    _remember(_key(slug), found)
    return found


def open_petitions() -> PublicCount:
    """Return the open petitions' summaries (cached)."""
    cached = _remembered(_OPEN_PETITIONS)
    if cached is not None:
        return cached
    data = {"petitions": [schemas.petition_summary(p) for p in cases.open_petitions()]}
    found = PublicCount.of(data)
    _remember(_OPEN_PETITIONS, found)
    return found


def conditional_response(
    found: PublicCount,
    render: Callable[[], Response],
    variant: str = "",
    vary: tuple[str, ...] = (),
) -> Response:
    """Answer 304 when the client holds the current version, else render; cacheable either way.

    :param variant: what else the body depends on (the language of a badge); it is part of
        the ETag, so a copy in one language never revalidates a request for another.
    :param vary: the request headers that choose the variant, for shared caches.
    """
    etag = f"{found.etag}-{variant}" if variant else found.etag
    current = request.if_none_match.contains(etag)
    response = Response(status=304) if current else render()
    response.set_etag(etag)
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['COUNT_CACHE_SECONDS']}"
    )
    for header in vary:
        response.vary.add(header)
    return response


def forget(slug: str) -> None:
    """Drop a petition's cached numbers (in Redis for all instances; SimpleCache: this process).

    Other processes may answer from their one-second memo a moment longer.

    A reader that computed the numbers just before the commit may still store the old ones
    after this; they expire within COUNT_CACHE_SECONDS, the staleness the API documents.
    """
    _local().pop(_key(slug), None)
    _local().pop(_OPEN_PETITIONS, None)
    cache.delete_many(_key(slug), _OPEN_PETITIONS)


@signals.count_changed.connect
def _forget_changed(sender: object, slug: str, **extra: object) -> None:
    # Signing sits below counting and cannot call forget(); it signals each committed change.
    forget(slug)
