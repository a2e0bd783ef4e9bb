"""Every absolute link is built by petitions/links.py from BASE_URL, in requests and CLI alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import BuildError

from petitions.links import absolute_url, site_host
from tests.conftest import OrganizerBrowser, SmtpServer
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer

ROOT = Path(__file__).resolve().parent.parent
#: Where BASE_URL may be read: its definition, the builder, and one origin comparison.
READS_BASE_URL = {"petitions/config.py", "petitions/links.py"}
#: The builder, whose URL map is bound to BASE_URL, not to the request's host.
BUILDER = "petitions/links.py"


def test_no_code_or_template_builds_an_absolute_link_of_its_own() -> None:
    sources = [*ROOT.glob("petitions/**/*.py"), *ROOT.glob("templates/**/*.html")]
    for source in sources:
        name = str(source.relative_to(ROOT))
        text = source.read_text()
        if name != BUILDER:
            assert "_external" not in text, f"{name} builds a link from the request's host"
            assert "url_map.bind" not in text, f"{name} builds links of its own"
            assert "test_request_context" not in text, f"{name} fakes a request to build links"
        if name not in READS_BASE_URL:
            for read in ('["BASE_URL"]', "['BASE_URL']", ".BASE_URL"):
                assert read not in text, f"{name} builds a link from BASE_URL by hand"


def test_partner_snippets_and_the_counter_link_use_base_url(
    client: FlaskClient, organizer_browser: OrganizerBrowser, smtp: SmtpServer
) -> None:
    petition = open_petition(slug="free-them")
    organizer("me@example.org", cases=(petition.case,))
    assert organizer_browser.log_in("me@example.org", ORGANIZER_PASSWORD).status_code == 303
    added = organizer_browser.post(
        "/organizer/petitions/free-them/partners/",
        {"name": "Amnesty NL", "code": "amnesty-nl", "origins": "https://amnesty.nl"},
        page="/organizer/petitions/free-them/partners/",
    )
    assert added.status_code == 303, added.get_data(as_text=True)

    page = BeautifulSoup(
        client.get("/organizer/petitions/free-them/partners/").get_data(as_text=True),
        "html.parser",
    )
    counter = BeautifulSoup(
        client.get(
            "/embed/free-them/counter?partner=amnesty-nl&origin=https://amnesty.nl",
            base_url="http://elsewhere.example",
        ).get_data(as_text=True),
        "html.parser",
    )

    snippets = [area.text for area in page.select("section.card textarea")]
    assert len(snippets) == 4
    assert all("http://localhost/" in snippet for snippet in snippets)
    assert 'src="http://localhost/embed/free-them?partner=amnesty-nl"' in snippets[1]
    link = counter.select_one(".embed-title a")
    assert link is not None
    assert link["href"] == "http://localhost/p/free-them"


BASES = [
    pytest.param("http://localhost", id="test-default"),
    pytest.param("https://petitions.example.org", id="https"),
    pytest.param("http://127.0.0.1:6501", id="with-port"),
    pytest.param("https://example.org/campaigns/petitions", id="with-path-prefix"),
]


@pytest.mark.parametrize("base", BASES)
def test_a_link_is_the_same_in_a_command_and_in_any_request(app: Flask, base: str) -> None:
    app.config["BASE_URL"] = base
    expected = f"{base}/p/free-them?ref=amnesty-nl"

    outside = absolute_url("signing.petition", slug="free-them", ref="amnesty-nl")
    # A request under another host and mounted under a prefix of its own (a proxy's
    # X-Forwarded-Prefix): the link still comes from BASE_URL alone.
    with app.test_request_context("/p/other", base_url="https://elsewhere.example/mounted"):
        inside = absolute_url("signing.petition", slug="free-them", ref="amnesty-nl")

    assert outside == inside == expected


@pytest.mark.parametrize("base", BASES)
def test_the_api_servers_entry_and_a_verify_link_keep_the_path_prefix(
    app: Flask, base: str
) -> None:
    app.config["BASE_URL"] = base

    assert absolute_url("api.petitions") == f"{base}/api/v1/petitions"
    assert absolute_url("bundles.verify", fingerprint="ab12") == f"{base}/verify/ab12"
    assert absolute_url("embeds.script") == f"{base}/embed.js"


def test_the_site_host_is_the_host_of_base_url(app: Flask) -> None:
    app.config["BASE_URL"] = "https://example.org:8443/campaigns"

    assert site_host() == "example.org"
    assert absolute_url("signing.petition", slug="a") == "https://example.org:8443/campaigns/p/a"


def test_an_unknown_endpoint_is_an_error_not_a_dead_link(app: Flask) -> None:
    with pytest.raises(BuildError):
        absolute_url("cases.no_such_page")
    with pytest.raises(BuildError):
        absolute_url("signing.petition")  # no slug
