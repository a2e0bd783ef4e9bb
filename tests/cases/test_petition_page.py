"""The public petition page as a reader sees it: its title, signers, comments and text."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition
from tests.helpers import one


def page(client: FlaskClient, path: str) -> BeautifulSoup:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def section(soup: BeautifulSoup, css_class: str) -> Tag | None:
    found = soup.select_one(f"main section.{css_class}")
    assert found is None or isinstance(found, Tag)
    return found


# --- item 1: comments belong in the body, never in <title> -------------------------------


def test_the_title_is_the_petitions_and_the_comments_are_in_the_body(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    confirmed_signature(
        petition, full_name="Anna Schmidt", show_name_publicly=True, comment="Stay strong, Ales!"
    )

    soup = page(client, f"/p/{petition.slug}")

    assert soup.title is not None
    assert soup.title.get_text() == "Free Ales Bialiatski"
    comments = section(soup, "comments")
    assert comments is not None, "the comments section is in the page's main content"
    (quote,) = comments.find_all("blockquote")
    assert one(quote, "p").get_text() == "Stay strong, Ales!"
    assert "Anna Schmidt" in one(quote, "footer").get_text()


# --- item 7: signers who asked not to be named leave no public trace --------------------


def test_an_unnamed_signer_appears_nowhere_on_the_page(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    confirmed_signature(
        petition, full_name="Anna Schmidt", show_name_publicly=True, city="Berlin", country="DE"
    )
    confirmed_signature(
        petition,
        full_name="Hidden Nomen",
        city="Hrodna",
        country="BY",
        comment="They will not break us.",
    )

    soup = page(client, f"/p/{petition.slug}")

    signers = section(soup, "signers")
    assert signers is not None
    assert [li.get_text(" ", strip=True) for li in signers.find_all("li")] == [
        "Anna Schmidt , Berlin (Germany)"
    ]
    assert section(soup, "comments") is None, "the only comment's author asked not to be named"
    assert "Belarus" not in signers.get_text()
    words = soup.get_text(" ")
    for trace in ("Hidden Nomen", "Hrodna", "They will not break us."):
        assert trace not in words


def test_a_page_with_only_unnamed_signers_does_not_invite_the_first_signature(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    confirmed_signature(petition, city="Hrodna", country="BY")

    signers = section(page(client, f"/p/{petition.slug}"), "signers")

    assert signers is not None
    assert signers.find_all("li") == [], "no list of names without a name in it"
    said = signers.find("p")
    assert said is not None
    assert said.get_text(strip=True) == "No signer has chosen to be named here yet."
    assert "Hrodna" not in signers.get_text()


def test_the_api_lists_only_named_signers_and_countries_from_the_threshold(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    for number in range(10):
        confirmed_signature(petition, country="NL", city="Leiden", full_name=f"Dutch {number}")
    confirmed_signature(petition, country="BY", city="Hrodna", comment="Zhyve!")
    confirmed_signature(petition, country="DE", full_name="Anna Schmidt", show_name_publicly=True)

    answer = client.get(f"/api/v1/petitions/{petition.slug}")

    body = answer.get_json()
    assert body["signature_count"] == 12, "everybody counts"
    assert [s["name"] for s in body["latest_signers"]] == ["Anna Schmidt"]
    assert body["counts_by_country"] == {"NL": 10}, "BY and DE have fewer than 10 signers"
    assert "Hrodna" not in answer.get_data(as_text=True)


# --- item 33: addresses in the text become safe links -----------------------------------


def _petition_text(client: FlaskClient, body: str) -> Tag:
    petition = open_petition(body=body)
    text = page(client, f"/p/{petition.slug}").select_one("main .petition-text")
    assert isinstance(text, Tag)
    return text


def test_an_address_in_the_text_becomes_a_link_that_passes_no_credit(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    text = _petition_text(
        client, "Read the verdict at https://spring96.org/en/news/1 and at www.example.org."
    )

    links = [(a["href"], a.get_text(), a.get("rel")) for a in text.find_all("a")]
    assert links == [
        (
            "https://spring96.org/en/news/1",
            "https://spring96.org/en/news/1",
            ["nofollow", "noopener", "noreferrer"],
        ),
        ("http://www.example.org", "www.example.org", ["nofollow", "noopener", "noreferrer"]),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "[click](javascript:alert(1))",
        "javascript:alert(1)",
        "<a href='javascript:alert(1)'>raw</a> <script>alert(1)</script>",
    ],
)
def test_the_text_still_refuses_scripts_and_raw_html(
    client: FlaskClient, smtp: SmtpServer, body: str
) -> None:
    text = _petition_text(client, body)

    assert text.find("script") is None
    assert [a["href"] for a in text.find_all("a")] == []
