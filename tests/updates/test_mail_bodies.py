"""The bodies of the consent receipt and of an update, snapshotted as the other mails are."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from syrupy.assertion import SnapshotAssertion

from petitions.mail.worker import drain_once
from petitions.updates import services
from tests.conftest import SmtpServer, Supporter
from tests.factories import open_petition, organizer
from tests.mail.test_content import HtmlBody, TextBody
from tests.updates.conftest import consenting_signature, send_now, strictly_parsed, written_update

_VARYING = (
    (re.compile(r"(/(?:updates|holdings)/)[A-Za-z0-9_.-]+"), r"\1<token>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "<time> UTC"),
)


def _steady(body: str) -> str:
    body = body.replace("\r\n", "\n")
    for pattern, replacement in _VARYING:
        body = pattern.sub(replacement, body)
    return body


def _assert_bodies(message: EmailMessage, snapshot: SnapshotAssertion) -> None:
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None
    assert html_part is not None
    assert _steady(text_part.get_content()) == snapshot.use_extension(TextBody)
    assert _steady(html_part.get_content()) == snapshot.use_extension(HtmlBody)


def test_the_consent_receipt(
    supporter: Supporter, smtp: SmtpServer, snapshot: SnapshotAssertion
) -> None:
    petition = open_petition(slug="free-ales-bialiatski")
    supporter.sign(petition.slug, updates_consent="y")
    supporter.deliver()
    supporter.open_and_press(smtp.take_one().link("confirm"))
    supporter.deliver()
    _assert_bodies(strictly_parsed(smtp.take_one()), snapshot)


def test_an_update(smtp: SmtpServer, snapshot: SnapshotAssertion) -> None:
    petition = open_petition(slug="free-ales-bialiatski")
    author = organizer(cases=(petition.case,))
    consenting_signature(petition, email="christie@example.org")
    update = written_update(
        author,
        {"en": ("He was moved", "Ales was moved to another colony.\n\nWrite to him there.")},
        petition=petition,
    )
    send_now(update)
    services.queue_due()
    time.sleep(0.05)
    drain_once()
    _assert_bodies(strictly_parsed(smtp.take_one()), snapshot)
