"""A signer asks, from the link in any mail, what the service holds about their address, and
gets it by mail; the page shows none of it (issue #16)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from petitions.extensions import db
from petitions.letters.models import LetterState
from petitions.mail import messages
from petitions.paper import services as paper
from petitions.signing.models import Signature
from petitions.signing.services import withdraw
from petitions.tokens import holdings_token
from tests.conftest import VALID_SIGNER, SmtpServer, Supporter, csrf_token
from tests.factories import confirmed_signature, letter, open_letters, open_petition
from tests.helpers import main_text, outbox
from tests.mail.test_content import html_of, strictly_parsed, text_of
from tests.updates.conftest import consenting_signature

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
INCLUDE = re.compile(r"""\{%\s*include\s+["']mail/([^"']+)["']""")


def _signed_and_mailed(supporter: Supporter, smtp: SmtpServer) -> tuple[str, Signature]:
    petition = open_petition(title="Free Ales Bialiatski")
    assert supporter.sign(petition.slug, comment="Stay strong!").status_code == 303
    supporter.deliver()
    link = smtp.take_one().link("holdings")
    signature = db.session.execute(select(Signature)).scalar_one()
    return link, signature


def test_the_mailed_link_shows_a_button_and_no_personal_data(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    link, _signature = _signed_and_mailed(supporter, smtp)

    page = client.get(link)

    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    for typed in ("Christie", "Miedema", "Den Haag", "christie", "Stay strong", "@example"):
        assert typed not in shown
    assert "Mail me what you hold" in main_text(page)


def test_the_button_mails_everything_held_under_the_address(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    link, signature = _signed_and_mailed(supporter, smtp)
    other = open_petition(title="Free Maria Kalesnikava")
    consenting_signature(other, full_name="Christie M.", city="Leiden", email=VALID_SIGNER["email"])
    confirmed_signature(other, full_name="Somebody Else", email="else@example.org")
    stall = open_petition(title="Free Ihar Losik")
    paper.enter_sheet(
        stall,
        paper.SheetDetails(number=5, place="Dam Square", collected_on=dt.date(2024, 9, 25)),
        [paper.PaperSigner("Christie on paper", "Amsterdam", "NL", VALID_SIGNER["email"])],
        by="hanna@example.org",
        organizer_id=None,
    )
    open_letters(other.case)
    written = letter(other.case, LetterState.APPROVED, writer_name="Christie the writer")
    written.email = written.email_normalized = VALID_SIGNER["email"]
    db.session.commit()

    page = client.get(link)
    answer = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    assert answer.status_code == 200
    assert "Check your inbox" in main_text(answer)
    assert "Christie" not in answer.get_data(as_text=True)
    supporter.deliver()
    mail = smtp.take_one()
    assert mail.recipients == [VALID_SIGNER["email"]]
    message = strictly_parsed(mail)
    assert message["Subject"] == "What we hold about your email address"
    text = text_of(message)
    for held in (
        "Christie Miedema",
        "Den Haag",
        "Stay strong!",
        "Free Ales Bialiatski",
        "Christie M.",
        "Leiden",
        "Free Maria Kalesnikava",
        "Christie the writer",
        "Дарагі Алесь",
        VALID_SIGNER["email"],
        "Christie on paper",
        "on paper, sheet 5, line 1",
        "Free Ihar Losik",
    ):
        assert held in text, held
    assert "Somebody Else" not in text
    assert "else@example.org" not in text
    tables = html_of(message).xpath('//table[@class="holding"]')
    assert [table.get("data-kind") for table in tables] == [
        "signature",
        "signature",
        "signature",
        "letter",
    ]
    news = [
        cell.xpath("string(following-sibling::td[1])").strip()
        for cell in html_of(message).xpath('//table[@class="holding"]//th')
        if cell.text_content().strip() == "News of this petition by email"
    ]
    assert [each.split(" on ")[0] for each in news] == [
        "not asked for",
        "asked for",
        "not asked for",
    ]
    # The holdings mail carries the link too, like every mail.
    assert f"/holdings/{holdings_token(signature_id=signature.id)}"[:20] in text


def test_a_second_press_before_the_mail_went_out_queues_no_second_mail(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    link, _signature = _signed_and_mailed(supporter, smtp)
    for _ in range(2):
        page = client.get(link)
        client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    assert [row.kind for row in outbox() if row.kind.startswith("holdings")] == [
        "holdings_for_signer"
    ]
    supporter.deliver()
    smtp.take_one()


def test_without_the_csrf_token_nothing_is_queued(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    link, _signature = _signed_and_mailed(supporter, smtp)

    answer = client.post(link, data={})

    assert answer.status_code == 400
    assert [row for row in outbox() if row.kind.startswith("holdings")] == []


def test_after_withdrawal_nothing_is_held_and_nothing_is_mailed(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    link, signature = _signed_and_mailed(supporter, smtp)
    withdraw(signature.id)

    page = client.get(link)

    assert page.status_code == 200
    assert "This link no longer leads to an address" in main_text(page)
    assert page.get_data(as_text=True).count("<form") <= 1  # no button (the language menu aside)
    supporter.deliver()


@pytest.mark.parametrize(
    ("token", "status", "said"),
    [
        ("not-a-token", 404, "This link does not work"),
        (None, 410, "This link has expired"),
    ],
)
def test_a_bad_or_expired_link_is_told_so(
    app: Flask, client: FlaskClient, token: str | None, status: int, said: str
) -> None:
    signature = confirmed_signature(open_petition())
    if token is None:
        with app.test_request_context():
            token = holdings_token(signature_id=signature.id)
        app.config["HOLDINGS_TOKEN_MAX_AGE"] = -1

    for answer in (client.get(f"/holdings/{token}"), client.post(f"/holdings/{token}")):
        assert answer.status_code == status
        assert said in main_text(answer)


def test_asking_is_rate_limited(
    app: Flask, supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    app.config["HOLDINGS_RATE_LIMIT"] = "2 per hour"
    link, _signature = _signed_and_mailed(supporter, smtp)

    codes = [client.post(link, data={}).status_code for _ in range(3)]

    assert codes == [400, 400, 429]


def _holdings_reached(name: str, seen: frozenset[str] = frozenset()) -> bool:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    included = INCLUDE.findall(source)
    if any(each.startswith("_holdings.") for each in included):
        return True
    return any(_holdings_reached(each, seen | {name}) for each in included if each not in seen)


def test_every_mail_template_carries_the_holdings_link() -> None:
    mails = [path.name for path in TEMPLATES.iterdir() if not path.name.startswith("_")]

    assert len(mails) >= 12
    assert [name for name in mails if not _holdings_reached(name)] == []


def test_no_mail_can_be_rendered_without_the_holdings_link(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(TypeError, match="holdings_url"):
        messages.render("confirmation_for_signer", "a@example.org", "Subject")  # type: ignore[call-arg]


def test_a_letter_writer_gets_their_letters_by_mail(
    app: Flask, smtp: SmtpServer, supporter: Supporter, client: FlaskClient
) -> None:
    petition = open_petition()
    open_letters(petition.case)
    written = letter(petition.case, LetterState.APPROVED, writer_name="Lena from Gent")
    written.email_normalized = written.email
    db.session.commit()
    with app.test_request_context():
        link = f"/holdings/{holdings_token(letter_id=written.id)}"

    page = client.get(link)
    assert "Lena" not in page.get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    supporter.deliver()

    mail = smtp.take_one()
    assert mail.recipients == [written.email]
    text = text_of(strictly_parsed(mail))
    assert "Lena from Gent" in text
    assert "Дарагі Алесь, мы з табой!" in text
    assert "No signature is kept under this address." in text
    assert "/holdings/" in text


def test_a_link_made_for_another_purpose_does_not_open_the_page(
    app: Flask, client: FlaskClient
) -> None:
    from petitions import tokens

    signature = confirmed_signature(open_petition())
    with app.test_request_context():
        withdraw = tokens.withdraw_token(signature.id)
        holdings = holdings_token(signature_id=signature.id)
        with pytest.raises(tokens.InvalidLink):
            tokens.read_withdraw_token(holdings)
        with pytest.raises(ValueError, match="signature or a letter"):
            holdings_token()

    answer = client.get(f"/holdings/{withdraw}")
    assert answer.status_code == 404
    assert "This link does not work" in main_text(answer)
