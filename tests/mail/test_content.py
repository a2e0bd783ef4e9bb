"""What a signer's mail says and carries: the service's voice, their language, one-click exit."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html
from lxml.html import HtmlElement
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.messages import unlinkable
from petitions.signing.mailing import MailKind
from petitions.signing.models import Signature, SignatureState
from tests.conftest import VALID_SIGNER, ReceivedMail, SmtpServer, Supporter, csrf_token
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import elements
from tests.signing.test_links import only_signature

LURE = "your mailbox is full, log in at https://mail.example.net/login now"
SNAPSHOTS = Path(__file__).parent / "snapshots"
#: A signed link's token changes with every run; the snapshots hold ``<token>`` instead.
_TOKEN = re.compile(r"(/(?:confirm|withdraw|holdings)/)[A-Za-z0-9_.-]+")


def strictly_parsed(mail: ReceivedMail) -> EmailMessage:
    """Parse the mail as it came over the wire with the strict, modern parser."""
    raw = mail.message.as_bytes(policy=policy.SMTP)
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert not message.defects
    return message


def html_of(message: EmailMessage) -> HtmlElement:
    part = message.get_body(("html",))
    assert part is not None
    return lxml_html.document_fromstring(part.get_content())


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def mailed(supporter: Supporter, smtp: SmtpServer, slug: str, **fields: Any) -> EmailMessage:
    answer = supporter.sign(slug, **fields)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    supporter.deliver()
    return strictly_parsed(smtp.take_one())


# --- the service's voice ---------------------------------------------------------------------


def test_a_lure_typed_as_a_name_appears_only_as_data_being_confirmed(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    # The sign form refuses a name with a link in it today...
    refused = supporter.sign(petition.slug, full_name=LURE, city="www.example.net")
    assert refused.status_code == 422
    assert db.session.execute(db.select(db.func.count(Signature.id))).scalar() == 0
    # ...but a signature taken before that rule (or by a path that forgets it) is still mailed.
    signature = pending_signature(petition, full_name=LURE, city="www.example.net")
    messages.queue(MailKind.CONFIRMATION, signature.id)
    db.session.commit()
    supporter.deliver()
    message = strictly_parsed(smtp.take_one())

    text = text_of(message)
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("Please confirm your signature on the petition")
    (block,) = [p for p in paragraphs if "mailbox is full" in p]
    assert block.startswith("You signed as: ")
    assert "https://" not in text.replace("http://localhost/", "")
    assert "mail.example.net" not in text
    assert "www.example.net" not in text

    page = html_of(message)
    first = elements(page, "//body/p")[0].text_content()
    assert first.startswith("Please confirm your signature on the petition")
    (signed_as,) = elements(page, '//p[@class="signed-as"]')
    assert elements(signed_as, "strong")[0].text_content() == "You signed as:"
    name, city = (span.text_content() for span in elements(signed_as, 'span[@class="typed"]'))
    assert name == unlinkable(LURE)
    assert city == unlinkable("www.example.net")
    elsewhere = [p.text_content() for p in elements(page, "//body/p") if p is not signed_as]
    assert not any("mailbox is full" in p for p in elsewhere)
    for link in elements(page, "//a"):
        assert "mailbox" not in link.text_content()
        assert (link.get("href") or "").startswith("http://localhost/")
    assert "mail.example.net" not in page.text_content()


def test_unlinkable_breaks_only_link_like_runs() -> None:
    assert unlinkable("Christie Miedema") == "Christie Miedema"
    assert unlinkable("Dr. J. Smith") == "Dr. J. Smith"
    assert unlinkable("Алесь Бяляцкі") == "Алесь Бяляцкі"
    defused = unlinkable("see https://evil.example/x or evil.example")
    assert "." not in defused
    assert "/" not in defused
    assert defused.startswith("see https:")


# --- headers and the HTML part ---------------------------------------------------------------


def test_the_mail_has_one_mime_version_a_viewport_and_one_click_unsubscribe(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()

    assert supporter.sign(petition.slug).status_code == 303
    supporter.deliver()
    received = smtp.take_one()
    message = strictly_parsed(received)

    versions = [part for part in message.walk() if part["MIME-Version"] is not None]
    assert versions == [message]
    assert message.get_all("MIME-Version") == ["1.0"]
    viewport = elements(html_of(message), '/html/head/meta[@name="viewport"]')
    assert [meta.get("content") for meta in viewport] == ["width=device-width, initial-scale=1"]

    (unsubscribe,) = message.get_all("List-Unsubscribe") or []
    assert unsubscribe.startswith("<http://localhost/withdraw/")
    assert unsubscribe.endswith(">")
    # On one line as it came over the wire: a URL folded into RFC 2047 encoded words is no
    # link to a client (RFC 2369 has none there).
    assert dict(received.message.raw_items())["List-Unsubscribe"] == unsubscribe
    assert message.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
    url = unsubscribe[1:-1]
    assert url in text_of(message).splitlines(), "the same link as the one in the text"

    # What a mail provider sends when the signer presses "unsubscribe": no page, no token.
    answer = client.post(
        url.removeprefix("http://localhost"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert answer.status_code == 200
    assert only_signature().state is SignatureState.WITHDRAWN
    assert only_signature().email is None


def test_a_post_without_the_one_click_body_or_a_token_still_withdraws_nothing(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    message = mailed(supporter, smtp, petition.slug)
    url = str(message["List-Unsubscribe"])[1:-1].removeprefix("http://localhost")

    answer = client.post(url, data={"List-Unsubscribe": "Yes"})

    assert answer.status_code == 400
    assert only_signature().state is SignatureState.PENDING


# --- the signer's language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "heading", "pressed"),
    [
        ("confirm", "Пацвердзіце подпіс", SignatureState.CONFIRMED),
        ("withdraw", "Адклікаць подпіс", SignatureState.WITHDRAWN),
    ],
)
def test_a_belarusian_signers_link_opens_in_belarusian_on_an_english_browser(
    supporter: Supporter,
    smtp: SmtpServer,
    app: Any,
    kind: str,
    heading: str,
    pressed: SignatureState,
) -> None:
    petition = open_petition()
    page = supporter.client.get(f"/p/{petition.slug}?lang=be")
    assert lxml_html.fromstring(page.get_data(as_text=True)).get("lang") == "be"
    signed = supporter.client.post(
        f"/p/{petition.slug}/sign?lang=be",
        data={**VALID_SIGNER, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert signed.status_code == 303
    supporter.deliver()
    mail = strictly_parsed(smtp.take_one())
    assert only_signature().locale == "be"
    link = next(line for line in text_of(mail).splitlines() if f"/{kind}/" in line)
    path = link.removeprefix("http://localhost")

    # Another device: no cookie, a browser that asks for English.
    other_device = app.test_client()
    shown = other_device.get(path, headers={"Accept-Language": "en"})

    document = lxml_html.fromstring(shown.get_data(as_text=True))
    assert document.get("lang") == "be"
    assert elements(document, "//h1")[0].text_content() == heading
    (form,) = elements(document, "//form[@method='post'][not(@action)]")
    token = elements(form, ".//input[@name='csrf_token']")[0].get("value")
    # The form posts to the page's own address, ?lang= included, as a browser does.
    answer = other_device.post(path, data={"csrf_token": token}, headers={"Accept-Language": "en"})
    assert lxml_html.fromstring(answer.get_data(as_text=True)).get("lang") == "be"
    assert only_signature().state is pressed


# --- every body, as committed -----------------------------------------------------------------


class TextBody(SingleFileSnapshotExtension):
    """A text body, kept as snapshots/test_content/<test>[<template name>].txt to read and diff.

    The folder is tests/mail/snapshots, not syrupy's __snapshots__: ``--snapshot-dirname`` in
    pyproject.toml (syrupy takes it for the whole session only).

    ``pytest --snapshot-update`` rewrites the files after a wanted change of a mail.
    """

    file_extension = "txt"
    _write_mode = WriteMode.TEXT


class HtmlBody(TextBody):
    """An HTML body, kept next to the text body of the same mail."""

    file_extension = "html"


def tokenless(body: str) -> str:
    """Return a body with its lines ending in LF (CRLF on the wire) and its tokens blanked."""
    return _TOKEN.sub(r"\1<token>", body.replace("\r\n", "\n"))


def mail_of_kind(kind: MailKind, supporter: Supporter, smtp: SmtpServer) -> EmailMessage:
    """Have Christie (VALID_SIGNER) cause the mail of ``kind`` and return it as it arrived."""
    petition = open_petition(slug="free-ales-bialiatski")  # a fixed link in the snapshot
    if kind is MailKind.CONFIRMATION:
        return mailed(supporter, smtp, petition.slug)
    signer = {key: VALID_SIGNER[key] for key in ("full_name", "email", "country", "city")}
    signature = confirmed_signature(petition, **signer)
    messages.queue(kind, signature.id)
    db.session.commit()
    supporter.deliver()
    return strictly_parsed(smtp.take_one())


@pytest.mark.parametrize(
    "kind",
    [MailKind.CONFIRMATION, MailKind.ALREADY_SIGNED],
    ids=lambda kind: str(kind.value),
)
def test_the_bodies_match_their_snapshots(
    supporter: Supporter, smtp: SmtpServer, snapshot: SnapshotAssertion, kind: MailKind
) -> None:
    message = mail_of_kind(kind, supporter, smtp)

    text = text_of(message)
    links = [line for line in text.splitlines() if "://" in line]
    if kind is MailKind.CONFIRMATION:
        assert len(links) == 3  # confirm, withdraw, and what is held (retention)
        assert all(tokenless(link).endswith("/<token>?lang=en") for link in links)
    html_part = message.get_body(("html",))
    assert html_part is not None
    assert tokenless(text) == snapshot.use_extension(TextBody)
    assert tokenless(html_part.get_content()) == snapshot.use_extension(HtmlBody)


def test_every_mail_kind_has_its_snapshots() -> None:
    """A new kind of mail gets its bodies snapshotted too (a kind never rendered excepted)."""
    rendered = set(MailKind) - {MailKind.SIGN_ATTEMPT}
    for kind in rendered:
        name = f"test_the_bodies_match_their_snapshots[{kind.value}]"
        assert (SNAPSHOTS / "test_content" / f"{name}.txt").is_file(), kind
        assert (SNAPSHOTS / "test_content" / f"{name}.html").is_file(), kind
