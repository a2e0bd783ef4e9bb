"""A service a month into its life, for the retention tests: which rows each run must touch.

Everything is made now; the tests move the retention run's clock forward (RUN_AT) and check
that exactly the rows named here changed, by comparing a dump of every table.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from petitions.bundles import services as bundles
from petitions.bundles.models import Bundle, Delivery
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.defence.models import AllowedClient, EvidenceKey
from petitions.extensions import db
from petitions.letters.models import Letter, LetterState
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.signing.models import Signature
from petitions.signing.services import withdraw
from tests.factories import (
    closed_petition,
    confirmed_signature,
    letter,
    open_letters,
    open_petition,
    pending_signature,
)

#: Days the clock is moved by: past UNCONFIRMED_RETENTION_DAYS (30) and LETTER_EMAIL_RETENTION_DAYS
#: (30) for what was made now, not for what was made two days later.
MOVED_BY = 31

#: Everybody's personal data, to look for after the run.
PEOPLE = [
    ("Алесь Бяляцкі", "Мінск", "BY", "ales@example.org", "Трымайцеся!"),
    ("Christie Miedema", "Den Haag", "NL", "christie@example.org", None),
    ("Jan de Vries", "Utrecht", "NL", "jan.de.vries@example.org", None),
]


@dataclass
class World:
    now: dt.datetime
    run_at: dt.datetime
    open: Petition
    delivered: Petition
    delivered_recently: Petition
    closed_undelivered: Petition
    pending_old: int
    pending_fresh: int
    with_evidence: int
    evidence_key: int
    unsent_mail: int
    sent_mail: int
    allowance_ended: int
    anonymised: list[int]
    withdrawn: int
    bundle: Bundle
    letter_pending_old: int
    letter_pending_fresh: int
    letter_rejected_old: int
    letter_rejected_fresh: int
    letter_approved: int


def _delivered(petition: Petition, when: dt.datetime) -> Bundle:
    """Print a real bundle of the petition and record its delivery at ``when``."""
    request = bundles.BundleRequest(
        petition=petition,
        recipient_name="Embassy of the Republic of Belarus, The Hague",
        recipient_address="",
        countries=(),
        language="en",
    )
    bundle = bundles.build_bundle(request, io.BytesIO(), organizer_id=None)
    bundles.record_delivery(petition, bundle, "The consul", when.date(), "", None)
    for delivery in db.session.execute(
        select(Delivery).where(Delivery.petition_id == petition.id)
    ).scalars():
        delivery.created_at = when
    db.session.commit()
    return bundle


def closed_on(when: dt.datetime, **overrides: object) -> Petition:
    petition = closed_petition(**overrides)
    petition.closes_at = when
    db.session.commit()
    return petition


def build_world() -> World:
    now = utcnow()
    days = dt.timedelta(days=1)
    running = open_petition(title="Free Maria Kalesnikava")
    pending_old = pending_signature(running, created_at=now)
    pending_fresh = pending_signature(running, created_at=now + 2 * days)
    key = EvidenceKey(day=now.date(), salt="ab" * 32, created_at=now)
    db.session.add(key)
    db.session.commit()
    with_evidence = confirmed_signature(
        running, client_key_id=key.id, client_hash="c" * 24, client_group_hash="d" * 24
    )
    confirmed_signature(running)  # signed before evidence was kept: nothing to erase
    allowances = [
        AllowedClient(
            petition_id=running.id,
            network="203.0.113.7/32",
            until=until,
            note="Stall at the station",
            by="hanna@example.org",
            created_at=now - 2 * days,
        )
        for until in (now - dt.timedelta(hours=1), now + 40 * days)
    ]
    db.session.add_all(allowances)
    db.session.commit()

    # Closed 200 days ago and delivered 160 days ago: due 23 days from now (ANONYMISE 183).
    delivered = closed_on(now - 200 * days, title="Free Ales Bialiatski")
    signers = []
    for minute, (name, city, country, email, comment) in enumerate(PEOPLE):
        signers.append(
            confirmed_signature(
                delivered,
                full_name=name,
                city=city,
                country=country,
                email=email,
                comment=comment,
                show_name_publicly=True,
                may_contact=True,
                return_url="https://amnesty.example/ales",
                confirmed_at=now - 210 * days + dt.timedelta(minutes=minute),
                created_at=now - 210 * days,
            ).id
        )
    gone = confirmed_signature(delivered, full_name="Withdrawn Person")
    withdraw(gone.id)
    bundle = _delivered(delivered, now - 160 * days)
    # A mail to an anonymised signer not sent yet (cancelled), and one sent to the unconfirmed
    # signer (kept, no longer naming the deleted signature).
    messages.queue("already_signed_for_signer", signers[0])
    messages.queue("confirmation_for_signer", pending_old.id)
    db.session.commit()
    unsent, sent = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    sent.status, sent.sent_at = OutboxStatus.SENT, now
    db.session.commit()

    # Delivered 140 days ago: due in 43 days, not yet.
    recently = closed_on(now - 150 * days)
    confirmed_signature(recently, full_name="Kept For Now", created_at=now - 160 * days)
    _delivered(recently, now - 140 * days)
    # Closed long ago, never delivered: nothing to anonymise until it is.
    undelivered = closed_on(now - 400 * days)
    confirmed_signature(undelivered, full_name="Never Delivered", created_at=now - 410 * days)

    case = running.case
    open_letters(case)
    letters = {
        "pending_old": letter(case, LetterState.PENDING, created_at=now),
        "pending_fresh": letter(case, LetterState.PENDING, created_at=now + 2 * days),
        "rejected_old": letter(
            case, LetterState.REJECTED, decided_at=now, decision_reason="Names the trial."
        ),
        "rejected_fresh": letter(
            case,
            LetterState.REJECTED,
            decided_at=now + 2 * days,
            decision_reason="Names the trial.",
        ),
        "approved": letter(case, LetterState.APPROVED, decided_at=now),
    }
    for each in letters.values():
        each.email_normalized = each.email
    db.session.commit()
    return World(
        now=now,
        run_at=now + MOVED_BY * days,
        open=running,
        delivered=delivered,
        delivered_recently=recently,
        closed_undelivered=undelivered,
        pending_old=pending_old.id,
        pending_fresh=pending_fresh.id,
        with_evidence=with_evidence.id,
        evidence_key=key.id,
        unsent_mail=unsent.id,
        sent_mail=sent.id,
        allowance_ended=allowances[0].id,
        anonymised=signers,
        withdrawn=gone.id,
        bundle=bundle,
        letter_pending_old=letters["pending_old"].id,
        letter_pending_fresh=letters["pending_fresh"].id,
        letter_rejected_old=letters["rejected_old"].id,
        letter_rejected_fresh=letters["rejected_fresh"].id,
        letter_approved=letters["approved"].id,
    )


def move_clock(monkeypatch: pytest.MonkeyPatch, to: dt.datetime) -> None:
    """Move the clock of the retention run (and of the evidence and dashboard it reads)."""
    for module in (
        "petitions.retention.services",
        "petitions.retention.schedule",
        "petitions.defence.evidence",
    ):
        monkeypatch.setattr(f"{module}.utcnow", lambda: to)


Dump = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def dump() -> Dump:
    """Every row of every table, by table and primary key, read afresh."""
    db.session.rollback()
    tables: Dump = {}
    for table in db.metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        rows = db.session.execute(select(table)).mappings().all()
        tables[table.name] = {tuple(row[key] for key in keys): dict(row) for row in rows}
    db.session.rollback()
    return tables


def changes(before: Dump, after: Dump) -> dict[tuple[str, tuple[Any, ...]], object]:
    """What changed between two dumps: "deleted", "added", or the set of changed columns."""
    found: dict[tuple[str, tuple[Any, ...]], object] = {}
    for table, rows in before.items():
        for key, row in rows.items():
            if key not in after[table]:
                found[(table, key)] = "deleted"
            elif after[table][key] != row:
                found[(table, key)] = {
                    column for column, value in row.items() if after[table][key][column] != value
                }
        for key in after[table].keys() - rows.keys():
            found[(table, key)] = "added"
    return found


def signature(signature_id: int) -> Signature:
    found = db.session.get(Signature, signature_id, populate_existing=True)
    assert found is not None
    return found


def letter_row(letter_id: int) -> Letter | None:
    return db.session.get(Letter, letter_id, populate_existing=True)
