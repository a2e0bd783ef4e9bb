"""Reviewing quarantined signatures from the command line: grouped, released or invalidated
exactly once, every decision recorded, bad input refused with nothing changed."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing.models import ReviewAction, ReviewDecision, SignatureState
from tests.conftest import OrganizerBrowser, Supporter, signature_states
from tests.defence.test_quarantine import LIMITS, Flooder, flood
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import count_in_api, one, parse, words
from tests.servers import SmtpServer


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return LIMITS


@pytest.fixture
def flooded(supporter: Supporter, smtp: SmtpServer, client: FlaskClient) -> Petition:
    """A petition with 3 counted and 7 quarantined signatures: 10 from one connection, two
    of them at one domain."""
    petition = open_petition()
    who = [Flooder("203.0.113.7", f"f{n}@f{n}.example") for n in range(8)]
    who += [Flooder("203.0.113.7", f"g{n}@one-domain.example") for n in range(2)]
    flood(supporter, smtp, client, petition.slug, who)
    assert count_in_api(client, petition.slug) == 3
    return petition


@pytest.fixture
def reviewer(organizer_browser: OrganizerBrowser, flooded: Petition) -> OrganizerBrowser:
    """Tatsiana, who runs the flooded petition's case, logged in."""
    organizer("tatsiana@example.org", cases=(flooded.case,))
    organizer_browser.log_in("tatsiana@example.org", ORGANIZER_PASSWORD)
    return organizer_browser


def quarantine(runner: FlaskCliRunner, *arguments: str) -> Any:
    return runner.invoke(args=["quarantine", *arguments])


def test_the_queue_groups_what_waits(runner: FlaskCliRunner, flooded: Petition) -> None:
    listed = quarantine(runner, "list", flooded.slug)

    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == f"7 quarantined signatures on {flooded.slug}"
    assert "  client-burst: 7" in lines
    assert "  one-domain.example: 2" in lines
    assert "  NL: 7" in lines


def test_a_release_counts_each_signature_exactly_once(
    runner: FlaskCliRunner, client: FlaskClient, flooded: Petition
) -> None:
    dry = quarantine(runner, "release", flooded.slug, "--reason", "client-burst", "--dry-run")
    assert dry.output.strip() == "would release 7 (reason client-burst)"
    assert count_in_api(client, flooded.slug) == 3

    first = quarantine(runner, "release", flooded.slug, "--all", "--by", "Tatsiana (Viasna)")
    again = quarantine(runner, "release", flooded.slug, "--all")

    assert first.output.strip() == "released 7 (all)"
    assert again.output.strip() == "released 0 (all)"
    assert count_in_api(client, flooded.slug) == 10
    assert signature_states(flooded.id) == Counter({SignatureState.CONFIRMED: 10})
    api = client.get(f"/api/v1/petitions/{flooded.slug}").get_json()
    assert api["set_aside"] == {"quarantined": 0, "invalidated": 0, "by_reason": {}}
    recorded = db.session.execute(
        db.select(ReviewDecision.action, ReviewDecision.by, ReviewDecision.changed).order_by(
            ReviewDecision.id
        )
    ).all()
    assert recorded == [
        (ReviewAction.RELEASE, "Tatsiana (Viasna)", 7),
        (ReviewAction.RELEASE, "command line", 0),
    ]


def test_invalidating_a_domain_sets_it_aside_for_good_and_says_so(
    runner: FlaskCliRunner, client: FlaskClient, flooded: Petition
) -> None:
    done = quarantine(runner, "invalidate", flooded.slug, "--domain", "ONE-domain.example")

    assert done.output.strip() == "invalidated 2 (domain ONE-domain.example)"
    assert count_in_api(client, flooded.slug) == 3
    states = signature_states(flooded.id)
    assert states[SignatureState.INVALIDATED] == 2
    assert states[SignatureState.QUARANTINED] == 5
    api = client.get(f"/api/v1/petitions/{flooded.slug}").get_json()
    assert api["set_aside"] == {
        "quarantined": 5,
        "invalidated": 2,
        "by_reason": {"client-burst": 7},
    }
    # An invalidated signature is not released by a later --all.
    quarantine(runner, "release", flooded.slug, "--all")
    assert count_in_api(client, flooded.slug) == 8


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["release", "no-such-petition", "--all"], "There is no petition 'no-such-petition'."),
        (["release", "{slug}"], "Name what to decide on: --all, or at least one filter."),
        (["release", "{slug}", "--all", "--country", "NL"], "--all takes no filter beside it."),
        (["release", "{slug}", "--country", "XX"], "'XX' is not an ISO 3166 country code."),
        (["release", "{slug}", "--reason", "bots"], "'bots' is not one of"),
        (["invalidate", "{slug}", "--from", "yesterday"], "'yesterday' does not match the format"),
        (["invalidate", "{slug}", "--id", "0"], "0 is not in the range x>=1"),
        (["list", "no-such-petition"], "There is no petition 'no-such-petition'."),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    runner: FlaskCliRunner, flooded: Petition, arguments: list[str], message: str
) -> None:
    before = signature_states(flooded.id)

    result = quarantine(runner, *(a.format(slug=flooded.slug) for a in arguments))

    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert signature_states(flooded.id) == before
    assert db.session.execute(db.select(db.func.count(ReviewDecision.id))).scalar_one() == 0


def test_an_organizer_releases_a_group_from_the_review_page(
    reviewer: OrganizerBrowser, client: FlaskClient, flooded: Petition
) -> None:
    dashboard = parse(client.get(f"/organizer/petitions/{flooded.slug}/signatures"))
    review_path = str(one(dashboard, '[data-testid="review-link"]')["href"])

    page = parse(client.get(review_path))
    assert " ".join(one(page, '[data-testid="waiting"]').get_text().split()) == (
        "7 signatures wait for review."
    )
    domain_row = next(
        row for row in page.select('[data-testid="group-domain"]') if "one-domain" in row.text
    )
    assert [cell.get_text(strip=True) for cell in domain_row.select("td")][:2] == [
        "one-domain.example",
        "2",
    ]
    release, invalidate = domain_row.select("form")
    assert release.get_text(strip=True) == "Release and count"
    assert invalidate.get_text(strip=True) == "Set aside for good"
    fields = {i["name"]: i["value"] for i in release.select("input[type=hidden]")}
    answer = client.post(str(release["action"]), data=fields)

    assert answer.status_code == 303
    after = parse(client.get(answer.headers["Location"]))
    assert "2 signatures released and counted." in words(after)
    assert " ".join(one(after, '[data-testid="waiting"]').get_text().split()) == (
        "5 signatures wait for review."
    )
    decision = [
        cell.get_text(" ", strip=True) for cell in one(after, '[data-testid="decision"]')("td")
    ]
    assert decision[1:] == ["tatsiana@example.org", "released", "domain one-domain.example", "2"]
    assert count_in_api(client, flooded.slug) == 5


def test_a_button_with_a_tampered_group_decides_nothing(
    reviewer: OrganizerBrowser, client: FlaskClient, flooded: Petition
) -> None:
    path = f"/organizer/petitions/{flooded.slug}/review/release"

    for data in (
        {},
        {"reason": "bots"},
        {"reason": "client-burst", "everything": "y"},
        {"hour": "yesterday"},
    ):
        assert reviewer.post(path, data, page=f"{path[:-7]}").status_code == 400

    assert count_in_api(client, flooded.slug) == 3
    assert db.session.execute(db.select(db.func.count(ReviewDecision.id))).scalar_one() == 0


def test_an_hour_of_the_queue_is_released_by_its_button(
    reviewer: OrganizerBrowser, client: FlaskClient, flooded: Petition
) -> None:
    page = parse(client.get(f"/organizer/petitions/{flooded.slug}/review/"))
    first_hour = one(page, '[data-testid="group-hour"]')
    label, shown = [cell.get_text(strip=True) for cell in first_hour.select("td")][:2]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:00–\d\d:59 UTC", label)
    release = first_hour.select("form")[0]
    fields = {i["name"]: i["value"] for i in release.select("input[type=hidden]")}

    assert client.post(str(release["action"]), data=fields).status_code == 303

    assert count_in_api(client, flooded.slug) == 3 + int(shown)
    recorded = db.session.execute(db.select(ReviewDecision.subject)).scalar_one()
    assert re.fullmatch(r"from \d{4}-\d\d-\d\d \d\d:00; until \d{4}-\d\d-\d\d \d\d:00", recorded)
