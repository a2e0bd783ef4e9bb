"""Anonymisation reaches what other areas keep about a signer: the consent to updates and the
updates mailed (updates), and what a paper sheet's row keeps (paper), in the same run."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.paper import services as paper
from petitions.paper.models import PaperRow
from petitions.retention import services
from petitions.signing.consent import UpdateConsent
from petitions.signing.models import Signature, SignatureOrigin, SignatureState
from tests.retention.world import World, build_world, dump, move_clock, signature
from tests.updates.conftest import consenting_signature


@pytest.fixture
def world(app: Flask) -> World:
    return build_world()


def test_anonymising_erases_the_consent_and_the_paper_row_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consenting = consenting_signature(
        world.delivered,
        full_name="Nasta Loika",
        city="Minsk",
        email="nasta@example.org",
        created_at=world.now - dt.timedelta(days=205),
    )
    paper.enter_sheet(
        world.delivered,
        paper.SheetDetails(number=3, place="Dam Square", collected_on=dt.date(2024, 9, 25)),
        [paper.PaperSigner("Ihar Losik", "Baranavichy", "BY", "ihar.losik@example.org")],
        by="hanna@example.org",
        organizer_id=None,
    )
    counted_before = _counted(world)

    move_clock(monkeypatch, world.run_at)
    services.run()

    assert (
        db.session.execute(
            select(func.count())
            .select_from(UpdateConsent)
            .where(UpdateConsent.signature_id == consenting.id)
        ).scalar_one()
        == 0
    )
    row = db.session.execute(select(PaperRow)).scalar_one()
    assert (row.name_key, row.city_key, row.email, row.email_normalized) == ("", "", None, None)
    on_paper = signature(row.signature_id)
    assert on_paper.origin is SignatureOrigin.PAPER
    assert on_paper.state is SignatureState.CONFIRMED
    assert (on_paper.full_name, on_paper.city) == ("", "")
    everything = repr(dump()).casefold()
    for trace in ("nasta", "loika", "ihar", "losik", "baranavichy"):
        assert trace not in everything
    assert _counted(world) == counted_before


def _counted(world: World) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Signature)
        .where(
            Signature.petition_id == world.delivered.id,
            Signature.state == SignatureState.CONFIRMED,
        )
    ).scalar_one()
