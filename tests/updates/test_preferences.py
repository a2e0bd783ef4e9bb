"""A signer's side: the preferences page, the unsubscribe page, and erasure with the signature."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from petitions import tokens
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.signing import services as signing
from petitions.signing.consent import UpdateConsent
from petitions.updates import services
from petitions.updates.models import UpdateRecipient
from tests.conftest import SmtpServer, csrf_token
from tests.factories import confirmed_signature, open_petition, organizer
from tests.helpers import main_text, one, parse
from tests.updates.conftest import consenting_signature, send_now, written_update


def _consent(signature_id: int) -> UpdateConsent | None:
    db.session.rollback()
    return db.session.execute(
        select(UpdateConsent)
        .where(UpdateConsent.signature_id == signature_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def test_the_preferences_page_stops_and_restarts_updates(client: FlaskClient) -> None:
    petition = open_petition(title="Free Nasrin Sotoudeh")
    signature = consenting_signature(petition)
    path = f"/updates/{tokens.updates_token(signature.id)}"
    page = client.get(path)
    assert page.status_code == 200
    assert "You get these emails" in main_text(page)
    assert "Free Nasrin Sotoudeh" in main_text(page)
    assert str(signature.email) not in page.get_data(as_text=True)

    answer = client.post(path, data={"choice": "stop", "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 200
    assert "you will get no more of these emails" in main_text(answer)
    assert "You do not get these emails" in main_text(answer)
    stopped = _consent(signature.id)
    assert stopped is not None
    assert stopped.withdrawn_at is not None
    assert stopped.withdrawn_by == "preferences"

    page = client.get(path)
    answer = client.post(path, data={"choice": "start", "csrf_token": csrf_token(page.text)})
    assert "You get these emails" in main_text(answer)
    again = _consent(signature.id)
    assert again is not None
    assert again.withdrawn_at is None
    assert again.given_at is not None


def test_a_signer_who_never_ticked_the_box_can_give_consent_there(client: FlaskClient) -> None:
    signature = confirmed_signature(open_petition())
    path = f"/updates/{tokens.updates_token(signature.id)}"
    page = client.get(path)
    assert "You do not get these emails" in main_text(page)
    client.post(path, data={"choice": "start", "csrf_token": csrf_token(page.text)})
    given = _consent(signature.id)
    assert given is not None
    assert given.given_at is not None
    assert "news of this petition" in given.wording


def test_the_preferences_page_refuses_a_post_without_its_csrf_token(client: FlaskClient) -> None:
    signature = consenting_signature(open_petition())
    answer = client.post(f"/updates/{tokens.updates_token(signature.id)}", data={"choice": "stop"})
    assert answer.status_code == 400
    assert one(parse(answer), "[role=alert]")
    consent = _consent(signature.id)
    assert consent is not None
    assert consent.withdrawn_at is None


def test_the_unsubscribe_page_asks_first_and_its_button_stops_updates(
    client: FlaskClient,
) -> None:
    signature = consenting_signature(open_petition())
    path = f"/updates/{tokens.updates_token(signature.id)}/unsubscribe"
    page = client.get(path)
    assert page.status_code == 200
    assert one(parse(page), "main form button")
    consent = _consent(signature.id)
    assert consent is not None
    assert consent.withdrawn_at is None  # a GET (a scanner) changes nothing

    answer = client.post(path, data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 200
    assert "no more of these emails" in main_text(answer)
    consent = _consent(signature.id)
    assert consent is not None
    assert consent.withdrawn_by == "unsubscribe"
    # The signature stays, and still counts.
    assert signing.find(signature.id).state.value == "confirmed"  # type: ignore[union-attr]


def test_the_one_click_unsubscribe_is_never_rate_limited(client: FlaskClient) -> None:
    signature = consenting_signature(open_petition())
    path = f"/updates/{tokens.updates_token(signature.id)}/unsubscribe"
    answers = {
        client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code for _ in range(40)
    }
    assert answers == {200}


def test_a_forged_link_is_refused_and_a_withdrawn_signature_holds_nothing(
    client: FlaskClient,
) -> None:
    for path in ("/updates/forged", "/updates/forged/unsubscribe", "/updates/test/unsubscribe"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "This link is not valid" in main_text(answer)
    signature = consenting_signature(open_petition())
    signing.withdraw(signature.id)
    answer = client.get(f"/updates/{tokens.updates_token(signature.id)}")
    assert answer.status_code == 410
    assert "We hold nothing about this signature" in main_text(answer)


def test_withdrawing_a_signature_erases_its_consent_recipients_and_unsent_updates(
    smtp: SmtpServer,
) -> None:
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    leaving = consenting_signature(petition)
    staying = consenting_signature(petition)
    update = written_update(author, {"en": ("News", "Text.")}, petition=petition)
    send_now(update)
    assert services.queue_due() == 2

    signing.withdraw(leaving.id)
    db.session.rollback()
    assert _consent(leaving.id) is None
    assert _consent(staying.id) is not None
    recipients = db.session.execute(select(UpdateRecipient.signature_id)).scalars().all()
    assert recipients == [staying.id]
    queued = db.session.execute(select(OutboxMessage.update_recipient_id)).scalars().all()
    assert len(queued) == 1
    smtp.take(0)
