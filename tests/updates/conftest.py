"""Builders for the updates' tests: consenting signers and updates, as the services make them."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from flask import Flask

from petitions.accounts.models import Organizer
from petitions.cases.models import Case, Petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.consent import UPDATES_WORDING_VERSION, UpdateConsent
from petitions.signing.models import Signature
from petitions.updates import services
from petitions.updates.models import Update
from tests.factories import confirmed_signature
from tests.servers import ReceivedMail


@pytest.fixture(autouse=True)
def _in_app(app: Flask) -> None:
    """Every test here runs in the app's context (the ``app`` fixture opens it)."""


def consenting_signature(petition: Petition, **overrides: object) -> Signature:
    """A confirmed signature whose consent to updates was given by mail."""
    signature = confirmed_signature(petition, **overrides)
    now = utcnow()
    db.session.add(
        UpdateConsent(
            signature_id=signature.id,
            wording="The organizers may email me news of this petition.",
            version=UPDATES_WORDING_VERSION,
            locale=signature.locale,
            ticked_at=now,
            given_at=now,
        )
    )
    db.session.commit()
    return signature


def written_update(
    author: Organizer,
    texts: dict[str, tuple[str, str]],
    petition: Petition | None = None,
    case: Case | None = None,
) -> Update:
    """An update in the given languages (the first is the original), still a draft."""
    (locale, (subject, body)), *translations = texts.items()
    update = services.create(author, locale, subject, body, petition=petition, case=case)
    for other, (other_subject, other_body) in translations:
        services.set_text(update, other, other_subject, other_body)
    return update


def send_now(update: Update) -> None:
    services.schedule(update, utcnow() - dt.timedelta(seconds=1))


def strictly_parsed(mail: ReceivedMail) -> EmailMessage:
    """Parse the mail as it came over the wire with the strict, modern parser."""
    message = message_from_bytes(mail.message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert not message.defects
    return message


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")
