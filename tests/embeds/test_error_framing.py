"""Error answers under /embed carry framing headers like every other answer."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from tests.conftest import SmtpServer
from tests.factories import open_petition

PARTNER_ORIGIN = "https://amnesty.example"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"SIGN_RATE_LIMIT": "1 per minute"}


@pytest.fixture
def petition() -> Petition:
    petition = open_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    return petition


def frame_ancestors(answer: Any) -> str:
    policy: str = answer.headers.get("Content-Security-Policy", "")
    (ancestors,) = [
        part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors")
    ]
    return ancestors


@pytest.mark.parametrize(
    "path",
    [
        "/embed/no-such-petition?partner=amnesty-nl",
        "/embed/{slug}?partner=no-such-partner",
        "/embed/{slug}",
        "/embed/{slug}/counter?partner=no-such-partner",
        "/embed/no-such-petition/counter?partner=amnesty-nl",
    ],
)
def test_a_404_under_embed_may_be_framed_by_nobody(
    client: FlaskClient, petition: Petition, smtp: SmtpServer, path: str
) -> None:
    answer = client.get(path.format(slug=petition.slug))

    assert answer.status_code == 404
    assert frame_ancestors(answer) == "frame-ancestors 'none'"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "img-src 'self' data:" in answer.headers["Content-Security-Policy"]


def test_a_404_of_a_post_under_embed_may_be_framed_by_nobody(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    answer = client.post(f"/embed/{petition.slug}/sign?partner=no-such-partner", data={})

    assert answer.status_code == 404
    assert frame_ancestors(answer) == "frame-ancestors 'none'"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_a_429_in_the_embed_is_framed_only_by_the_partner(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    path = f"/embed/{petition.slug}/sign?partner=amnesty-nl"
    client.post(path, data={}, headers={"Origin": "http://localhost"})

    refused = client.post(path, data={}, headers={"Origin": "http://localhost"})

    assert refused.status_code == 429
    assert frame_ancestors(refused) == f"frame-ancestors 'self' {PARTNER_ORIGIN}"
    assert "X-Frame-Options" not in refused.headers
    assert refused.headers["Retry-After"]


def test_a_429_for_an_unknown_partner_may_be_framed_by_nobody(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    path = f"/embed/{petition.slug}/sign?partner=someone-else"
    client.post(path, data={})

    refused = client.post(path, data={})

    assert refused.status_code == 429
    assert frame_ancestors(refused) == "frame-ancestors 'none'"
    assert refused.headers["X-Frame-Options"] == "DENY"
