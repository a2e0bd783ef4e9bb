"""A street stall: forty people sign on one tablet behind one Wi-Fi. Allowed by an organizer,
the connection's signatures all count; without the allowance all but the first wait for review."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.defence.models import AllowedClient
from petitions.extensions import db
from petitions.signing.models import SignatureState
from tests.conftest import OrganizerBrowser, Supporter, signature_states
from tests.defence.test_quarantine import Flooder, flood
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import count_in_api, one, parse, words
from tests.servers import SmtpServer

COUNTRIES = ["NL", "BE", "DE", "FR", "PL", "LT"]


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    # The shipped quarantine limits (1 a minute, 5 in 5 minutes per connection); the stall's
    # 60 confirmations from one connection stay under the link ceiling.
    return {
        "QUARANTINE_CLIENT_BURST": "1 per minute",
        "QUARANTINE_CLIENT_SUSTAINED": "5 per 5 minutes",
        "LINK_RATE_LIMIT": "1000 per minute",
    }


def stall(address: str, count: int = 60) -> list[Flooder]:
    return [
        Flooder(address, f"visitor{n}@gmail.com", COUNTRIES[n % len(COUNTRIES)])
        for n in range(count)
    ]


def test_an_allowed_stall_takes_sixty_signatures_and_all_count(
    runner: FlaskCliRunner,
    supporter: Supporter,
    smtp: SmtpServer,
    client: FlaskClient,
) -> None:
    petition, other = open_petition(), open_petition()
    allowed = runner.invoke(
        args=["quarantine", "allow", petition.slug, "203.0.113.40", "--hours", "8",
              "--note", "Stall at Den Haag Centraal", "--by", "Christie"]
    )  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    assert f"203.0.113.40/32 may sign {petition.slug} past the per-client limits" in allowed.output

    flood(supporter, smtp, client, petition.slug, stall("203.0.113.40"))
    # The allowance is for that petition only.
    flood(supporter, smtp, client, other.slug, stall("203.0.113.40", count=6))

    assert count_in_api(client, petition.slug) == 60
    assert signature_states(petition.id) == {SignatureState.CONFIRMED: 60}
    assert count_in_api(client, other.slug) == 1
    assert signature_states(other.id)[SignatureState.QUARANTINED] == 5
    listed = runner.invoke(args=["quarantine", "list", petition.slug]).output
    assert "203.0.113.40/32 Stall at Den Haag Centraal" in listed


def test_without_the_allowance_the_stall_waits_for_review(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()

    flood(supporter, smtp, client, petition.slug, stall("203.0.113.41", count=12))

    assert count_in_api(client, petition.slug) == 1
    assert signature_states(petition.id)[SignatureState.QUARANTINED] == 11


def test_an_ipv6_stall_is_allowed_by_its_network(
    runner: FlaskCliRunner, supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    runner.invoke(args=["quarantine", "allow", petition.slug, "2001:db8:5:6::/64"])

    who = [Flooder(f"2001:db8:5:6::{n + 1:x}", f"v{n}@gmail.com", "NL") for n in range(8)]
    flood(supporter, smtp, client, petition.slug, who)

    assert count_in_api(client, petition.slug) == 8


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["not-an-address"], "'not-an-address' is not an IP address or network."),
        (["10.0.0.0/8"], "10.0.0.0/8 is too wide: allow at most a /24"),
        (["2001:db8::/32"], "2001:db8::/32 is too wide: allow at most a /48"),
        (["203.0.113.9", "--hours", "500"], "Allow a connection for 1 to 168 hours, not 500."),
        (["203.0.113.9", "--hours", "0"], "0 is not in the range x>=1"),
    ],
)
def test_a_bad_allowance_is_refused_clearly_and_changes_nothing(
    runner: FlaskCliRunner, petition_slug: str, arguments: list[str], message: str
) -> None:
    result = runner.invoke(args=["quarantine", "allow", petition_slug, *arguments])

    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert db.session.execute(db.select(db.func.count(AllowedClient.id))).scalar_one() == 0


@pytest.fixture
def petition_slug() -> str:
    petition: Petition = open_petition()
    return petition.slug


def test_an_organizer_allows_and_ends_a_stall_from_the_review_page(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition()
    organizer("christie@example.org", cases=(petition.case,))
    organizer_browser.log_in("christie@example.org", ORGANIZER_PASSWORD)
    page = f"/organizer/petitions/{petition.slug}/review/"

    too_wide = organizer_browser.post(
        f"{page}allow", {"network": "10.0.0.0/8", "hours": "8", "note": "Stall"}, page=page
    )
    assert too_wide.status_code == 422
    refused = parse(too_wide)
    assert "10.0.0.0/8 is too wide" in words(one(refused, "#allowances"))
    assert one(refused, "input[name=network]")["value"] == "10.0.0.0/8"  # kept to fix

    allowed = organizer_browser.post(
        f"{page}allow", {"network": "203.0.113.40", "hours": "8", "note": "Centraal"}, page=page
    )
    assert allowed.status_code == 303
    shown = parse(client.get(page))
    item = one(shown, '[data-testid="allowance"]')
    assert words(item).startswith("203.0.113.40/32 Centraal · until")
    assert "christie@example.org" in words(item)

    end = one(item, "form")
    assert organizer_browser.post(str(end["action"]), page=page).status_code == 303
    assert parse(client.get(page)).select('[data-testid="allowance"]') == []
    assert organizer_browser.post(str(end["action"]), page=page).status_code == 404
    # Ended, not forgotten: who allowed which connection stays on record.
    kept = db.session.execute(db.select(AllowedClient)).scalar_one()
    assert (kept.network, kept.by) == ("203.0.113.40/32", "christie@example.org")
    assert kept.until <= utcnow()
