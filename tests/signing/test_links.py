"""The links in the mails: forged, crossed, expired; withdrawal; how often a signer is mailed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.signing.models import MAX_MAILS_PER_SIGNATURE, Signature, SignatureState
from petitions.tokens import Purpose, confirm_token
from tests.conftest import VALID_SIGNER, SmtpServer, Supporter, csrf_token
from tests.factories import closed_petition, draft_petition, open_petition
from tests.helpers import count_in_api, count_on_page, main_text, text

EIGHT_DAYS = 8 * 24 * 3600
INVALID_LINK = "This link does not work"


# --- helpers --------------------------------------------------------------------------------


def signatures() -> list[Signature]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Signature).order_by(Signature.id)).scalars())


def only_signature() -> Signature:
    [signature] = signatures()
    return signature


def outbox_count() -> int:
    counted: int = db.session.execute(
        db.select(db.func.count()).select_from(OutboxMessage)
    ).scalar_one()
    return counted


def move_last_mail_back(signature_id: int, minutes: float) -> None:
    """Pretend the signature's last mail went out ``minutes`` ago."""
    db.session.execute(
        db.update(Signature)
        .where(Signature.id == signature_id)
        .values(last_mail_at=utcnow() - dt.timedelta(minutes=minutes))
    )
    db.session.commit()


def a_page_token(client: FlaskClient, slug: str) -> str:
    """Return a genuine token of a page's form: the button pages' session-bound CSRF token.

    The petition page no longer carries one (its sign form holds the shared ticket and sets no
    cookie), so the token comes from the login form, which keeps Flask-WTF's; for a sign POST
    to ``slug`` its value is as good as a forged ticket.
    """
    return csrf_token(text(client.get("/organizer/login")))


class _EightDaysAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return super().get_timestamp() - EIGHT_DAYS


def expired_confirm_token(app: Flask, signature_id: int) -> str:
    assert app.secret_key is not None
    serializer = URLSafeTimedSerializer(app.secret_key, salt=Purpose.CONFIRM, signer=_EightDaysAgo)
    return serializer.dumps({"s": signature_id})


def signed_and_mailed(supporter: Supporter, smtp: SmtpServer, slug: str, **fields: Any) -> Any:
    """Sign, run the worker, and return the confirmation mail."""
    answer = supporter.sign(slug, **fields)
    assert answer.status_code == 303, text(answer)
    supporter.deliver()
    mail = smtp.take_one()
    assert mail.message["Subject"].startswith("Please confirm your signature")
    return mail


def signed_and_confirmed(supporter: Supporter, smtp: SmtpServer, slug: str, **fields: Any) -> Any:
    mail = signed_and_mailed(supporter, smtp, slug, **fields)
    confirmed = supporter.open_and_press(mail.link("confirm"))
    assert "your signature is confirmed" in main_text(confirmed)
    return mail


# --- links that do not work -----------------------------------------------------------------


def _tampered(token: str) -> str:
    # Not the last character: in unpadded base64 it carries spare bits, and changing only
    # those would leave the decoded signature intact (a test that passes by luck).
    position = len(token) - 5
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


FORGED = [
    pytest.param(lambda app, sid: "not-a-token", id="garbage"),
    pytest.param(lambda app, sid: _tampered(confirm_token(sid)), id="tampered-signature"),
    pytest.param(
        lambda app, sid: URLSafeTimedSerializer("another-secret", salt=Purpose.CONFIRM).dumps(
            {"s": sid}
        ),
        id="other-secret",
    ),
    pytest.param(
        lambda app, sid: URLSafeTimedSerializer(app.secret_key, salt=Purpose.CONFIRM).dumps(
            {"s": str(sid)}
        ),
        id="id-not-a-number",
    ),
    pytest.param(
        lambda app, sid: URLSafeTimedSerializer(app.secret_key, salt=Purpose.CONFIRM).dumps(sid),
        id="payload-not-a-dict",
    ),
    pytest.param(
        lambda app, sid: URLSafeTimedSerializer(app.secret_key, salt="another.purpose").dumps(
            {"s": sid}
        ),
        id="other-purpose",
    ),
]


@pytest.mark.parametrize("make_token", FORGED)
def test_a_forged_confirm_link_is_refused_and_confirms_nothing(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer, make_token: Any
) -> None:
    petition = open_petition()
    signed_and_mailed(supporter, smtp, petition.slug)
    signature = only_signature()
    token = make_token(app, signature.id)
    form_token = a_page_token(client, petition.slug)

    for answer in (
        client.get(f"/confirm/{token}"),
        client.post(f"/confirm/{token}", data={"csrf_token": form_token}),
        client.post(f"/confirm/{token}/resend", data={"csrf_token": form_token}),
    ):
        assert answer.status_code == 400
        page = text(answer)
        assert INVALID_LINK in main_text(page)
        assert "sign the petition again with the same email address" in main_text(page)
        assert "Confirm my signature" not in page

    assert only_signature().state is SignatureState.PENDING
    assert count_on_page(client, petition.slug) == 0
    supporter.deliver()
    smtp.take(0)


@pytest.mark.parametrize("token", ["not-a-token", "eyJzIjoxfQ.ZZZZZZ.forged", "", "a" * 2000])
def test_a_forged_withdraw_link_is_refused_and_erases_nothing(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer, token: str
) -> None:
    petition = open_petition()
    signed_and_confirmed(supporter, smtp, petition.slug)
    path = f"/withdraw/{token}"

    for answer in (
        client.get(path),
        client.post(path, data={"csrf_token": a_page_token(client, petition.slug)}),
    ):
        if token:
            assert answer.status_code == 400
            assert INVALID_LINK in main_text(answer)
        else:  # "/withdraw/" names no token at all
            assert answer.status_code == 404
            assert "Page not found" in main_text(answer)

    signature = only_signature()
    assert signature.state is SignatureState.CONFIRMED
    assert signature.email == VALID_SIGNER["email"]
    assert count_on_page(client, petition.slug) == 1


def test_a_withdraw_link_does_not_confirm(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    mail = signed_and_mailed(supporter, smtp, petition.slug)
    withdraw_token = mail.link("withdraw").removeprefix("/withdraw/")
    path = f"/confirm/{withdraw_token}"

    shown = client.get(path)
    pressed = client.post(path, data={"csrf_token": a_page_token(client, petition.slug)})

    for answer in (shown, pressed):
        assert answer.status_code == 400
        assert INVALID_LINK in main_text(answer)
    assert only_signature().state is SignatureState.PENDING
    assert count_on_page(client, petition.slug) == 0
    assert count_in_api(client, petition.slug) == 0


def test_a_confirm_link_does_not_withdraw(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    mail = signed_and_confirmed(supporter, smtp, petition.slug)
    confirm = mail.link("confirm").removeprefix("/confirm/")
    path = f"/withdraw/{confirm}"

    shown = client.get(path)
    pressed = client.post(path, data={"csrf_token": a_page_token(client, petition.slug)})

    for answer in (shown, pressed):
        assert answer.status_code == 400
        assert INVALID_LINK in main_text(answer)
    signature = only_signature()
    assert signature.state is SignatureState.CONFIRMED
    assert signature.email == VALID_SIGNER["email"]
    assert signature.full_name == VALID_SIGNER["full_name"]
    assert count_on_page(client, petition.slug) == 1
    assert count_in_api(client, petition.slug) == 1


# --- expired confirmation links -------------------------------------------------------------


def _signed_eight_days_ago(supporter: Supporter, smtp: SmtpServer, slug: str) -> Signature:
    signed_and_mailed(supporter, smtp, slug)
    signature = only_signature()
    long_ago = utcnow() - dt.timedelta(days=8)
    db.session.execute(
        db.update(Signature)
        .where(Signature.id == signature.id)
        .values(created_at=long_ago, last_mail_at=long_ago)
    )
    db.session.commit()
    return signature


def test_an_expired_link_offers_a_new_one_that_works(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signature = _signed_eight_days_ago(supporter, smtp, petition.slug)
    expired = expired_confirm_token(app, signature.id)

    page = client.get(f"/confirm/{expired}")

    assert page.status_code == 410
    html = text(page)
    assert "This link has expired" in main_text(html)
    assert "Send me a new link" in main_text(html)
    assert f'action="/confirm/{expired}/resend"' in html
    assert "Confirm my signature" not in html
    # Pressing confirm on the old link does not count it either.
    old_press = client.post(f"/confirm/{expired}", data={"csrf_token": csrf_token(html)})
    assert old_press.status_code == 410
    assert only_signature().state is SignatureState.PENDING

    answer = client.post(f"/confirm/{expired}/resend", data={"csrf_token": csrf_token(html)})

    assert answer.status_code == 200
    assert "Check your inbox" in main_text(answer)
    assert outbox_count() == 2
    supporter.deliver()
    mail = smtp.take_one()
    assert mail.recipients == [VALID_SIGNER["email"]]
    assert mail.message["Subject"].startswith("Please confirm your signature")
    assert expired not in mail.text
    confirmed = supporter.open_and_press(mail.link("confirm"))
    assert "your signature is confirmed" in main_text(confirmed)
    assert count_on_page(client, petition.slug) == 1
    assert count_in_api(client, petition.slug) == 1
    assert only_signature().mails_sent == 2


def test_the_resend_button_needs_the_page_token(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signature = _signed_eight_days_ago(supporter, smtp, petition.slug)
    expired = expired_confirm_token(app, signature.id)
    client.get(f"/confirm/{expired}")

    answer = client.post(f"/confirm/{expired}/resend", data={})

    assert answer.status_code == 410
    assert "Send me a new link" in main_text(answer)
    supporter.deliver()
    smtp.take(0)
    assert only_signature().mails_sent == 1


def test_pressing_resend_again_right_away_sends_nothing_more(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signature = _signed_eight_days_ago(supporter, smtp, petition.slug)
    expired = expired_confirm_token(app, signature.id)
    html = text(client.get(f"/confirm/{expired}"))

    answers = [
        client.post(f"/confirm/{expired}/resend", data={"csrf_token": csrf_token(html)})
        for _ in range(3)
    ]

    assert {answer.status_code for answer in answers} == {200}
    assert len({text(answer) for answer in answers}) == 1, "the answer never tells what happened"
    supporter.deliver()
    smtp.take(1)
    assert only_signature().mails_sent == 2


def test_an_expired_link_of_a_confirmed_signature_offers_nothing_to_resend(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signed_and_confirmed(supporter, smtp, petition.slug)
    signature = only_signature()
    expired = expired_confirm_token(app, signature.id)

    page = client.get(f"/confirm/{expired}")

    assert page.status_code == 410
    assert "This signature no longer needs confirming" in main_text(page)
    assert "Send me a new link" not in text(page)
    pressed = client.post(
        f"/confirm/{expired}/resend", data={"csrf_token": a_page_token(client, petition.slug)}
    )
    assert pressed.status_code == 200
    assert "Check your inbox" in main_text(pressed), "the same answer as when a mail goes out"
    supporter.deliver()
    smtp.take(0)
    assert count_on_page(client, petition.slug) == 1


# --- withdrawing ----------------------------------------------------------------------------


def test_withdrawing_uncounts_erases_and_frees_the_address(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    mail = signed_and_confirmed(
        supporter, smtp, petition.slug, comment="Free him now.", show_name_publicly="y"
    )
    assert count_on_page(client, petition.slug) == 1
    assert "<bdi>Christie Miedema</bdi>, <bdi>Den Haag</bdi>" in text(
        client.get(f"/p/{petition.slug}")
    )
    withdraw_path = mail.link("withdraw")

    page = client.get(withdraw_path)

    assert page.status_code == 200
    assert "Withdraw my signature" in main_text(page)
    assert only_signature().state is SignatureState.CONFIRMED, "opening the link changes nothing"
    assert count_on_page(client, petition.slug) == 1

    answer = client.post(withdraw_path, data={"csrf_token": csrf_token(text(page))})

    assert answer.status_code == 200
    assert "Your signature is withdrawn" in main_text(answer)
    assert count_on_page(client, petition.slug) == 0
    assert count_in_api(client, petition.slug) == 0
    petition_page = text(client.get(f"/p/{petition.slug}"))
    assert "Christie" not in petition_page
    assert "Den Haag" not in petition_page
    erased = only_signature()
    assert erased.state is SignatureState.WITHDRAWN
    assert erased.withdrawn_at is not None
    assert (erased.email, erased.email_normalized) == (None, None)
    assert (erased.full_name, erased.city, erased.comment) == ("", "", None)
    assert erased.show_name_publicly is False

    # Pressing again, or opening the old confirm link, changes nothing more.
    again = client.post(withdraw_path, data={"csrf_token": csrf_token(text(page))})
    assert "Your signature is withdrawn" in main_text(again)
    reopened = client.get(mail.link("confirm"))
    assert reopened.status_code == 410
    assert "Your signature is withdrawn" in main_text(reopened)
    assert count_on_page(client, petition.slug) == 0

    # The same address may sign again, as a new, pending signature with its own mail.
    resigned = supporter.sign(petition.slug)
    assert resigned.status_code == 303
    supporter.deliver()
    fresh = smtp.take_one()
    assert fresh.recipients == [VALID_SIGNER["email"]]
    old, new = signatures()
    assert old.state is SignatureState.WITHDRAWN
    assert new.state is SignatureState.PENDING
    assert new.email == VALID_SIGNER["email"]
    supporter.open_and_press(fresh.link("confirm"))
    assert count_on_page(client, petition.slug) == 1


def test_withdrawing_a_pending_signature_stops_its_queued_mail(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    mail = signed_and_mailed(supporter, smtp, petition.slug)
    move_last_mail_back(only_signature().id, minutes=11)
    assert supporter.sign(petition.slug).status_code == 303  # a second link is queued
    assert outbox_count() == 2

    supporter.open_and_press(mail.link("withdraw"))

    supporter.deliver()
    smtp.take(0)
    assert outbox_count() == 1, "the unsent mail, with its links, is gone"
    assert only_signature().state is SignatureState.WITHDRAWN
    assert count_on_page(client, petition.slug) == 0


def test_the_withdraw_button_needs_the_page_token(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    mail = signed_and_confirmed(supporter, smtp, petition.slug)

    answer = client.post(mail.link("withdraw"), data={"csrf_token": "forged"})

    assert answer.status_code == 400
    assert "The page had expired. Please press the button again." in main_text(answer)
    assert only_signature().state is SignatureState.CONFIRMED
    assert count_on_page(client, petition.slug) == 1


# --- how often a signer is mailed -----------------------------------------------------------


def test_signing_again_while_pending_sends_no_second_mail_within_ten_minutes(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    first = supporter.sign(petition.slug)
    supporter.deliver()
    smtp.take_one()

    repeats = [
        supporter.sign(petition.slug),
        supporter.sign(petition.slug, email="CHRISTIE@example.org", full_name="C. Miedema"),
        supporter.sign(petition.slug, email="christie+again@example.org"),
    ]

    for again in repeats:
        assert (again.status_code, again.headers["Location"]) == (
            first.status_code,
            first.headers["Location"],
        )
        assert again.get_data() == first.get_data()
    supporter.deliver()
    smtp.take(0)
    signature = only_signature()
    assert signature.full_name == "Christie Miedema", "signing again does not overwrite"
    assert signature.mails_sent == 1


def test_signing_again_after_ten_minutes_sends_a_fresh_link(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signed_and_mailed(supporter, smtp, petition.slug)
    move_last_mail_back(only_signature().id, minutes=9)
    supporter.sign(petition.slug)
    supporter.deliver()
    smtp.take(0)

    move_last_mail_back(only_signature().id, minutes=11)
    answer = supporter.sign(petition.slug)

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/p/{petition.slug}/check-your-inbox")
    supporter.deliver()
    mail = smtp.take_one()
    assert mail.recipients == [VALID_SIGNER["email"]]
    assert mail.message["Subject"].startswith("Please confirm your signature")
    supporter.open_and_press(mail.link("confirm"))
    assert count_on_page(client, petition.slug) == 1
    assert only_signature().mails_sent == 2


def test_a_confirmed_address_signing_again_is_told_it_already_signed(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    first = supporter.sign(petition.slug)
    supporter.deliver()
    supporter.open_and_press(smtp.take_one().link("confirm"))
    # Within ten minutes of the last mail, nothing more is sent (the same anti-flood interval).
    supporter.sign(petition.slug)
    supporter.deliver()
    smtp.take(0)
    move_last_mail_back(only_signature().id, minutes=11)

    again = supporter.sign(petition.slug)

    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    supporter.deliver()
    note = smtp.take_one()
    assert note.recipients == [VALID_SIGNER["email"]]
    assert note.message["Subject"] == f"You have already signed: {petition.title}"
    assert "already confirmed and counts once" in note.text
    assert f"http://localhost/p/{petition.slug}" in note.text
    assert "/confirm/" not in note.text
    # Its withdraw link works like the one in the first mail.
    assert "/withdraw/" in note.text
    assert count_on_page(client, petition.slug) == 1
    assert len(signatures()) == 1


#: Only the per-signature cap is under test: the per-address and per-IP limits stay out of the way.
ONLY_THE_SIGNATURE_CAP = pytest.mark.parametrize(
    "config_overrides",
    [{"MAIL_PER_ADDRESS_LIMIT": "1000 per hour", "SIGN_RATE_LIMIT": "1000 per minute"}],
)


@ONLY_THE_SIGNATURE_CAP
def test_signing_again_and_again_never_causes_more_than_five_mails(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    assert MAX_MAILS_PER_SIGNATURE == 5
    petition = open_petition()
    first = supporter.sign(petition.slug)
    signature_id = only_signature().id
    answers = []
    for _ in range(8):
        move_last_mail_back(signature_id, minutes=11)
        answers.append(supporter.sign(petition.slug))
        supporter.deliver()  # the worker decides, so each attempt is taken up before the next
    mails = smtp.take(MAX_MAILS_PER_SIGNATURE)
    supporter.open_and_press(mails[-1].link("confirm"))
    for _ in range(4):  # confirmed now: "already signed" notes fall under the same cap
        move_last_mail_back(signature_id, minutes=11)
        answers.append(supporter.sign(petition.slug))
        supporter.deliver()

    smtp.take(0)
    assert all(
        (a.status_code, a.headers["Location"]) == (303, first.headers["Location"]) for a in answers
    )
    assert only_signature().mails_sent == MAX_MAILS_PER_SIGNATURE
    assert outbox_count() == MAX_MAILS_PER_SIGNATURE
    assert {mail.recipients[0] for mail in mails} == {VALID_SIGNER["email"]}
    assert count_on_page(client, petition.slug) == 1


@ONLY_THE_SIGNATURE_CAP
def test_resend_buttons_and_signing_again_together_never_cause_more_than_five_mails(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    first = supporter.sign(petition.slug)
    signature_id = only_signature().id
    expired = expired_confirm_token(app, signature_id)
    resend_form = csrf_token(text(client.get(f"/confirm/{expired}")))
    answers = []
    for attempt in range(12):
        move_last_mail_back(signature_id, minutes=11)
        if attempt % 2 == 0:
            answer = client.post(f"/confirm/{expired}/resend", data={"csrf_token": resend_form})
            assert answer.status_code == 200
            assert "Check your inbox" in main_text(answer)
        else:
            answers.append(supporter.sign(petition.slug))
    supporter.deliver()

    mails = smtp.take(MAX_MAILS_PER_SIGNATURE)
    assert all(
        (a.status_code, a.headers["Location"]) == (303, first.headers["Location"]) for a in answers
    )
    assert only_signature().mails_sent == MAX_MAILS_PER_SIGNATURE
    assert outbox_count() == MAX_MAILS_PER_SIGNATURE
    supporter.open_and_press(mails[-1].link("confirm"))
    assert count_on_page(client, petition.slug) == 1


def test_one_address_gets_at_most_five_signing_mails_an_hour_across_petitions(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petitions = [open_petition(title=f"Petition {n}") for n in range(6)]

    answers = [supporter.sign(petition.slug) for petition in petitions]

    assert {answer.status_code for answer in answers} == {303}
    supporter.deliver()
    mails = smtp.take(5)
    assert {mail.recipients[0] for mail in mails} == {VALID_SIGNER["email"]}
    assert len(signatures()) == 6, "the sixth signature is kept; only its mail is held back"


# --- petitions that take no signatures ------------------------------------------------------


@pytest.mark.parametrize(
    "make_petition",
    [
        pytest.param(lambda: closed_petition(), id="closed"),
        pytest.param(
            lambda: open_petition(closes_at=utcnow() - dt.timedelta(minutes=1)),
            id="past-its-closing-time",
        ),
    ],
)
def test_a_closed_petition_takes_no_signature(
    client: FlaskClient, smtp: SmtpServer, make_petition: Any
) -> None:
    other = open_petition()
    petition = make_petition()
    page = text(client.get(f"/p/{petition.slug}"))
    assert "This petition is closed" in main_text(page)
    assert 'action="/p/' not in page

    answer = client.post(
        f"/p/{petition.slug}/sign",
        data={**VALID_SIGNER, "csrf_token": a_page_token(client, other.slug)},
    )

    assert answer.status_code == 409
    assert "This petition is closed" in main_text(answer)
    assert "Nothing was recorded" in main_text(answer)
    assert signatures() == []
    assert outbox_count() == 0


def test_a_draft_petition_is_not_found(client: FlaskClient, smtp: SmtpServer) -> None:
    other = open_petition()
    draft = draft_petition()

    shown = client.get(f"/p/{draft.slug}")
    answer = client.post(
        f"/p/{draft.slug}/sign",
        data={**VALID_SIGNER, "csrf_token": a_page_token(client, other.slug)},
    )

    for response in (shown, answer):
        assert response.status_code == 404
        assert "Page not found" in main_text(response)
        assert draft.title not in text(response)
    assert signatures() == []
    assert outbox_count() == 0
