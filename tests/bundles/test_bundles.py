"""Organizers print a bundle for an embassy, a recipient verifies it, a delivery is recorded."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from flask.testing import FlaskClient, FlaskCliRunner
from pypdf import PdfReader
from sqlalchemy import func, select

from petitions.bundles.models import Bundle, Delivery
from petitions.cases.models import Petition, TimelineEntry
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.services import withdraw
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    open_petition,
    organizer,
    pending_signature,
)
from tests.helpers import main_text


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def petition(organizer_browser: OrganizerBrowser) -> Petition:
    petition = open_petition(title="Free Ales Bialiatski")
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    start = utcnow() - dt.timedelta(days=3)
    people = [
        ("Алесь Бяляцкі", "Мінск", "BY", None),
        ("Christie Miedema", "Den Haag", "NL", "Stay strong!"),
        ("Ўладзімір Лабковіч", "Гомель", "BY", "Hateful words"),
        ("Σωκράτης Παπαδόπουλος", "Αθήνα", "GR", None),
        ("Jan de Vries", "Utrecht", "NL", None),
    ]
    for minute, (name, city, country, comment) in enumerate(people):
        confirmed_signature(
            petition,
            full_name=name,
            city=city,
            country=country,
            comment=comment,
            email=f"signer{minute}@example.org",
            confirmed_at=start + dt.timedelta(minutes=minute),
            comment_hidden_at=utcnow() if comment == "Hateful words" else None,
        )
    pending_signature(petition, full_name="Pending Person")
    withdrawn = confirmed_signature(petition, full_name="Withdrawn Person")
    withdraw(withdrawn.id)
    return petition


def download(browser: OrganizerBrowser, petition: Petition, **fields: object) -> bytes:
    data = {
        "recipient_name": "Embassy of the Republic of Belarus, The Hague",
        "recipient_address": "Anna Paulownastraat 34\n2518 BE Den Haag",
        "language": "en",
        **fields,
    }
    answer = browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        data,
        page=f"/organizer/petitions/{petition.slug}",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "private, no-store"
    pdf: bytes = answer.get_data()
    return pdf


def test_the_bundle_prints_confirmed_signers_in_order_and_nothing_private(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    pages = pdf_text(download(organizer_browser, petition))
    text = "\n".join(pages)

    order = [
        "Алесь Бяляцкі",
        "Christie Miedema",
        "Ўладзімір Лабковіч",
        "Σωκράτης Παπαδόπουλος",
        "Jan de Vries",
    ]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Embassy of the Republic of Belarus, The Hague" in pages[0]
    assert "Pending Person" not in text
    assert "Withdrawn Person" not in text
    assert "Stay strong!" in text
    assert "Hateful words" not in text
    assert "@" not in text
    assert "signer0" not in text
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page


def test_the_fingerprint_on_every_page_matches_the_verify_page_and_is_stable(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    first = pdf_text(download(organizer_browser, petition))
    second = pdf_text(download(organizer_browser, petition))

    fingerprints = {match for page in first for match in re.findall(r"\b[0-9a-f]{64}\b", page)}
    assert len(fingerprints) == 1
    fingerprint = fingerprints.pop()
    assert all(fingerprint in page or fingerprint[:16] in page for page in first)
    assert {m for page in second for m in re.findall(r"\b[0-9a-f]{64}\b", page)} == {fingerprint}

    verify = client.get(f"/verify/{fingerprint}")
    assert verify.status_code == 200
    html = verify.get_data(as_text=True)
    assert "Free Ales Bialiatski" in html
    assert "Embassy of the Republic of Belarus, The Hague" in html
    assert 'data-testid="bundle-count">5<' in html
    bundles = db.session.execute(select(Bundle)).scalars().all()
    assert [bundle.fingerprint for bundle in bundles] == [fingerprint, fingerprint]


def test_a_new_signature_changes_the_fingerprint(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    before = download(organizer_browser, petition)
    confirmed_signature(petition, full_name="Late Signer")
    after = download(organizer_browser, petition)

    find = re.compile(r"\b[0-9a-f]{64}\b")
    assert (
        find.findall("\n".join(pdf_text(before)))[0] != find.findall("\n".join(pdf_text(after)))[0]
    )


def test_a_bundle_for_one_signer_country(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    text = "\n".join(pdf_text(download(organizer_browser, petition, countries="NL")))

    assert "Christie Miedema" in text
    assert "Jan de Vries" in text
    assert "Алесь Бяляцкі" not in text
    bundle = db.session.execute(select(Bundle)).scalar_one()
    assert bundle.signature_count == 2
    assert bundle.country_codes == ("NL",)
    assert "Netherlands" in main_text(client.get(f"/verify/{bundle.fingerprint}"))


def test_an_unknown_fingerprint_is_not_vouched_for(client: FlaskClient) -> None:
    answer = client.get("/verify/" + "0" * 64)

    assert answer.status_code == 404
    assert "No bundle with this fingerprint was printed here" in main_text(answer)
    assert client.get("/verify/not-hex").status_code == 404


def test_a_delivery_is_recorded_on_the_timeline_and_the_verify_page(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    download(organizer_browser, petition)
    bundle = db.session.execute(select(Bundle)).scalar_one()

    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/deliveries",
        {
            "bundle_id": str(bundle.id),
            "recipient": "the Embassy of Belarus in The Hague",
            "delivered_on": "2026-09-25",
            "note": "Handed over with a birthday cake.",
        },
        page=f"/organizer/petitions/{petition.slug}",
    )

    assert answer.status_code == 303
    case_page = client.get(f"/cases/{petition.case.slug}").get_data(as_text=True)
    assert "5 signatures delivered to the Embassy of Belarus in The Hague" in case_page
    assert "Handed over with a birthday cake." in case_page
    verify = client.get(f"/verify/{bundle.fingerprint}").get_data(as_text=True)
    assert "5 signatures delivered to the Embassy of Belarus in The Hague" in verify


def test_a_delivery_without_a_date_is_refused_and_records_nothing(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    download(organizer_browser, petition)
    bundle = db.session.execute(select(Bundle)).scalar_one()
    timeline_before = db.session.execute(
        select(func.count()).select_from(TimelineEntry)
    ).scalar_one()

    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/deliveries",
        {"bundle_id": str(bundle.id), "recipient": "Embassy", "delivered_on": "", "note": ""},
        page=f"/organizer/petitions/{petition.slug}",
    )

    assert answer.status_code == 422
    page = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    date_field = page.find(id="delivered_on")
    assert date_field is not None
    assert date_field.get("aria-invalid") == "true"
    assert "Please enter the date as YYYY-MM-DD." in page.get_text()
    assert db.session.execute(select(func.count()).select_from(Delivery)).scalar_one() == 0
    assert (
        db.session.execute(select(func.count()).select_from(TimelineEntry)).scalar_one()
        == timeline_before
    )
    assert "delivered to" not in client.get(f"/cases/{petition.case.slug}").get_data(as_text=True)


def test_the_cli_prints_the_same_bundle(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.pdf"

    result = runner.invoke(
        args=[
            "bundle",
            petition.slug,
            "--country",
            "by",
            "--recipient",
            "Embassy of Belarus",
            "--out",
            str(out),
        ]
    )

    assert result.exit_code == 0, result.output
    assert "2 signatures" in result.output
    text = "\n".join(pdf_text(out.read_bytes()))
    assert "Алесь Бяляцкі" in text
    assert "Ўладзімір Лабковіч" in text
    assert "Christie Miedema" not in text
    fingerprint = re.search(r"fingerprint ([0-9a-f]{64})", result.output)
    assert fingerprint
    assert fingerprint.group(1) in text


def test_the_cli_names_bad_input(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    unknown = runner.invoke(args=["bundle", "no-such-petition", "--out", str(tmp_path / "x.pdf")])
    bad_country = runner.invoke(
        args=["bundle", petition.slug, "--country", "XX", "--out", str(tmp_path / "x.pdf")]
    )

    assert unknown.exit_code != 0
    assert "There is no petition 'no-such-petition'" in unknown.output
    assert bad_country.exit_code != 0
    assert "Unknown country codes: XX" in bad_country.output


def test_the_bundle_is_printed_in_the_chosen_language_not_the_organizers(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    organizer_browser.client.get(f"/organizer/petitions/{petition.slug}?lang=nl")

    pages = pdf_text(download(organizer_browser, petition, language="ru"))

    # The date's month from Babel, the countries' names from CLDR, both in Russian.
    assert format_date(utcnow(), "d MMMM y", locale="ru") in pages[0]
    assert "Беларусь" in pages[1]
    assert "Нидерланды" in pages[1]
    assert "Netherlands" not in pages[1]
    assert "Nederland" not in pages[1]
