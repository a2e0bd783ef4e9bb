"""A supporter signs, confirms by mail, and the count rises by exactly one."""

from __future__ import annotations

from flask.testing import FlaskClient

from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer, Supporter, csrf_token
from tests.factories import open_petition
from tests.helpers import count_on_page, main_text


def test_sign_confirm_and_count_rises_by_one(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    assert count_on_page(client, petition.slug) == 0

    answer = supporter.sign(petition.slug, full_name="Алесь Бяляцкі", email="Ales@Example.org")

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/p/{petition.slug}/check-your-inbox")
    inbox_page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Check your inbox" in inbox_page
    signature = db.session.execute(db.select(Signature)).scalar_one()
    assert signature.state is SignatureState.PENDING
    assert signature.email_normalized == "ales@example.org"
    assert count_on_page(client, petition.slug) == 0

    supporter.deliver()
    mail = smtp.take_one()
    assert mail.recipients == ["Ales@example.org"]
    assert mail.message["Message-ID"]
    assert mail.message["Date"]
    assert mail.message.is_multipart()
    assert "Алесь Бяляцкі" in mail.text
    assert "Алесь Бяляцкі" in mail.html
    confirm_path = mail.link("confirm")

    # Opening the link (as a mail scanner would) confirms nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm my signature" in main_text(page)
    assert count_on_page(client, petition.slug) == 0

    second_tab = client.get(confirm_path).get_data(as_text=True)
    confirmed = supporter.open_and_press(confirm_path)
    assert confirmed.status_code == 200
    assert "your signature is confirmed" in main_text(confirmed)
    assert count_on_page(client, petition.slug) == 1
    assert client.get(f"/api/v1/petitions/{petition.slug}").get_json()["signature_count"] == 1

    # Pressing again in a second tab counts once; reopening the link says so.
    again = client.post(confirm_path, data={"csrf_token": csrf_token(second_tab)})
    assert "already confirmed" in main_text(again)
    assert "already confirmed" in main_text(client.get(confirm_path))
    assert count_on_page(client, petition.slug) == 1
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 1
