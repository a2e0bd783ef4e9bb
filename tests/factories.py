"""State-named builders of cases, petitions and signatures, written straight to the database."""

from __future__ import annotations

import datetime as dt
import itertools

from petitions.accounts.models import Organizer
from petitions.accounts.services import create_organizer, grant
from petitions.cases.models import Case, CaseStatus, DetentionPeriod, Petition, PetitionStatus
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import Channel, Letter, LetterSettings, LetterState, Occasion
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


def open_letters(case: Case, **overrides: object) -> LetterSettings:
    """Letter settings that take letters now: Belarusian and Russian, a birthday, a wall."""
    values: dict[str, object] = {
        "case_id": case.id,
        "is_open": True,
        "channel": Channel.POST,
        "languages": "be,ru",
        "max_length": 1500,
        "rules": "Write about everyday life.",
        "words_to_avoid": "",
        "birthday": dt.date(1962, 9, 25),
        "wall": True,
        "updated_at": utcnow(),
    }
    values.update(overrides)
    settings = LetterSettings(**values)
    db.session.add(settings)
    db.session.commit()
    return settings


def letter(case: Case, state: LetterState = LetterState.CONFIRMED, **overrides: object) -> Letter:
    """A letter in the given state, with the next number of its case."""
    now = utcnow()
    number = next(_sequence)
    values: dict[str, object] = {
        "case_id": case.id,
        "number": number,
        "state": state,
        "occasion": Occasion.ANY_DAY,
        "language": "be",
        "body": "Дарагі Алесь, мы з табой!",
        "writer_name": f"Writer {number}",
        "show_name": True,
        "city": "",
        "country": "NL",
        "email": None if state is LetterState.WITHDRAWN else f"writer{number}@example.org",
        "locale": "en",
        "created_at": now,
        "confirmed_at": None if state in (LetterState.PENDING, LetterState.WITHDRAWN) else now,
        "withdrawn_at": now if state is LetterState.WITHDRAWN else None,
    }
    if state is LetterState.REJECTED:
        values.update(decided_at=now, decided_by="someone", decision_reason="Politics.")
    if state is LetterState.APPROVED:
        values.update(decided_at=now, decided_by="someone")
    values.update(overrides)
    made = Letter(**values)
    db.session.add(made)
    db.session.commit()
    return made
