"""Evidence of where signatures came from: keyed hashes under a key of their own day, no address
stored, erased with the day's key after EVIDENCE_RETENTION_DAYS (issue #13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.config import ConfigError, from_environment
from petitions.defence import evidence
from petitions.defence.models import EvidenceKey
from petitions.extensions import db
from petitions.signing.evidence import erase_expired
from petitions.signing.models import Signature
from tests.conftest import Supporter
from tests.factories import open_petition

ADDRESSES = {
    "a@one.example": "203.0.113.7",
    "b@one.example": "203.0.113.9",
    "c@one.example": "198.51.100.1",
    "d@one.example": "2001:db8:1:2::1",
    "e@one.example": "2001:db8:1:2::ffff",
    "f@one.example": "2001:db8:1:3::1",
}


@pytest.fixture
def petition() -> Petition:
    return open_petition()


def sign_from(
    supporter: Supporter, client: FlaskClient, slug: str, email: str, address: str
) -> None:
    client.environ_base["REMOTE_ADDR"] = address
    assert supporter.sign(slug, email=email).status_code == 303


def evidence_of(petition: Petition) -> dict[str, tuple[int | None, str | None, str | None]]:
    db.session.rollback()
    rows = db.session.execute(
        db.select(
            Signature.email,
            Signature.client_key_id,
            Signature.client_hash,
            Signature.client_group_hash,
        ).where(Signature.petition_id == petition.id)
    ).all()
    return {str(email): (key, client, group) for email, key, client, group in rows}


def every_stored_value() -> str:
    """Every value of every row of the tables evidence touches, as one text."""
    with db.engine.connect() as connection:
        values = [
            str(value)
            for table in ("signatures", "evidence_keys")
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            for value in row
        ]
    return " ".join(values)


def test_one_connection_and_its_group_are_told_apart_by_hashes_alone(
    supporter: Supporter, client: FlaskClient, petition: Petition
) -> None:
    for email, address in ADDRESSES.items():
        sign_from(supporter, client, petition.slug, email, address)

    kept = evidence_of(petition)

    clients = {email: client_hash for email, (_, client_hash, _group) in kept.items()}
    groups = {email: group for email, (_, _client, group) in kept.items()}
    assert len({key for key, _, _ in kept.values()}) == 1, "one key for the day"
    assert len(set(clients.values())) == 5, "an IPv6 /64 is one client, the rest distinct"
    assert clients["d@one.example"] == clients["e@one.example"]
    assert groups["a@one.example"] == groups["b@one.example"] != groups["c@one.example"]
    assert groups["d@one.example"] == groups["f@one.example"], "one IPv6 /48"
    assert all(len(value or "") == evidence.HASH_LENGTH for value in clients.values())
    stored = every_stored_value()
    for address in ("203.0.113", "198.51.100", "2001:db8"):
        assert address not in stored, "no address is stored"


def test_each_day_hashes_under_a_key_of_its_own(
    supporter: Supporter,
    client: FlaskClient,
    petition: Petition,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_from(supporter, client, petition.slug, "a@one.example", "203.0.113.7")
    tomorrow = utcnow() + dt.timedelta(days=1)
    monkeypatch.setattr("petitions.defence.evidence.utcnow", lambda: tomorrow)
    sign_from(supporter, client, petition.slug, "b@one.example", "203.0.113.7")

    kept = evidence_of(petition)

    today_key, today_client, today_group = kept["a@one.example"]
    tomorrow_key, tomorrow_client, tomorrow_group = kept["b@one.example"]
    assert today_key != tomorrow_key
    assert today_client != tomorrow_client
    assert today_group != tomorrow_group
    assert db.session.execute(db.select(db.func.count()).select_from(EvidenceKey)).scalar() == 2


def test_evidence_is_erased_with_its_key_after_the_retention_days(
    supporter: Supporter,
    client: FlaskClient,
    runner: FlaskCliRunner,
    app: Flask,
    petition: Petition,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    days = app.config["EVIDENCE_RETENTION_DAYS"]
    assert days == 3
    sign_from(supporter, client, petition.slug, "old@one.example", "203.0.113.7")
    later = utcnow() + dt.timedelta(days=days)
    monkeypatch.setattr("petitions.defence.evidence.utcnow", lambda: later)
    sign_from(supporter, client, petition.slug, "new@one.example", "203.0.113.7")

    assert erase_expired(later) == 0, f"{days} days on, the first day's evidence is still kept"
    assert erase_expired(later + dt.timedelta(days=1)) == 1

    kept = evidence_of(petition)
    assert kept["old@one.example"] == (None, None, None)
    assert None not in kept["new@one.example"]
    days_kept = db.session.execute(db.select(EvidenceKey.day)).scalars().all()
    assert days_kept == [later.date()], "the first day's key is gone with its evidence"
    again = runner.invoke(args=["evidence", "erase"])
    assert again.exit_code == 0
    assert again.output.strip() == "erased the evidence of 0 signatures"


def test_withdrawal_erases_the_evidence_too(
    supporter: Supporter, client: FlaskClient, petition: Petition
) -> None:
    from petitions.signing import services

    sign_from(supporter, client, petition.slug, "a@one.example", "203.0.113.7")
    signature_id = db.session.execute(db.select(Signature.id)).scalar_one()

    services.withdraw(signature_id)

    db.session.rollback()
    row = db.session.execute(
        db.select(Signature.client_key_id, Signature.client_hash, Signature.client_group_hash)
    ).one()
    assert tuple(row) == (None, None, None)


@pytest.mark.parametrize(
    ("typed", "column", "parts"),
    [
        ("203.0.113.7", "client_hash", 1),
        ("203.0.113.0/28", "client_hash", 16),
        ("203.0.113.0/24", "client_group_hash", 1),
        ("203.0.0.0/16", "client_group_hash", 256),
        ("2001:db8:1:2::/64", "client_hash", 1),
        ("2001:db8:1:2::5/80", "client_hash", 1),
        ("2001:db8:1::/56", "client_hash", 256),
        ("2001:db8::/40", "client_group_hash", 256),
    ],
)
def test_a_range_is_hashed_as_the_networks_it_stands_for(
    supporter: Supporter,
    client: FlaskClient,
    petition: Petition,
    typed: str,
    column: str,
    parts: int,
) -> None:
    sign_from(supporter, client, petition.slug, "a@one.example", "203.0.113.7")

    hashes = evidence.range_hashes(typed)

    assert hashes.column == column
    assert hashes.count == parts


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("10.0.0.0/8", "too wide"),
        ("2001:db8::/32", "too wide"),
        ("not an address", "is not an IP address or range"),
        ("", "is not an IP address or range"),
    ],
)
def test_a_range_that_cannot_be_matched_is_refused(app: Flask, typed: str, why: str) -> None:
    with pytest.raises(evidence.RangeRefused, match=why):
        evidence.range_hashes(typed)


@pytest.mark.parametrize("days", ["-1", "31", "three"])
def test_the_retention_days_are_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, days: str
) -> None:
    monkeypatch.setenv("EVIDENCE_RETENTION_DAYS", days)
    with pytest.raises(ConfigError, match="EVIDENCE_RETENTION_DAYS"):
        from_environment(tmp_path)
