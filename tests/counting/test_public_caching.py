"""Public answers that shared caches keep: no cookie, and a Vary and an ETag per language."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from tests.api.test_openapi import counted_queries
from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition


@pytest.fixture
def petition() -> Petition:
    petition = open_petition(title="Free Ales Bialiatski", goal=5000)
    confirmed_signature(petition)
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.example"])
    return petition


PUBLIC = [
    "/api/v1/petitions",
    "/api/v1/petitions/{slug}",
    "/badge/{slug}.svg",
    "/embed.js",
    "/embed/{slug}/counter?partner=amnesty-nl",
]


def _no_cookie_business(answer: Any) -> None:
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    assert "cookie" not in answer.vary


@pytest.mark.parametrize("template", PUBLIC)
@pytest.mark.parametrize("lang", ["", "be"])
def test_a_public_answer_sets_no_cookie_and_ignores_one(
    client: FlaskClient, petition: Petition, smtp: SmtpServer, template: str, lang: str
) -> None:
    path = template.format(slug=petition.slug)
    if lang:
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    # A returning visitor whose browser holds a session cookie from the site.
    # (Public pages set none now: the login form does, remembering ?lang=.)
    client.get("/organizer/login?lang=ru")
    assert client.get_cookie("session") is not None

    answer = client.get(path, headers={"Accept-Language": "en"})

    _no_cookie_business(answer)
    # The session still says Russian; the public answer neither read it nor changed it.
    page = client.get("/cases/" + petition.case.slug)
    assert 'lang="ru"' in page.get_data(as_text=True)


def test_the_badge_has_one_etag_and_one_body_per_language(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    path = f"/badge/{petition.slug}.svg"

    english = client.get(path, headers={"Accept-Language": "en"})
    belarusian = client.get(path, headers={"Accept-Language": "be"})

    for answer in (english, belarusian):
        _no_cookie_business(answer)
        assert "accept-language" in answer.vary
        assert answer.cache_control.public
    english_title = etree.fromstring(english.get_data()).findtext("{*}title")
    belarusian_title = etree.fromstring(belarusian.get_data()).findtext("{*}title")
    assert english_title != belarusian_title
    assert english.get_etag() != belarusian.get_etag()
    # A cache holding the English copy may not revalidate it for a Belarusian reader...
    (english_etag, _weak) = english.get_etag()
    again = client.get(
        path, headers={"Accept-Language": "be", "If-None-Match": f'"{english_etag}"'}
    )
    assert again.status_code == 200
    assert etree.fromstring(again.get_data()).findtext("{*}title") == belarusian_title
    # ...but may for an English one.
    same = client.get(path, headers={"Accept-Language": "en", "If-None-Match": f'"{english_etag}"'})
    assert same.status_code == 304
    assert "accept-language" in same.vary


def test_the_badge_follows_lang_in_its_address_without_a_cookie(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    english = client.get(f"/badge/{petition.slug}.svg?lang=en")
    belarusian = client.get(f"/badge/{petition.slug}.svg?lang=be")

    _no_cookie_business(belarusian)
    assert english.get_etag() != belarusian.get_etag()
    assert client.get_cookie("session") is None


def test_the_counter_varies_by_language(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    path = f"/embed/{petition.slug}/counter?partner=amnesty-nl"

    english = client.get(path, headers={"Accept-Language": "en"})
    belarusian = client.get(path, headers={"Accept-Language": "be"})

    assert "accept-language" in english.vary
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="be"' in belarusian.get_data(as_text=True)


def test_the_api_does_not_vary_by_language_where_its_body_does_not(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    path = f"/api/v1/petitions/{petition.slug}"

    english = client.get(path, headers={"Accept-Language": "en"})
    belarusian = client.get(path, headers={"Accept-Language": "be"})

    assert english.get_data() == belarusian.get_data()
    assert english.get_etag() == belarusian.get_etag()
    assert "accept-language" not in english.vary


@pytest.mark.parametrize(
    "template",
    [
        "/embed/{slug}/counter?partner=amnesty-nl",
        "/badge/{slug}.svg",
        "/api/v1/petitions/{slug}",
    ],
)
def test_a_second_public_count_costs_no_query(
    client: FlaskClient, petition: Petition, smtp: SmtpServer, template: str
) -> None:
    # One path for the public numbers: the counter reads the cached count the badge and the
    # API read, and its partner's origins are kept beside it.
    path = template.format(slug=petition.slug)
    first = client.get(path)

    with counted_queries() as statements:
        second = client.get(path)

    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data()
    assert statements == []


def test_the_counter_shows_the_cached_count_and_frames_for_its_partner_only(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    answer = client.get(
        f"/embed/{petition.slug}/counter?partner=amnesty-nl&origin=https://amnesty.example"
    )

    page = answer.get_data(as_text=True)
    assert 'data-testid="signature-count">1<' in page
    assert '<progress max="5000" value="1"' in page
    assert "<title>Free Ales Bialiatski</title>" in page
    assert 'data-parent-origin="https://amnesty.example"' in page
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://amnesty.example" in policy
    assert client.get(f"/embed/{petition.slug}/counter?partner=nobody").status_code == 404
