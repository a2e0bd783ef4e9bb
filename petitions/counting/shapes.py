"""JSON shapes of a petition's public numbers, as the API sends them (documented in api/openapi.py).

They live with the public count (counting/public.py), which encodes them once per change of the
numbers; the API only serves what the count holds, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from petitions.cases.models import Case, Petition
from petitions.signing.models import Signature


def petition_summary(petition: Petition, paper_count: int = 0) -> dict[str, Any]:
    """Return the public JSON form of a petition (PetitionSummary).

    :param paper_count: how many of its counted signatures are from paper sheets.
    """
    return {
        "slug": petition.slug,
        "title": petition.title,
        "summary": petition.summary,
        "language": petition.language,
        "status": petition.status.value,
        "addressee": petition.addressee,
        "goal": petition.goal,
        "signature_count": petition.signature_count,
        "online_count": petition.signature_count - paper_count,
        "paper_count": paper_count,
        # What the progress bars show, so a page's script updating one reckons it as the page did.
        "progress_percent": petition.progress_percent,
        "case": case_summary(petition.case),
    }


def case_summary(case: Case) -> dict[str, Any]:
    """Return the public JSON form of a petition's case (Case): who, and where they stand."""
    held = case.open_detention
    return {
        "slug": case.slug,
        "prisoner_name": case.prisoner_name,
        "status": case.status.value,
        "detained_since": held.started_on.isoformat() if held else None,
    }


def public_signer(signature: Signature) -> dict[str, Any]:
    """Return a confirmed signer who agreed to be named, as the public may see them (Signer)."""
    return {
        "name": signature.public_name,
        "city": signature.city,
        "country": signature.country,
        "confirmed_on": signature.confirmed_at.date().isoformat()
        if signature.confirmed_at
        else None,
    }


def petition_details(
    petition: Petition,
    latest: Iterable[Signature],
    by_country: Mapping[str, int],
    set_aside: Mapping[str, object],
    paper_count: int = 0,
) -> dict[str, Any]:
    """Return a petition with its latest named signers, countries' counts, the signatures set
    aside, and its count split into online and paper signatures (PetitionDetails)."""
    return {
        **petition_summary(petition, paper_count),
        "latest_signers": [public_signer(signature) for signature in latest],
        "counts_by_country": dict(by_country),
        "set_aside": dict(set_aside),
    }
