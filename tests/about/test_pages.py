"""The pages about the service: who runs it, the contact, the footer that leads to them.

Each page is read as a visitor reads it (parsed), in English and in Belarusian, and as a shared
cache sees it: public, without a cookie.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from babel.units import format_unit
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from tests.factories import open_petition
from tests.helpers import main_text, one, parse, words

#: Each page about the service, and its heading (the English source of its <h1>).
PAGES = {"/about": "About this service", "/privacy": "Privacy", "/contact": "Contact"}


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {
        "ORGANIZATION_NAME": "Libereco – Partnership for Human Rights",
        "ORGANIZATION_ADDRESS": "Postfach 1234\n10117 Berlin",
        "ORGANIZATION_URL": "https://www.lphr.org",
        "CONTACT_EMAIL": "privacy@lphr.org",
        "SECURITY_EMAIL": "security@lphr.org",
        "SOURCE_URL": "",
    }


def heading_in(app: Flask, language: str, source: str) -> str:
    with app.test_request_context(), force_locale(language):
        return str(gettext(source))


@pytest.mark.parametrize("language", ["en", "be"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_speaks_the_language_asked_for(
    app: Flask, client: FlaskClient, path: str, language: str
) -> None:
    page = parse(client.get(f"{path}?lang={language}"))

    assert one(page, "html")["lang"] == language
    assert words(one(page, "main h1")) == heading_in(app, language, PAGES[path])
    assert words(one(page, "title")) == heading_in(app, language, PAGES[path])
    # The footer's language list marks the one in use, and offers each page in every language.
    assert one(page, ".languages strong")["lang"] == language
    alternates = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate]")}
    assert alternates["be"] == f"http://localhost{path}?lang=be"
    assert alternates["x-default"] == f"http://localhost{path}"
    assert len(alternates) == len(app.config["LANGUAGES"]) + 1


def test_the_privacy_page_says_its_durations_in_the_readers_language(client: FlaskClient) -> None:
    # CLDR's words through Babel: in Belarusian whatever the catalogs hold.
    for language in ("en", "be"):
        page = parse(client.get(f"/privacy?lang={language}"))
        link = words(one(page, '[data-testid="limit-confirm-link"]'))
        assert format_unit(7, "duration-day", length="long", locale=language) in link


def test_the_about_page_names_who_runs_it_and_how_to_reach_them(client: FlaskClient) -> None:
    page = parse(client.get("/about"))

    run_by = words(one(page, '[data-testid="run-by"]'))
    assert run_by == "This service is run by Libereco – Partnership for Human Rights."
    postal = one(page, '[data-testid="organization"]')
    assert words(postal) == (
        "Libereco – Partnership for Human Rights Postfach 1234 10117 Berlin https://www.lphr.org"
    )
    assert one(postal, "a")["href"] == "https://www.lphr.org"
    assert "free software" in words(one(page, '[data-testid="licence"]'))
    licence = one(page, '[data-testid="licence"] a')
    assert licence["href"] == "https://www.gnu.org/licenses/agpl-3.0.html"
    # Without SOURCE_URL the source is offered at the contact address (AGPL section 13).
    assert one(page, '[data-testid="source"] a')["href"] == "mailto:privacy@lphr.org"


def test_the_about_page_links_the_source_code_when_it_is_published(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SOURCE_URL"] = "https://codeberg.org/lphr/petitions"

    source = one(parse(client.get("/about")), '[data-testid="source"] a')

    assert source["href"] == "https://codeberg.org/lphr/petitions"


def test_without_an_organization_name_the_pages_name_the_site(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(ORGANIZATION_NAME="", ORGANIZATION_ADDRESS="", ORGANIZATION_URL="")

    page = parse(client.get("/about"))

    assert words(one(page, '[data-testid="run-by"]')) == "This service is run by localhost."
    assert words(one(page, '[data-testid="organization"]')) == "localhost"


def test_the_contact_page_gives_the_contact_and_the_security_addresses(
    client: FlaskClient,
) -> None:
    page = parse(client.get("/contact"))

    assert one(page, '[data-testid="contact"] a')["href"] == "mailto:privacy@lphr.org"
    assert one(page, "#security").name == "h2"
    assert one(page, '[data-testid="security"] a')["href"] == "mailto:security@lphr.org"
    assert "Postfach 1234" in words(one(page, '[data-testid="organization"]'))


def test_security_txt_names_the_security_address_and_a_near_expiry(client: FlaskClient) -> None:
    answer = client.get("/.well-known/security.txt")

    assert answer.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in answer.get_data(as_text=True).splitlines())
    assert fields["Contact"] == "mailto:security@lphr.org"
    assert fields["Policy"] == "http://localhost/contact#security"
    assert fields["Canonical"] == "http://localhost/.well-known/security.txt"
    expires = dt.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ")
    # RFC 9116: in the future, and less than a year away.
    assert dt.timedelta(days=30) < expires - dt.datetime.now() < dt.timedelta(days=365)
    assert answer.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("path", [*PAGES, "/.well-known/security.txt"])
def test_the_pages_set_no_cookie_and_may_be_kept_by_shared_caches(
    client: FlaskClient, path: str
) -> None:
    answer = client.get(path)

    assert answer.status_code == 200
    assert answer.headers.getlist("Set-Cookie") == []
    assert "public" in answer.headers["Cache-Control"]
    assert "cookie" not in answer.headers.get("Vary", "").lower()
    assert client.get_cookie("session") is None


@pytest.fixture
def petition() -> Petition:
    petition = open_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.example"])
    return petition


def footer_links(page: Any) -> dict[str, str]:
    nav = one(page, "footer nav.about-links")
    assert nav["aria-label"], "the footer's navigation is named for screen readers"
    return {words(link): str(link["href"]) for link in nav.select("a")}


@pytest.mark.parametrize("where", ["home", "case", "petition", "privacy"])
def test_the_footer_leads_to_the_pages_about_the_service(
    client: FlaskClient, petition: Petition, where: str
) -> None:
    path = {
        "home": "/",
        "case": f"/cases/{petition.case.slug}",
        "petition": f"/p/{petition.slug}",
        "privacy": "/privacy",
    }[where]

    assert footer_links(parse(client.get(path))) == {
        "About": "/about",
        "Privacy": "/privacy",
        "Contact": "/contact",
    }
    # A language chosen in the URL goes on with the links.
    in_belarusian = footer_links(parse(client.get(f"{path}?lang=be")))
    assert set(in_belarusian.values()) == {"/about?lang=be", "/privacy?lang=be", "/contact?lang=be"}


def test_the_embedded_form_links_the_privacy_page_in_a_new_tab(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(client.get(f"/embed/{petition.slug}?partner=amnesty-nl&lang=be"))

    link = one(page, "footer.embed-footer a")
    # Our pages refuse to be framed: inside the partner's frame the page would stay blank.
    assert link["href"] == "/privacy?lang=be"
    assert link["target"] == "_blank"
    followed = client.get(str(link["href"]))
    assert followed.status_code == 200
    assert one(parse(followed), "html")["lang"] == "be"
    assert main_text(followed)
