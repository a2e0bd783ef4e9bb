"""The block-list: a blocked connection, domain or address is taken and thanked as anybody,
and its signatures wait for review instead of counting; the list holds no address in clear."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from petitions.defence.models import BlockedSender
from petitions.extensions import db
from tests.conftest import Supporter
from tests.defence.test_quarantine import Flooder, assert_all_saw_the_same, flood, reasons
from tests.factories import open_petition
from tests.helpers import count_in_api
from tests.servers import SmtpServer


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"LINK_RATE_LIMIT": "1000 per minute"}  # no quarantine limit: only the list


def quarantine(runner: FlaskCliRunner, *arguments: str) -> Any:
    return runner.invoke(args=["quarantine", *arguments])


def test_blocked_senders_are_thanked_as_anybody_and_not_counted(
    runner: FlaskCliRunner, supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    for arguments in (
        ["--network", "198.51.100.0/24", "--note", "a botnet's range"],
        ["--domain", "spam.example"],
        ["--address", "Known.Flooder+1@Example.org"],
    ):
        assert quarantine(runner, "block", *arguments).exit_code == 0
    who = [
        Flooder("198.51.100.23", "a@fine.example"),  # the blocked network
        Flooder("203.0.113.1", "b@mx.spam.example"),  # a subdomain of the blocked domain
        Flooder("203.0.113.2", "known.flooder@example.org"),  # the address, spelled otherwise
        Flooder("203.0.113.3", "someone@example.org"),  # nobody blocked
    ]

    seen = flood(supporter, smtp, client, petition.slug, who)

    assert_all_saw_the_same(seen)
    assert reasons(petition) == Counter({"blocked": 3, None: 1})
    assert count_in_api(client, petition.slug) == 1
    listed = quarantine(runner, "blocked").output
    assert "network 198.51.100.0/24 a botnet's range" in listed
    assert "domain spam.example" in listed
    assert "address (address)" in listed
    kept = db.session.execute(db.select(BlockedSender.value)).scalars().all()
    assert not any("flooder" in value or "@" in value for value in kept)


def test_unblocking_lets_the_next_signature_count(
    runner: FlaskCliRunner, supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    added = quarantine(runner, "block", "--domain", "mistake.example").output
    entry = added.split("#", 1)[1].split(":", 1)[0]
    assert quarantine(runner, "unblock", entry).output.strip() == f"unblocked #{entry}"

    flood(supporter, smtp, client, petition.slug, [Flooder("203.0.113.9", "x@mistake.example")])

    assert count_in_api(client, petition.slug) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["block"], "Name one of --network, --domain or --address."),
        (["block", "--domain", "a.example", "--network", "10.0.0.1"], "Name one of"),
        (["block", "--network", "nonsense"], "'nonsense' is not an IP address or network."),
        (["block", "--network", "0.0.0.0/0"], "0.0.0.0/0 is too wide to block: at most a /8."),
        (["block", "--domain", "localhost"], "'localhost' is not a mail domain."),
        (["block", "--address", "not-an-address"], "'not-an-address' is not an email address."),
        (["unblock", "99"], "There is no block-list entry #99."),
    ],
)
def test_a_bad_entry_is_refused_clearly_and_changes_nothing(
    runner: FlaskCliRunner, arguments: list[str], message: str
) -> None:
    result = quarantine(runner, *arguments)

    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert db.session.execute(db.select(db.func.count(BlockedSender.id))).scalar_one() == 0
