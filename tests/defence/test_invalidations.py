"""Invalidations: a rule previewed, run in batches, cancelled midway, undone, with the count exact
at every step, and silent to the signers it takes (issue #13)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from petitions.cases.models import Petition
from petitions.counting.services import count_drift
from petitions.extensions import db
from petitions.signing import invalidations
from petitions.signing.invalidations import Rule, RuleRefused
from petitions.signing.models import Invalidation, InvalidationStatus, SignatureState
from tests.conftest import Supporter, signature_states
from tests.defence.test_quarantine import LIMITS, Flooder, flood
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import count_in_api, one, parse
from tests.servers import SmtpServer

FLOOD_NET = "203.0.113.0/24"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    # A burst limit of 3 per connection: each flooding address gets 3 counted, then quarantine.
    return {**LIMITS, "QUARANTINE_COUNTRY_LIMIT": "1000 per hour"}


@pytest.fixture
def attacked(supporter: Supporter, smtp: SmtpServer, client: FlaskClient) -> Petition:
    """A petition with 4 real signatures and a flood from one /24 that walked past the limits
    on 6 addresses: 18 counted + 6 quarantined confirmed, and 5 left pending."""
    petition = open_petition()
    for n in range(4):
        confirmed_signature(petition, full_name=f"Real Signer {n}", email=f"real{n}@example.org")
    who = [
        Flooder(f"203.0.113.{10 + n // 4}", f"bot{n}@bots{n}.example", country="BY")
        for n in range(24)
    ]
    flood(supporter, smtp, client, petition.slug, who)
    for n in range(5):
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{100 + n}"
        supporter.sign(petition.slug, email=f"late{n}@bots.example", country="BY")
    supporter.deliver()
    smtp.take(5)
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    assert count_in_api(client, petition.slug) == 4 + 18
    return petition


def assert_count_exact(client: FlaskClient, petition: Petition) -> int:
    """The published count equals the confirmed rows, and no petition drifted."""
    db.session.rollback()
    confirmed = signature_states(petition.id)[SignatureState.CONFIRMED]
    assert count_in_api(client, petition.slug) == confirmed
    assert count_drift() == []
    return confirmed


def test_the_preview_says_by_state_what_the_rule_matches(attacked: Petition) -> None:
    found = invalidations.preview(attacked.id, Rule(ip_range=FLOOD_NET))

    assert (found.counted, found.quarantined, found.pending) == (18, 6, 5)
    assert signature_states(attacked.id)[SignatureState.INVALIDATED] == 0, "nothing changed"


def test_an_invalidations_preview_equals_what_it_removes(
    attacked: Petition, client: FlaskClient
) -> None:
    rule = Rule(ip_range=FLOOD_NET)
    expected = invalidations.preview(attacked.id, rule)

    made = invalidations.start(attacked, rule, by="tatsiana@example.org")
    batches = 0
    while invalidations.run_batch(made.id, size=7):
        batches += 1
        assert_count_exact(client, attacked)

    done = invalidations.find(attacked.id, made.id)
    assert done is not None
    assert done.status is InvalidationStatus.DONE
    assert (done.matched, done.taken, done.uncounted) == (29, 29, 18)
    assert batches == 4  # 29 in batches of 7: four full ones, then the last
    assert expected.total == done.taken
    states = signature_states(attacked.id)
    assert states == Counter({SignatureState.CONFIRMED: 4, SignatureState.INVALIDATED: 29})
    assert assert_count_exact(client, attacked) == 4
    api = client.get(f"/api/v1/petitions/{attacked.slug}").get_json()
    assert api["set_aside"]["invalidated"] == 29
    assert api["set_aside"]["by_reason"] == {"rule": 29}


def test_cancelling_midway_leaves_counts_exact_and_undo_gives_everything_back(
    attacked: Petition, client: FlaskClient
) -> None:
    before = signature_states(attacked.id)
    made = invalidations.start(attacked, Rule(ip_range=FLOOD_NET), by="tatsiana@example.org")
    assert invalidations.run_batch(made.id, size=10)
    assert invalidations.run_batch(made.id, size=10)

    assert invalidations.cancel(attacked.id, made.id)
    assert not invalidations.run_batch(made.id, size=10), "a cancelled one takes no more"

    cancelled = invalidations.find(attacked.id, made.id)
    assert cancelled is not None
    assert cancelled.status is InvalidationStatus.CANCELLED
    assert cancelled.taken == 20
    assert signature_states(attacked.id)[SignatureState.INVALIDATED] == 20
    assert assert_count_exact(client, attacked) == 22 - cancelled.uncounted
    assert not invalidations.cancel(attacked.id, made.id), "cancelled once only"

    undone = invalidations.undo(attacked.id, made.id, by="tatsiana@example.org")

    assert undone is not None
    assert undone.restored == 20
    assert signature_states(attacked.id) == before
    assert assert_count_exact(client, attacked) == 22
    assert invalidations.undo(attacked.id, made.id, by="again") is None, "undone once only"


def test_a_pending_signature_taken_is_still_mailed_and_thanked_and_counts_after_an_undo(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    supporter.sign(petition.slug, email="maybe-real@example.org", full_name="Ales Real")
    made = invalidations.start(petition, Rule(name_pattern="ales*"), by="tatsiana@example.org")
    invalidations.run_to_end(made.id)
    assert signature_states(petition.id) == Counter({SignatureState.INVALIDATED: 1})

    supporter.deliver()
    mail = one_mail(smtp)
    assert mail.message["Subject"].startswith("Please confirm your signature")
    thanks = supporter.open_and_press(mail.link("confirm"))
    assert one(parse(thanks), "main h1").get_text(" ", strip=True) == (
        "Thank you: your signature is confirmed"
    )
    assert count_in_api(client, petition.slug) == 0

    invalidations.undo(petition.id, made.id, by="tatsiana@example.org")

    assert signature_states(petition.id) == Counter({SignatureState.CONFIRMED: 1})
    assert count_in_api(client, petition.slug) == 1


def one_mail(smtp: SmtpServer) -> Any:
    (mail,) = smtp.take(1)
    return mail


def test_signatures_withdrawn_meanwhile_stay_withdrawn_after_an_undo(
    attacked: Petition, client: FlaskClient
) -> None:
    from petitions.signing import services

    made = invalidations.start(attacked, Rule(domain="bots.example"), by="t@example.org")
    invalidations.run_to_end(made.id)
    taken = db.session.execute(
        db.select(db.text("signature_id FROM invalidated_signatures"))
    ).scalars()
    first = sorted(taken)[0]
    services.withdraw(first)

    undone = invalidations.undo(attacked.id, made.id, by="t@example.org")

    assert undone is not None
    assert undone.restored == 4
    assert signature_states(attacked.id)[SignatureState.WITHDRAWN] == 1
    assert_count_exact(client, attacked)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule(domain="bots3.example"), 1),
        (Rule(domain="ots3.example"), 0),  # itself and its subdomains, not any ending
        (Rule(name_pattern="real signer*"), 4),
        (Rule(name_pattern="REAL_SIGNER*"), 0),  # _ is a character, not LIKE's wildcard
        (Rule(country="BY"), 29),
        (Rule(country="BY", ip_range="203.0.113.100/30"), 4),
        (Rule(ip_range="203.0.113.10"), 4),
        (Rule(source="nowhere"), 0),
    ],
    ids=str,
)
def test_each_criterion_matches_what_it_says(attacked: Petition, rule: Rule, expected: int) -> None:
    assert invalidations.preview(attacked.id, rule).total == expected


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (Rule(), "Name at least one thing"),
        (Rule(name_pattern="**"), "matches everybody"),
        (Rule(ip_range="10.0.0.0/8"), "too wide"),
        (Rule(ip_range="nonsense"), "is not an IP address"),
        (Rule(domain="not a domain"), "is not a mail domain"),
        (Rule(domain="example"), "is not a mail domain"),
        (Rule(country="Belarus"), "is not a two-letter country code"),
        (Rule(client_group="1:zz"), "is not a connection group"),
        (Rule(source="nowhere"), "matches no signature"),
    ],
    ids=str,
)
def test_a_bad_rule_is_refused_and_nothing_is_made(
    attacked: Petition, rule: Rule, why: str
) -> None:
    with pytest.raises(RuleRefused, match=why):
        invalidations.start(attacked, rule, by="t@example.org")
    assert db.session.execute(db.select(db.func.count()).select_from(Invalidation)).scalar() == 0


def test_the_worker_runs_invalidations_in_rounds(attacked: Petition, client: FlaskClient) -> None:
    first = invalidations.start(attacked, Rule(domain="bots.example"), by="t@example.org")
    second = invalidations.start(attacked, Rule(ip_range="203.0.113.10"), by="t@example.org")

    assert invalidations.run_due(budget_seconds=60) >= 2

    for made in (first, second):
        found = invalidations.find(attacked.id, made.id)
        assert found is not None
        assert found.status is InvalidationStatus.DONE
    assert signature_states(attacked.id)[SignatureState.INVALIDATED] == 9
    assert_count_exact(client, attacked)
    assert invalidations.run_due(budget_seconds=60) == 0


# --- the command line ------------------------------------------------------------------------


def invalidate(runner: FlaskCliRunner, *arguments: str) -> Any:
    return runner.invoke(args=["invalidate", *arguments])


def test_the_command_line_previews_runs_lists_and_undoes(
    runner: FlaskCliRunner, client: FlaskClient, attacked: Petition
) -> None:
    dry = invalidate(runner, attacked.slug, "--ip-range", FLOOD_NET, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == (
        f"would invalidate 29 (IP range {FLOOD_NET}): 18 counted, 6 quarantined, 5 pending"
    )
    assert signature_states(attacked.id)[SignatureState.INVALIDATED] == 0

    ran = invalidate(runner, attacked.slug, "--ip-range", FLOOD_NET, "--by", "Tatsiana")
    assert ran.exit_code == 0, ran.output
    assert ran.output.strip() == (
        f"invalidation #1: invalidated 29 (IP range {FLOOD_NET}), 18 of them were counted"
    )
    assert assert_count_exact(client, attacked) == 4

    listed = runner.invoke(args=["invalidations", "list", attacked.slug])
    assert listed.output.startswith(f"#1 done: IP range {FLOOD_NET}; took 29 of 29 previewed")
    assert "by Tatsiana" in listed.output

    undone = runner.invoke(args=["invalidations", "undo", attacked.slug, "1"])
    assert undone.output.strip() == "undid #1: restored 29"
    assert assert_count_exact(client, attacked) == 22


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--country", "XX"], "'XX' is not an ISO 3166 country code"),
        ([], "Name at least one thing"),
        (["--ip-range", "10.0.0.0/8"], "too wide"),
        (["--from", "yesterday"], "Invalid value for '--from'"),
        (["--name", "*"], "matches everybody"),
    ],
    ids=str,
)
def test_bad_command_line_input_is_refused_and_changes_nothing(
    runner: FlaskCliRunner, attacked: Petition, arguments: list[str], message: str
) -> None:
    before = signature_states(attacked.id)

    refused = invalidate(runner, attacked.slug, *arguments)

    assert refused.exit_code == 2, refused.output
    assert message in refused.output
    assert signature_states(attacked.id) == before


def test_the_command_line_names_a_petition_and_an_invalidation_that_do_not_exist(
    runner: FlaskCliRunner, attacked: Petition
) -> None:
    missing = invalidate(runner, "no-such-petition", "--domain", "bots.example")
    assert missing.exit_code == 1
    assert "There is no petition 'no-such-petition'" in missing.output
    for command in ("cancel", "undo"):
        answer = runner.invoke(args=["invalidations", command, attacked.slug, "9"])
        assert answer.exit_code == 1
        assert "no" in answer.output
        assert "#9" in answer.output


def test_pending_factories_count_too(client: FlaskClient) -> None:
    petition = open_petition()
    pending_signature(petition, full_name="Flood Bot", email="bot@flood.example")
    confirmed_signature(petition, full_name="Flood Bot Two", email="bot2@flood.example")

    made = invalidations.start(petition, Rule(domain="flood.example"), by="t@example.org")
    invalidations.run_to_end(made.id)

    assert signature_states(petition.id) == Counter({SignatureState.INVALIDATED: 2})
    assert count_in_api(client, petition.slug) == 0
