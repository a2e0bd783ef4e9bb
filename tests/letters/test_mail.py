"""The letter writer's mail: its links, its language, and its bodies as committed."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from syrupy.assertion import SnapshotAssertion

from petitions.mail.worker import drain_once
from tests.conftest import csrf_token
from tests.factories import detained_case, open_letters
from tests.mail.test_content import HtmlBody, TextBody
from tests.servers import SmtpServer

WISH = "Дарагі Алесь! Віншуем цябе з днём нараджэння."
#: A signed link's token changes with every run; the snapshots hold ``<token>`` instead.
_TOKEN = re.compile(r"(/(?:confirm-letter|withdraw-letter|holdings)/)[A-Za-z0-9_.-]+")


def tokenless(body: str) -> str:
    """Return a body with LF line ends and its tokens blanked (as tests/mail/test_content.py)."""
    return _TOKEN.sub(r"\1<token>", body.replace("\r\n", "\n"))


def test_the_writers_mail_matches_its_snapshots(
    client: FlaskClient, smtp: SmtpServer, snapshot: SnapshotAssertion
) -> None:
    case = detained_case(slug="ales-bialiatski")
    open_letters(case)
    page = client.get(f"/cases/{case.slug}/write")
    client.post(
        f"/cases/{case.slug}/write",
        data={
            "occasion": "birthday",
            "language": "be",
            "body": WISH,
            "writer_name": "Christie of Den Haag",
            "email": "christie@example.org",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    drain_once()
    mail = smtp.take_one()
    assert mail.message["Subject"] == "Please confirm your letter to Ales Bialiatski"
    assert mail.message["List-Unsubscribe"].startswith("<http://localhost/withdraw-letter/")
    links = [line for line in mail.text.splitlines() if "://" in line]
    assert [tokenless(link) for link in links] == [
        "http://localhost/confirm-letter/<token>?lang=en",
        "http://localhost/withdraw-letter/<token>?lang=en",
        "http://localhost/holdings/<token>?lang=en",
    ]
    assert "christie@example.org" not in mail.text
    html = mail.message.get_body(("html",))
    assert html is not None
    assert tokenless(mail.text) == snapshot.use_extension(TextBody)
    assert tokenless(html.get_content()) == snapshot.use_extension(HtmlBody)
