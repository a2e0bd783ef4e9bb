"""Signers who live in the addressee's country are not named in its bundle unless they say so."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.signing.models import Signature
from petitions.signing.services import confirm
from tests.conftest import OrganizerBrowser, Supporter
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import one

EMBASSY = "Embassy of the Republic of Belarus, The Hague"


@pytest.fixture
def petition(organizer_browser: OrganizerBrowser) -> Petition:
    petition = open_petition(title="Free Ales Bialiatski", addressee=EMBASSY)
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/edit",
        {
            "title": petition.title,
            "slug": petition.slug,
            "summary": petition.summary,
            "addressee": EMBASSY,
            "addressee_country": "BY",
            "goal": str(petition.goal),
            "body": petition.body,
        },
        page=f"/organizer/petitions/{petition.slug}/edit",
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    db.session.refresh(petition)
    assert petition.addressee_country == "BY"
    return petition


def stored(email: str) -> Signature:
    db.session.rollback()
    return db.session.execute(
        select(Signature).where(Signature.email_normalized == email)
    ).scalar_one()


def test_the_sign_form_asks_and_says_why_belarus_residents_are_not_named(
    client: FlaskClient, petition: Petition
) -> None:
    page = BeautifulSoup(client.get(f"/p/{petition.slug}").get_data(as_text=True), "html.parser")
    form = page.find("form", action=f"/p/{petition.slug}/sign")
    assert form is not None
    fieldset = form.find("fieldset", class_="radios")
    assert fieldset is not None

    assert EMBASSY in one(fieldset, "legend").get_text()
    hint = one(fieldset, "p.hint").get_text()
    assert "If you live in Belarus, your name is not printed unless you choose so" in hint
    assert "could identify you" in hint
    radios = {radio["value"]: radio for radio in fieldset.find_all("input", type="radio")}
    assert set(radios) == {"auto", "yes", "no"}
    assert radios["auto"].has_attr("checked")
    assert (
        "unless I live in Belarus"
        in one(fieldset, f'label[for="{radios["auto"]["id"]}"]').get_text()
    )


@pytest.mark.parametrize(
    ("country", "choice", "named"),
    [
        ("BY", "auto", False),  # the default, without JavaScript
        ("BY", None, False),  # a client that sends no answer at all
        ("BY", "yes", True),  # an explicit yes is respected
        ("NL", "auto", True),
        ("NL", None, True),
        ("NL", "no", False),
    ],
)
def test_the_choice_is_stored_and_the_default_depends_on_the_country(
    supporter: Supporter, petition: Petition, country: str, choice: str | None, named: bool
) -> None:
    answer = supporter.sign(
        petition.slug, email="signer@example.org", country=country, name_in_bundle=choice
    )

    assert answer.status_code == 303
    assert stored("signer@example.org").name_in_bundle is named


def sign_and_confirm(supporter: Supporter, petition: Petition, **fields: str) -> None:
    assert supporter.sign(petition.slug, **fields).status_code == 303
    confirm(stored(fields["email"]).id)


def test_the_bundle_prints_an_unnamed_supporter_and_the_dashboard_warns(
    supporter: Supporter, petition: Petition, organizer_browser: OrganizerBrowser
) -> None:
    sign_and_confirm(
        supporter,
        petition,
        full_name="Zmitser Hrodzenski",
        email="zmitser@example.org",
        country="BY",
        city="Ashmyany",
        comment="I teach at school No. 2",
    )
    sign_and_confirm(
        supporter,
        petition,
        full_name="Christie Miedema",
        email="christie@example.org",
        country="NL",
        city="Den Haag",
        comment="Stay strong!",
    )

    dashboard = BeautifulSoup(
        organizer_browser.client.get(f"/organizer/petitions/{petition.slug}/bundles").get_data(
            as_text=True
        ),
        "html.parser",
    )
    warning = dashboard.select_one('[data-testid="unnamed-warning"]')
    assert warning is not None
    assert "1 of 2 signers will be printed without a name" in warning.get_text()
    assert "live in Belarus" in warning.get_text()

    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": EMBASSY, "recipient_address": "", "language": "en"},
        page=f"/organizer/petitions/{petition.slug}",
    )
    assert answer.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(answer.get_data())).pages]
    listing = "\n".join(pages[1:])
    assert "A supporter from Belarus" in listing
    for secret in ("Zmitser", "Hrodzenski", "Ashmyany", "school No. 2"):
        assert secret not in "\n".join(pages)
    assert "Christie Miedema" in listing
    assert "Den Haag" in listing
    assert "Stay strong!" in listing

    export = organizer_browser.client.get(f"/organizer/petitions/{petition.slug}/signatures.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    printed = rows[0].index("Printed by name")
    assert {row[1]: row[printed] for row in rows[1:]} == {
        "Zmitser Hrodzenski": "no",
        "Christie Miedema": "yes",
    }


def test_the_embedded_form_asks_the_same(client: FlaskClient, petition: Petition) -> None:
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.example"])

    html = client.get(
        f"/embed/{petition.slug}?partner=amnesty-nl&origin=https://amnesty.example"
    ).get_data(as_text=True)

    form = BeautifulSoup(html, "html.parser").find("form")
    assert form is not None
    fieldset = form.find("fieldset", class_="radios")
    assert fieldset is not None
    assert "If you live in Belarus" in fieldset.get_text()
    checked = fieldset.find("input", checked=True)
    assert checked is not None
    assert checked["value"] == "auto"
