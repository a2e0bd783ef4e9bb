"""The organizer's side of invalidations and trending, as an organizer reads and presses them:
the dashboard's flags, the review queue by connection group, the rule's preview, the progress,
cancel and undo (issue #13)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing import invalidations
from petitions.signing.models import Invalidation
from tests.conftest import OrganizerBrowser, Supporter, csrf_token
from tests.defence.test_invalidations import FLOOD_NET, attacked, config_overrides
from tests.factories import ORGANIZER_PASSWORD, organizer
from tests.helpers import count_in_api, one, parse, words
from tests.servers import SmtpServer

__all__ = ["attacked", "config_overrides"]  # fixtures shared with test_invalidations


@pytest.fixture
def tatsiana(organizer_browser: OrganizerBrowser, attacked: Petition) -> OrganizerBrowser:
    organizer("tatsiana@example.org", cases=(attacked.case,))
    organizer_browser.log_in("tatsiana@example.org", ORGANIZER_PASSWORD)
    return organizer_browser


def said(element: Any) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def test_the_dashboard_flags_the_flooding_group_and_links_to_its_review_and_a_rule(
    tatsiana: OrganizerBrowser, client: FlaskClient, attacked: Petition
) -> None:
    dashboard = parse(client.get("/organizer/"))

    trends = dashboard.select('[data-testid="trend"]')
    assert len(trends) == 1, [said(trend) for trend in trends]
    # 24 of the hour's 28 confirmations (the 4 real ones too were confirmed just now) came from
    # one connection group; their domains are all different, so no domain is flagged.
    assert said(trends[0]).startswith("Connection group ")
    assert "86% of the last hour’s signatures (24 of 28)." in said(trends[0])

    review = parse(client.get(str(one(trends[0], '[data-testid="trend-review"]')["href"])))
    assert said(one(review, '[data-testid="focus-count"]')) == (
        "6 of its signatures wait for review."
    )
    rule_link = str(one(trends[0], '[data-testid="trend-rule"]')["href"])
    group = parse_qs(urlsplit(rule_link).query)["client_group"][0]
    page = parse(client.get(rule_link))
    assert said(one(page, '[data-testid="rule-group"]')).startswith("Connection group ")
    assert one(page, 'input[name="client_group"]')["value"] == group


def test_the_review_queue_groups_by_connection_group(
    tatsiana: OrganizerBrowser, client: FlaskClient, attacked: Petition
) -> None:
    page = parse(client.get(f"/organizer/petitions/{attacked.slug}/review/"))

    rows = page.select('[data-testid="group-group"]')
    assert [said(row.select("td")[1]) for row in rows] == ["6"]
    release = rows[0].select("form")[0]
    fields = {i["name"]: i["value"] for i in release.select("input[type=hidden]")}
    assert client.post(str(release["action"]), data=fields).status_code == 303
    assert count_in_api(client, attacked.slug) == 22 + 6


def test_an_organizer_previews_runs_watches_and_undoes_an_invalidation(
    tatsiana: OrganizerBrowser, client: FlaskClient, attacked: Petition
) -> None:
    base = f"/organizer/petitions/{attacked.slug}/invalidations/"
    petition_page = parse(client.get(f"/organizer/petitions/{attacked.slug}/signatures"))
    assert one(petition_page, '[data-testid="invalidations-link"]')["href"] == base

    preview = client.get(base, query_string={"preview": "1", "ip_range": FLOOD_NET})
    assert preview.status_code == 200
    shown = parse(preview)
    assert said(one(shown, '[data-testid="preview-total"]')) == "The rule matches 29 signatures."
    assert said(one(shown, '[data-testid="preview-counted"]')) == "18 counted"
    assert said(one(shown, '[data-testid="preview-quarantined"]')) == "6 quarantined"
    assert said(one(shown, '[data-testid="preview-pending"]')) == "5 waiting for confirmation"
    assert count_in_api(client, attacked.slug) == 22, "a preview changes nothing"
    remove = one(shown, '[data-testid="preview"] form')
    assert said(one(remove, "button")) == "Remove these 29 signatures"
    fields = {i["name"]: i["value"] for i in remove.select("input[type=hidden]")}
    assert fields["ip_range"] == FLOOD_NET

    started = client.post(str(remove["action"]), data=fields)
    assert started.status_code == 303
    page = parse(client.get(started.headers["Location"]))
    assert "Removing 29 signatures; the progress shows below." in words(page)
    row = one(page, '[data-testid="invalidation"]')
    assert said(one(row, '[data-testid="invalidation-progress"]')) == "waiting to start: 0 of 29"
    assert one(row, "progress")["value"] == "0"
    progress_url = str(row["data-progress-url"])

    made = db.session.execute(db.select(Invalidation.id)).scalar_one()
    invalidations.run_batch(made, size=10)
    polled = client.get(progress_url)
    assert "no-store" in polled.headers["Cache-Control"], "organizer pages are never kept"
    assert polled.get_json() == {
        "status": "running",
        "taken": 10,
        "matched": 29,
        "uncounted": polled.get_json()["uncounted"],
        "text": "running: 10 of 29",
    }
    invalidations.run_due(budget_seconds=60)
    assert client.get(progress_url).get_json()["text"] == "done: 29 of 29"
    assert count_in_api(client, attacked.slug) == 4

    page = parse(client.get(base))
    row = one(page, '[data-testid="invalidation"]')
    cells = [said(cell) for cell in row.select("td")]
    assert cells[1:5] == ["tatsiana@example.org", f"IP range {FLOOD_NET}", "done: 29 of 29", "18"]
    assert not row.has_attr("data-progress-url"), "nothing left to watch"
    undo = one(row, "form")
    assert said(undo) == "Undo"
    token = csrf_token(client.get(base).get_data(as_text=True))
    undone = client.post(str(undo["action"]), data={"csrf_token": token})
    assert undone.status_code == 303
    after = parse(client.get(undone.headers["Location"]))
    assert "29 signatures were given back their states." in words(after)
    assert "undone: 29 of 29 · 29 given back" in said(one(after, '[data-testid="invalidation"]'))
    assert count_in_api(client, attacked.slug) == 22


def test_cancel_from_the_page_stops_the_batches(
    tatsiana: OrganizerBrowser, client: FlaskClient, attacked: Petition
) -> None:
    base = f"/organizer/petitions/{attacked.slug}/invalidations/"
    made = invalidations.start(attacked, invalidations.Rule(country="BY"), by="t@example.org")
    invalidations.run_batch(made.id, size=5)
    page = parse(client.get(base))
    cancel = one(page, '[data-testid="invalidation"] form')
    assert said(cancel) == "Cancel"

    answer = tatsiana.post(str(cancel["action"]), page=base)

    assert answer.status_code == 303
    assert invalidations.run_due(budget_seconds=60) == 0
    row = one(parse(client.get(base)), '[data-testid="invalidation"]')
    assert said(one(row, '[data-testid="invalidation-progress"]')) == "cancelled: 5 of 29"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, None, "Name at least one thing the signatures to remove have in common."),
        ({"ip_range": "10.0.0.0/8"}, None, "too wide to match"),
        ({"country": "XX"}, "country", "Give a two-letter country code such as BY or VA."),
        ({"signed_from": "yesterday"}, "signed_from", "Not a valid datetime value."),
        ({"source": "nowhere"}, None, None),
    ],
    ids=str,
)
def test_a_bad_rule_is_explained_on_the_page_and_nothing_is_made(
    tatsiana: OrganizerBrowser,
    client: FlaskClient,
    attacked: Petition,
    query: dict[str, str],
    field: str | None,
    message: str | None,
) -> None:
    base = f"/organizer/petitions/{attacked.slug}/invalidations/"

    preview = client.get(base, query_string={"preview": "1", **query})
    started = tatsiana.post(base, query, page=base)

    if message is None:  # a rule that matches nothing is previewed, with nothing to press
        assert preview.status_code == 200
        assert said(one(parse(preview), '[data-testid="preview-total"]')) == (
            "The rule matches 0 signatures."
        )
        assert not parse(preview).select('[data-testid="preview"] form')
        assert started.status_code == 422
        assert "The rule matches no signature: nothing to remove." in words(parse(started))
    else:
        for answer in (preview, started):
            assert answer.status_code == 422
            page = parse(answer)
            if field is None:
                assert message in said(one(page, '[data-testid="rule-errors"]'))
            else:
                assert message in said(one(page, f"#{field}-error"))
                assert one(page, f"#{field}")["aria-invalid"] == "true"
    assert db.session.execute(db.select(db.func.count()).select_from(Invalidation)).scalar() == 0
    assert count_in_api(client, attacked.slug) == 22


def test_a_tampered_or_foreign_invalidation_is_not_found(
    tatsiana: OrganizerBrowser,
    client: FlaskClient,
    attacked: Petition,
    supporter: Supporter,
    smtp: SmtpServer,
) -> None:
    base = f"/organizer/petitions/{attacked.slug}/invalidations/"
    assert client.get(f"{base}999/progress").status_code == 404
    assert tatsiana.post(f"{base}999/cancel", page=base).status_code == 404
    assert tatsiana.post(f"{base}999/undo", page=base).status_code == 404
    assert client.post(f"{base}999/undo").status_code == 400, "no CSRF token"


def test_trending_flags_a_small_domain_never_a_big_provider_and_only_the_last_hour(
    app: Any, client: FlaskClient
) -> None:
    import datetime as dt

    from petitions.clock import utcnow
    from petitions.signing.trending import trending
    from tests.factories import confirmed_signature, open_petition

    petition = open_petition()
    long_ago = utcnow() - dt.timedelta(hours=2)
    for n in range(30):
        confirmed_signature(petition, email=f"old{n}@stale.example", confirmed_at=long_ago)
    for n in range(20):
        confirmed_signature(petition, email=f"x{n}@flood.example")
    for n in range(25):
        confirmed_signature(petition, email=f"y{n}@gmail.com")
    for n in range(19):
        confirmed_signature(petition, email=f"z{n}@almost.example")
    for n in range(36):
        confirmed_signature(petition, email=f"w{n}@w{n}.example")

    found = trending([petition.id])

    assert [(t.kind, t.value, t.count, t.total, t.percent) for t in found[petition.id]] == [
        ("domain", "flood.example", 20, 100, 20)
    ]
