"""embeds.services.admit: one verdict per embedded form, the details to sign or one reason."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from petitions.cases.models import Petition, PetitionStatus
from petitions.embeds import services
from petitions.embeds.forms import EmbedSignForm
from petitions.embeds.models import Partner
from petitions.extensions import db
from petitions.signing.services import PetitionNotOpen
from tests.embeds.test_embed_form import (
    OWN_ORIGIN,
    PARTNER_ORIGIN,
    PARTNER_PAGE,
    backdated,
    nothing_written,
    signer,
)
from tests.factories import open_petition


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"EMBED_MIN_FILL_SECONDS": 2}


@pytest.fixture
def petition() -> Petition:
    petition = open_petition()
    services.add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    return petition


def verdict(
    app: Flask, petition: Petition, data: dict[str, str], origin: str | None = OWN_ORIGIN
) -> services.Admitted | services.Refused:
    partner = db.session.execute(db.select(Partner)).scalar_one()
    with app.test_request_context(method="POST", data=data):
        return services.admit(
            EmbedSignForm(),
            petition,
            partner,
            origin=origin,
            referer=None,
            host_url="http://localhost/",
            locale="nl",
        )


def test_a_good_form_is_admitted_with_the_partners_code_and_the_way_back(
    app: Flask, petition: Petition
) -> None:
    found = verdict(app, petition, {**signer(), "ticket": backdated(petition.id, "amnesty-nl", 5)})

    assert isinstance(found, services.Admitted)
    assert found.details.source == "amnesty-nl"
    assert found.details.return_url == PARTNER_PAGE
    assert found.details.locale == "nl"
    assert found.details.full_name == "Pieter Jansen"
    assert found.ticket.parent_origin == PARTNER_ORIGIN
    assert nothing_written(), "admitting signs nothing"


@pytest.mark.parametrize(
    ("data", "origin", "reason"),
    [
        (lambda p: {"ticket": "forged"}, OWN_ORIGIN, "UNREADABLE"),
        (lambda p: {"ticket": backdated(p.id, "amnesty-nl", 3 * 3600)}, OWN_ORIGIN, "EXPIRED"),
        (
            lambda p: {"ticket": backdated(p.id, "amnesty-nl", 5)},
            "https://evil.example",
            "ELSEWHERE",
        ),
        (
            lambda p: {"ticket": backdated(p.id, "amnesty-nl", 5), "website": "x"},
            OWN_ORIGIN,
            "HONEYPOT",
        ),
        (lambda p: {"ticket": backdated(p.id, "amnesty-nl", 0)}, OWN_ORIGIN, "TOO_FAST"),
        (
            lambda p: {"ticket": backdated(p.id, "amnesty-nl", 5), "email": "nope"},
            OWN_ORIGIN,
            "INVALID",
        ),
    ],
    ids=["unreadable", "expired", "elsewhere", "honeypot", "too-fast", "invalid"],
)
def test_a_bad_form_gets_one_reason_and_keeps_its_way_back(
    app: Flask, petition: Petition, data: Any, origin: str, reason: str
) -> None:
    found = verdict(app, petition, {**signer(), **data(petition)}, origin=origin)

    assert isinstance(found, services.Refused)
    assert found.reason is services.Refusal[reason]
    if found.reason is not services.Refusal.UNREADABLE:
        assert found.parent_origin == PARTNER_ORIGIN
        assert found.return_url == PARTNER_PAGE


def test_a_closed_petition_is_not_a_refusal_of_the_form(app: Flask, petition: Petition) -> None:
    petition.status = PetitionStatus.CLOSED
    db.session.commit()

    with pytest.raises(PetitionNotOpen):
        verdict(app, petition, {**signer(), "ticket": backdated(petition.id, "amnesty-nl", 5)})
