"""A site that is not the partner's reads, in its frame, that it is not registered and where to
sign, instead of a broken box; the form itself stays framable by the partner alone."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from tests.factories import open_petition
from tests.helpers import one, parse, words

PARTNER_ORIGIN = "https://amnesty.example"
ELSEWHERE = "https://copycat.example"
NOTICE = "This site is not registered to show this petition."
#: What a browser sends with the request of an iframe the copycat's page holds.
FRAMED_BY_COPYCAT = {"Sec-Fetch-Dest": "iframe", "Referer": f"{ELSEWHERE}/"}


@pytest.fixture
def petition() -> Petition:
    petition = open_petition(title="Free Ales Bialiatski")
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    return petition


def frame_ancestors(answer: Any) -> str:
    policy: str = answer.headers.get("Content-Security-Policy", "")
    (ancestors,) = [
        part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors")
    ]
    return ancestors


def assert_notice(answer: Any, petition: Petition, parent: str) -> None:
    """The notice, framable anywhere, kept by no cache; no form, no ticket, no count."""
    assert answer.status_code == 403
    assert frame_ancestors(answer) == "frame-ancestors *"
    assert "X-Frame-Options" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers
    page = parse(answer)
    assert one(page, "main h1").get_text(strip=True) == "Free Ales Bialiatski"
    assert words(one(page, "main p")) == (f"{NOTICE} Sign it on localhost (opens in a new tab).")
    link = one(page, "main a")
    assert link["href"] == f"http://localhost/p/{petition.slug}"
    assert (link["target"], link["rel"]) == ("_blank", ["noopener"])
    assert page.select("form, input, button, [data-testid=signature-count]") == []
    # Its height may go to the site framing it: a height is all it posts, and it says nothing.
    assert one(page, "body")["data-parent-origin"] == parent


@pytest.mark.parametrize("widget", ["", "/counter"])
def test_embed_js_on_a_site_that_is_not_the_partners_gets_the_notice(
    client: FlaskClient, petition: Petition, widget: str
) -> None:
    answer = client.get(f"/embed/{petition.slug}{widget}?partner=amnesty-nl&origin={ELSEWHERE}")

    assert_notice(answer, petition, ELSEWHERE)


@pytest.mark.parametrize("widget", ["", "/counter"])
def test_a_bare_iframe_on_a_site_that_is_not_the_partners_gets_the_notice(
    client: FlaskClient, petition: Petition, widget: str
) -> None:
    answer = client.get(
        f"/embed/{petition.slug}{widget}?partner=amnesty-nl", headers=FRAMED_BY_COPYCAT
    )

    assert_notice(answer, petition, ELSEWHERE)


def test_a_partner_code_nobody_registered_gets_the_notice_in_a_frame(
    client: FlaskClient, petition: Petition
) -> None:
    answer = client.get(f"/embed/{petition.slug}?partner=amnesty-be&origin={PARTNER_ORIGIN}")

    assert_notice(answer, petition, PARTNER_ORIGIN)


def test_a_site_claiming_to_be_the_partner_gets_the_form_only_the_partner_may_frame(
    client: FlaskClient, petition: Petition
) -> None:
    # The copycat writes the partner's origin into the URL; its browser still names it in the
    # Referer, and the form goes out only with the partner's frame-ancestors anyway.
    lying = client.get(
        f"/embed/{petition.slug}?partner=amnesty-nl&origin={PARTNER_ORIGIN}",
        headers=FRAMED_BY_COPYCAT,
    )
    hidden = client.get(
        f"/embed/{petition.slug}?partner=amnesty-nl&origin={PARTNER_ORIGIN}",
        headers={"Sec-Fetch-Dest": "iframe"},
    )

    assert_notice(lying, petition, ELSEWHERE)
    assert hidden.status_code == 200
    assert frame_ancestors(hidden) == f"frame-ancestors 'self' {PARTNER_ORIGIN}"
    assert one(parse(hidden), "main form button[type=submit]").get_text(strip=True) == "Sign"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Dest": "iframe", "Referer": f"{PARTNER_ORIGIN}/"},
        # The organizer's preview, framed by our own page.
        {"Sec-Fetch-Dest": "iframe", "Referer": "http://localhost/organizer/petitions/x/partners/"},
        # Framed where nothing names the parent: the browser's frame-ancestors decides.
        {"Sec-Fetch-Dest": "iframe"},
        # Not framed at all: a Referer from elsewhere is only a link followed.
        {"Sec-Fetch-Dest": "document", "Referer": f"{ELSEWHERE}/"},
    ],
)
def test_the_partner_our_own_pages_and_the_unknown_get_the_form(
    client: FlaskClient, petition: Petition, headers: dict[str, str]
) -> None:
    answer = client.get(f"/embed/{petition.slug}?partner=amnesty-nl", headers=headers)

    assert answer.status_code == 200
    assert frame_ancestors(answer) == f"frame-ancestors 'self' {PARTNER_ORIGIN}"
    assert one(parse(answer), "main form button[type=submit]").get_text(strip=True) == "Sign"


def test_the_notice_is_never_an_answer_the_partner_could_get_from_a_cache(
    client: FlaskClient, petition: Petition
) -> None:
    path = f"/embed/{petition.slug}?partner=amnesty-nl"
    form = client.get(path)

    # A browser holding the form asks again with its ETag from the copycat's frame.
    notice = client.get(path, headers={**FRAMED_BY_COPYCAT, "If-None-Match": form.headers["ETag"]})
    again = client.get(path, headers={"If-None-Match": form.headers["ETag"]})

    assert_notice(notice, petition, ELSEWHERE)
    assert "ETag" not in notice.headers
    assert again.status_code == 304


def test_the_notice_links_to_the_petition_in_the_language_the_partner_chose(
    client: FlaskClient, petition: Petition
) -> None:
    answer = client.get(f"/embed/{petition.slug}?partner=amnesty-nl&origin={ELSEWHERE}&lang=be")

    page = parse(answer)
    assert one(page, "html")["lang"] == "be"
    assert one(page, "main a")["href"] == f"http://localhost/p/{petition.slug}?lang=be"


def test_an_unknown_partner_outside_a_frame_is_still_404(
    client: FlaskClient, petition: Petition
) -> None:
    answer = client.get(f"/embed/{petition.slug}?partner=amnesty-be")

    assert answer.status_code == 404
    assert frame_ancestors(answer) == "frame-ancestors 'none'"
