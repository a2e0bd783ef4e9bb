"""A petition's public numbers, as the JSON API, the badge and the counter widget show them.

Computed once per COUNT_CACHE_SECONDS and kept with an ETag, so a partner page with heavy traffic
costs a cache lookup (and usually a 304), not a query.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cachetools import TTLCache
from flask import Response, current_app, request

from petitions.cases import services as cases
from petitions.cases import translations
from petitions.cases.models import Petition, percent_of_goal
from petitions.counting import shapes
from petitions.counting.services import confirmed_by_country
from petitions.extensions import cache
from petitions.memo import Memo
from petitions.signing import moderation, signals
from petitions.signing.counts import paper_count_of, paper_counts_of
from petitions.signing.set_aside import set_aside_of

#: Latest signers listed in the JSON (names only where their owners agreed).
LATEST = 10


@dataclass(frozen=True)
class Progress:
    """What a counter shows of a petition: what templates/_macros.html::progress reads."""

    slug: str
    title: str
    goal: int
    signature_count: int
    #: The language the title is written in.
    language: str = "en"
    #: Of signature_count, the signatures collected on paper (the counter shows the split).
    paper_count: int = 0

    @property
    def progress_percent(self) -> int:
        """Return the share of the goal reached, capped at 100 (as Petition.progress_percent)."""
        return percent_of_goal(self.signature_count, self.goal, capped=True)


@dataclass(frozen=True)
class PublicCount:
    etag: str
    data: dict[str, Any]
    #: ``data`` as the JSON API sends it, encoded once per change of the numbers, not per answer.
    body: bytes
    #: The petition's id (not in the JSON), for what a partner's counter looks up beside it;
    #: None for the list of open petitions.
    petition_id: int | None = None
    #: The title's translations by language (not in the JSON, whose texts are the originals):
    #: kept here so the counter shows its reader's language without a query of its own.
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        data: dict[str, Any],
        petition_id: int | None = None,
        titles: dict[str, str] | None = None,
    ) -> PublicCount:
        body = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        return cls(
            etag=hashlib.sha256(body).hexdigest()[:32],
            data=data,
            body=body,
            petition_id=petition_id,
            titles=dict(titles or {}),
        )

    def progress_in(self, language: str) -> Progress:
        """Return the petition's count and goal as the embed counter shows them, with its title
        in ``language`` where it is translated and in its original language otherwise."""
        data = self.data
        translated = self.titles.get(language)
        return Progress(
            data["slug"],
            translated or data["title"],
            data["goal"],
            data["signature_count"],
            language if translated else data.get("language", "en"),
            int(data.get("paper_count", 0)),
        )

    def json_response(self) -> Response:
        return Response(self.body, mimetype="application/json")


def _key(slug: str) -> str:
    # "v8": entries cached by an older release carry no online and paper counts; "v7": no case
    # status; "v6": no titles; "v5": no set_aside; "v4": no petition id; "v3": they list
    # unnamed signers and small countries.
    return f"petition-public:v8:{slug}"


#: "v4": entries cached by an older release carry no online and paper counts.
_OPEN_PETITIONS = "open-petitions:v4"


def _details(petition: Petition) -> dict[str, Any]:
    # A country appears only from PUBLIC_COUNTRY_MIN signers on: "BY: 1" next to a latest
    # signer's date would point at one person.
    return shapes.petition_details(
        petition,
        moderation.latest_public_signers(petition.id, LATEST),
        dict(confirmed_by_country(petition.id, current_app.config["PUBLIC_COUNTRY_MIN"])),
        set_aside_of(petition.id).as_json(),
        paper_count_of(petition.id),
    )


#: A second in-process layer in front of the shared cache: under heavy counter traffic most
#: answers then cost neither a query nor a Redis round trip. Entries live at most this long.
_LOCAL_SECONDS = 1.0
#: Petitions (and the list) kept in that layer; more than any instance serves within a second.
_LOCAL_SIZE = 4096

_local: Memo[str, PublicCount] = Memo(
    "petitions.public_counts", lambda config: TTLCache(maxsize=_LOCAL_SIZE, ttl=_LOCAL_SECONDS)
)


def _remembered(key: str) -> PublicCount | None:
    found = _local.get(key)
    if found is not None:
        return found
    cached = cache.get(key)
    if isinstance(cached, PublicCount):
        _local.set(key, cached)
        return cached
    return None


def _remember(key: str, found: PublicCount) -> None:
    cache.set(key, found, timeout=current_app.config["COUNT_CACHE_SECONDS"])
    _local.set(key, found)


def petition_count(slug: str) -> PublicCount | None:
    """Return a public petition's numbers (cached), or None if there is no such public petition."""
    cached = _remembered(_key(slug))
    if cached is not None:
        return cached
    petition = cases.public_petition(slug)
    if petition is None:
        return None
    titles = translations.every_translation(petition, "title")
    found = PublicCount.of(_details(petition), petition.id, titles)
    _remember(_key(slug), found)
    return found


def open_petitions() -> PublicCount:
    """Return the open petitions' summaries (cached)."""
    cached = _remembered(_OPEN_PETITIONS)
    if cached is not None:
        return cached
    found_petitions = cases.open_petitions()
    paper = paper_counts_of([p.id for p in found_petitions])
    data = {"petitions": [shapes.petition_summary(p, paper.get(p.id, 0)) for p in found_petitions]}
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
    _local.forget(_key(slug), _OPEN_PETITIONS)
    # One key at a time: cachelib's Redis delete_many raises when a key is already gone, which
    # is what happens when two confirmations drop the same numbers at once.
    for key in (_key(slug), _OPEN_PETITIONS):
        cache.delete(key)


@signals.count_changed.connect
def _forget_changed(sender: object, slug: str, **extra: object) -> None:
    # Signing sits below counting and cannot call forget(); it signals each committed change.
    forget(slug)
