"""The petition dashboard in sections: a page each, a section nav, and what each one shows.

Who may see the sections (404 for other organizers, the login page for strangers) is checked
with every other organizer route in test_access.py's table.
"""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from petitions.bundles import services as bundles
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.embeds.services import add_partner
from petitions.extensions import db
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    open_petition,
    organizer,
    quarantined_signature,
)
from tests.helpers import one, parse, words

#: Each section: its address under the petition's dashboard, its name in the nav.
SECTIONS = [
    ("", "Overview"),
    ("/signatures", "Signatures"),
    ("/comments", "Comments"),
    ("/bundles", "Bundles"),
    ("/partners/", "Partners"),
    ("/retention/", "Retention"),
    ("/paper/", "Paper signatures"),
    ("/updates", "Updates"),
]


@pytest.fixture
def running(organizer_browser: OrganizerBrowser) -> Petition:
    """An open petition with something in every section, its organizer Hanna logged in."""
    petition = open_petition(title="Free Ales Bialiatski")
    hanna = organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    confirmed_signature(petition, full_name="Jan de Vries", country="NL", comment="Stay strong!")
    hidden = confirmed_signature(petition, full_name="Troll", country="BY", comment="Rude words")
    hidden.comment_hidden_at = utcnow()
    confirmed_signature(petition, full_name="Алесь", country="BY")
    quarantined_signature(petition, "client-burst", full_name="Bot", country="BY")
    quarantined_signature(petition, "client-burst", full_name="Bot", country="BY")
    db.session.commit()
    bundle = bundles.build_bundle(
        bundles.BundleRequest(petition, "Embassy of Belarus", "", countries=()),
        io.BytesIO(),
        hanna.id,
    )
    bundles.record_delivery(petition, bundle, "The consul", utcnow().date(), "", hanna.id)
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.nl"])
    return petition


def _section(client: FlaskClient, petition: Petition, path: str) -> BeautifulSoup:
    answer = client.get(f"/organizer/petitions/{petition.slug}{path}")
    assert answer.status_code == 200, path
    return parse(answer)


def _summary(page: BeautifulSoup, name: str) -> str:
    return words(one(page, f'[data-testid="summary-{name}"] p'))


@pytest.mark.parametrize(("path", "name"), SECTIONS)
def test_each_section_is_a_page_whose_nav_marks_it_current(
    client: FlaskClient, running: Petition, path: str, name: str
) -> None:
    page = _section(client, running, path)

    nav = one(page, 'nav[data-testid="sections"]')
    assert nav["aria-label"] == "Sections of the petition dashboard"
    links = nav.find_all("a")
    assert [link.get_text() for link in links] == [label for _path, label in SECTIONS]
    assert [link["href"] for link in links] == [
        f"/organizer/petitions/{running.slug}{each}" for each, _label in SECTIONS
    ]
    current = [link.get_text() for link in links if link.get("aria-current") == "page"]
    assert current == [name]
    assert words(one(page, "main h1")) == "Free Ales Bialiatski"
    assert words(one(page, "main h2")) == name
    assert page.title is not None
    assert page.title.get_text() == f"{name} · Free Ales Bialiatski"


def test_the_overview_sums_up_each_section_and_links_to_it(
    client: FlaskClient, running: Petition
) -> None:
    page = _section(client, running, "")

    assert one(page, '[data-testid="confirmed"]').get_text() == "3"
    assert _summary(page, "signatures").startswith("The count per day")
    waiting = one(page, '[data-testid="summary-signatures"] p:nth-of-type(2) a')
    assert words(waiting) == "2 signatures wait for review."
    assert waiting["href"] == f"/organizer/petitions/{running.slug}/review/"
    assert _summary(page, "comments") == "2 comments, of which 1 hidden."
    bundles_said = one(page, '[data-testid="summary-bundles"] p')
    assert words(bundles_said) == "1 bundle printed. 1 delivery recorded."
    assert _summary(page, "partners") == "1 partner may embed the sign form."
    for name, path in (("comments", "/comments"), ("bundles", "/bundles"), ("updates", "/updates")):
        heading_link = one(page, f'[data-testid="summary-{name}"] h3 a')
        assert heading_link["href"] == f"/organizer/petitions/{running.slug}{path}"
    assert page.select_one('[data-testid="translations"]') is not None
    assert page.select_one('form[action$="/close"] button') is not None
    # The long parts live in their sections, not here.
    assert page.select_one('[data-testid="latest"]') is None
    assert page.select_one("form[data-testid=bundle-form]") is None


def test_the_signatures_section_has_the_chart_latest_exports_and_review(
    client: FlaskClient, running: Petition
) -> None:
    page = _section(client, running, "/signatures")

    assert one(page, "img.chart")["src"] == f"/organizer/petitions/{running.slug}/chart.svg"
    latest = [words(one(row, "td")) for row in one(page, '[data-testid="latest"] tbody')("tr")]
    assert {"Jan de Vries", "Troll", "Алесь"} <= set(latest)
    base = f"/organizer/petitions/{running.slug}"
    assert one(page, '[data-testid="review-link"]')["href"] == f"{base}/review/"
    assert one(page, '[data-testid="invalidations-link"]')["href"] == f"{base}/invalidations/"
    form = one(page, 'form[data-testid="export-form"]')
    assert words(one(form, "fieldset legend")) == "Signer countries (none: all)"
    boxes = form.select('fieldset input[type="checkbox"][name="country"]')
    assert len(boxes) > 240, "every country, as checkboxes usable without a script"
    assert page.select_one('script[src$="/static/js/choose-many.js"]') is not None


def test_the_comments_section_lists_comments_with_their_button(
    client: FlaskClient, running: Petition
) -> None:
    page = _section(client, running, "/comments")

    rows = one(page, '[data-testid="comments"] tbody').find_all("tr")
    shown = {words(one(row, "td.comment")): words(one(row, "button")) for row in rows}
    assert shown == {"Stay strong!": "Hide", "Rude words": "Show again"}


def test_the_bundles_section_prints_lists_and_records_deliveries(
    client: FlaskClient, running: Petition
) -> None:
    page = _section(client, running, "/bundles")

    form = one(page, 'form[data-testid="bundle-form"]')
    assert words(one(form, "fieldset legend")) == "Only signers from (leave empty for all)"
    printed = [words(item) for item in one(page, '[data-testid="bundles"]').find_all("li")]
    assert len(printed) == 1
    assert "Embassy of Belarus" in printed[0]
    assert "3 signatures" in printed[0]
    delivered = [words(item) for item in one(page, '[data-testid="deliveries"]').find_all("li")]
    assert len(delivered) == 1
    assert "The consul" in delivered[0]
    assert page.select_one(f'form[action="/organizer/petitions/{running.slug}/deliveries"]')


def test_moderating_a_comment_comes_back_to_the_comments_section(
    organizer_browser: OrganizerBrowser, running: Petition
) -> None:
    page = _section(organizer_browser.client, running, "/comments")
    hide = one(page, "form[action$='/hide']")

    answer = organizer_browser.post(
        str(hide["action"]), page=f"/organizer/petitions/{running.slug}/comments"
    )

    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/organizer/petitions/{running.slug}/comments"


def _checkbox_for(form: Tag, country: str) -> Tag:
    label = next(label for label in form.select("fieldset label") if words(label) == country)
    return one(form, f'input[id="{label["for"]}"]')


def test_without_a_script_the_export_form_filters_by_a_ticked_country(
    client: FlaskClient, running: Petition
) -> None:
    page = _section(client, running, "/signatures")
    form = one(page, 'form[data-testid="export-form"]')
    belarus = _checkbox_for(form, "Belarus")
    # What a browser without scripts sends: the ticked checkbox, and the empty date fields.
    query = {str(belarus["name"]): str(belarus["value"]), "since": "", "until": ""}

    answer = client.get(str(form["action"]), query_string=query)

    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(row["Name"] for row in rows) == ["Troll", "Алесь"]
