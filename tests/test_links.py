"""Every absolute link is built by petitions/links.py from BASE_URL, in requests and CLI alike."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import OrganizerBrowser, SmtpServer
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer

ROOT = Path(__file__).resolve().parent.parent
#: Where BASE_URL may be read: its definition, the builder, and one origin comparison.
READS_BASE_URL = {"petitions/config.py", "petitions/links.py", "petitions/embeds/views.py"}


def test_no_code_or_template_builds_an_absolute_link_of_its_own() -> None:
    sources = [*ROOT.glob("petitions/**/*.py"), *ROOT.glob("templates/**/*.html")]
    for source in sources:
        name = str(source.relative_to(ROOT))
        text = source.read_text()
        assert "_external" not in text, f"{name} builds a link from the request's host"
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
