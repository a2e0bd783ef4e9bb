"""Consent to updates: a box of its own, unticked, counted once the signature is confirmed,
recorded with the words shown, and acknowledged by a receipt."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import select

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.signing.consent import UPDATES_WORDING_VERSION, UpdateConsent
from petitions.signing.models import Signature
from tests.conftest import VALID_SIGNER, SmtpServer, Supporter, csrf_token
from tests.factories import open_petition
from tests.helpers import one, parse, words
from tests.updates.conftest import strictly_parsed, text_of

WORDING_EN = (
    "The organizers may email me news of this petition (delivery, court dates, release). "
    "Nothing else."
)


def _consents() -> list[UpdateConsent]:
    db.session.rollback()
    return list(
        db.session.execute(
            select(UpdateConsent).execution_options(populate_existing=True)
        ).scalars()
    )


def _sign_and_confirm(supporter: Supporter, smtp: SmtpServer, slug: str, **fields: str) -> None:
    answer = supporter.sign(slug, **fields)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    supporter.deliver()
    confirmation = smtp.take_one()
    assert supporter.open_and_press(confirmation.link("confirm")).status_code == 200


def test_the_box_is_separate_optional_and_unticked(client: FlaskClient) -> None:
    petition = open_petition()
    page = parse(client.get(f"/p/{petition.slug}"))
    box = one(page, "input[name=updates_consent]")
    assert box["type"] == "checkbox"
    assert not box.has_attr("checked")
    assert not box.has_attr("required")
    label = one(page, f"label[for={box['id']}]")
    assert words(label) == WORDING_EN
    # Apart from the older "may contact me" box.
    assert one(page, "input[name=may_contact]")["id"] != box["id"]


def test_consent_counts_once_confirmed_with_its_words_version_language_and_time(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    before = utcnow()
    answer = supporter.sign(petition.slug, updates_consent="y")
    assert answer.status_code == 303
    [pending] = _consents()
    assert pending.given_at is None  # not before the confirmation (double opt-in)
    assert pending.wording == WORDING_EN
    assert pending.version == UPDATES_WORDING_VERSION
    assert pending.locale == "en"
    assert before - dt.timedelta(seconds=1) <= pending.ticked_at <= utcnow()

    supporter.deliver()
    assert supporter.open_and_press(smtp.take_one().link("confirm")).status_code == 200
    [given] = _consents()
    assert given.given_at is not None
    assert given.given_at >= given.ticked_at
    assert given.withdrawn_at is None

    # The receipt: what they agreed to, word for word, and where to change it.
    supporter.deliver()
    receipt = strictly_parsed(smtp.take_one())
    assert receipt["To"] == "christie@example.org"
    body = text_of(receipt)
    assert f"“{WORDING_EN}”" in body
    assert UPDATES_WORDING_VERSION in body
    assert "/updates/" in body


def test_the_words_are_kept_in_the_language_the_signer_was_shown(
    smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    page = client.get(f"/p/{petition.slug}", headers={"Accept-Language": "nl"})
    shown = words(one(parse(page), "label[for=updates_consent]"))
    # (Until the catalogs translate the new words, the Dutch page shows them in English.)
    assert one(parse(page), "html")["lang"] == "nl"
    answer = client.post(
        f"/p/{petition.slug}/sign",
        data={
            **VALID_SIGNER,
            "updates_consent": "y",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        headers={"Accept-Language": "nl"},
    )
    assert answer.status_code == 303, answer.status_code
    [pending] = _consents()
    assert pending.locale == "nl"
    assert pending.wording == shown
    drain_once()
    smtp.take_one()


def test_without_the_box_nothing_is_recorded_and_no_receipt_is_sent(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    _sign_and_confirm(supporter, smtp, petition.slug)
    assert _consents() == []
    supporter.deliver()
    smtp.take(0)


def test_signing_again_with_somebodys_address_adds_no_consent_to_their_signature(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    _sign_and_confirm(supporter, smtp, petition.slug)
    assert supporter.sign(petition.slug, updates_consent="y").status_code == 303
    assert _consents() == []
    supporter.deliver()
    smtp.take(0)  # no "already signed" note so soon after the confirmation
    assert db.session.execute(select(Signature.id)).all().__len__() == 1
