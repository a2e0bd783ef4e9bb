"""State-named builders of cases, petitions and signatures, written straight to the database."""

from __future__ import annotations

import datetime as dt
import itertools

from petitions.accounts.models import Organizer
from petitions.accounts.services import create_organizer, grant
from petitions.cases.models import Case, CaseStatus, DetentionPeriod, Petition, PetitionStatus
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.counts import count_change
from petitions.signing.models import Signature, SignatureState
from petitions.signing.services import normalize_email

_sequence = itertools.count(1)


def detained_case(**overrides: object) -> Case:
    number = next(_sequence)
    values: dict[str, object] = {
        "slug": f"case-{number}",
        "prisoner_name": "Ales Bialiatski",
        "detention_country": "BY",
        "detention_place": "Penal colony No. 2, Babruisk",
        "arrested_on": dt.date(2011, 8, 4),
        "sentence": "4 years and 6 months",
        "bio": "Human rights defender.",
    }
    values.update(overrides)
    case = Case(**values)
    if "detentions" not in overrides:
        # As a case created on the form (or migrated) has: one period from its arrest, open
        # while it is detained.
        held = values.get("status", CaseStatus.DETAINED) is CaseStatus.DETAINED
        arrested = values["arrested_on"]
        assert isinstance(arrested, dt.date)
        case.detentions = [
            DetentionPeriod(
                started_on=arrested,
                ended_on=None if held else arrested + dt.timedelta(days=1000),
                place=str(values["detention_place"]),
                note="",
            )
        ]
    db.session.add(case)
    db.session.commit()
    return case


def _petition(status: PetitionStatus, **overrides: object) -> Petition:
    number = next(_sequence)
    values: dict[str, object] = {
        "slug": f"petition-{number}",
        "title": "Free Ales Bialiatski",
        "summary": "Release him now.",
        "body": "We ask for **his release**.",
        "addressee": "Embassy of the Republic of Belarus, The Hague",
        "goal": 1000,
        "status": status,
        "opened_at": utcnow() if status is not PetitionStatus.DRAFT else None,
    }
    values.update(overrides)
    if "case" not in values:
        values["case"] = detained_case()
    petition = Petition(**values)
    db.session.add(petition)
    db.session.commit()
    return petition


def open_petition(**overrides: object) -> Petition:
    return _petition(PetitionStatus.OPEN, **overrides)


def closed_petition(**overrides: object) -> Petition:
    return _petition(PetitionStatus.CLOSED, closes_at=utcnow(), **overrides)


def draft_petition(**overrides: object) -> Petition:
    return _petition(PetitionStatus.DRAFT, **overrides)


def _signature(petition: Petition, state: SignatureState, **overrides: object) -> Signature:
    number = next(_sequence)
    email = str(overrides.pop("email", f"signer{number}@example.org"))
    values: dict[str, object] = {
        "petition": petition,
        "full_name": f"Signer {number}",
        "email": email,
        "email_normalized": normalize_email(email),
        "country": "NL",
        "city": "Amsterdam",
        "state": state,
        "created_at": utcnow(),
        "mails_sent": 1,
        "last_mail_at": utcnow(),
    }
    values.update(overrides)
    signature = Signature(**values)
    db.session.add(signature)
    db.session.commit()
    return signature


def demo_campaign(counted_before: int = 0) -> Petition:
    """The demo case and its open petition, translated into be, ru, nl and fr, as
    `flask demo-data` loads them (petitions/cases/demo.py).

    :param counted_before: signatures counted before the count shards (``count_base``), as a
        long campaign has them: a count in the thousands without building a thousand rows.
    """
    from petitions.cases.demo import DEMO_PETITION_SLUG, load_demo_data

    assert load_demo_data(), "demo_campaign() needs a database without cases"
    petition: Petition = db.session.execute(
        db.select(Petition).filter_by(slug=DEMO_PETITION_SLUG)
    ).scalar_one()
    petition.count_base = counted_before
    db.session.commit()
    return petition


def pending_signature(petition: Petition, **overrides: object) -> Signature:
    return _signature(petition, SignatureState.PENDING, **overrides)


def confirmed_signature(petition: Petition, **overrides: object) -> Signature:
    """A confirmed signature, counted as confirm() would count it."""
    overrides.setdefault("confirmed_at", utcnow())
    signature = _signature(petition, SignatureState.CONFIRMED, **overrides)
    count_change(petition.id, signature.id, +1)
    db.session.commit()
    return signature


def quarantined_signature(petition: Petition, reason: str, **overrides: object) -> Signature:
    """A signature confirmed by mail past a quarantine limit: held for review, not counted."""
    overrides.setdefault("confirmed_at", utcnow())
    return _signature(petition, SignatureState.QUARANTINED, set_aside_reason=reason, **overrides)


ORGANIZER_PASSWORD = "correct horse battery staple"


def organizer(
    email: str | None = None, *, admin: bool = False, cases: tuple[Case, ...] = ()
) -> Organizer:
    """An organizer account (password ORGANIZER_PASSWORD) running the given cases."""
    account = create_organizer(
        email or f"organizer{next(_sequence)}@example.org", ORGANIZER_PASSWORD, admin=admin
    )
    for case in cases:
        grant(account, case.id)
    db.session.commit()
    return account
