"""Choosing a bundle's language: the default for the addressee's country, the dashboard's
"Printed in" list, the CLI's --language, bad input refused, and the language shown afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from petitions.bundles.delivery_language import default_language
from petitions.bundles.models import Bundle
from petitions.cases.models import Petition
from petitions.extensions import db
from tests.bundles.language_fixtures import (
    EMBASSY,
    PRINTED,
    log_in_organizer,
    pages_of,
    translated_petition,
)
from tests.conftest import OrganizerBrowser


def bundles_made() -> int:
    return int(db.session.execute(select(func.count()).select_from(Bundle)).scalar_one())


@pytest.mark.parametrize(
    ("country", "written_in", "printed_in"),
    [
        ("BY", "en", "ru"),
        ("RU", "en", "ru"),
        ("UA", "en", "uk"),
        ("PL", "en", "pl"),
        ("LT", "en", "lt"),
        ("NL", "en", "nl"),
        ("BE", "en", "nl"),
        ("FR", "en", "fr"),
        ("DE", "en", "de"),
        ("AT", "en", "de"),
        ("US", "nl", "nl"),  # no language for the country: the petition's own
        (None, "de", "de"),
        (None, "en", "en"),
    ],
)
def test_the_default_language_is_the_addressees(
    app: Flask, country: str | None, written_in: str, printed_in: str
) -> None:
    petition = Petition(addressee_country=country, language=written_in)

    assert default_language(petition) == printed_in


def test_a_country_language_the_service_does_not_offer_falls_back(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LANGUAGES", ["en", "be", "nl"])

    assert default_language(Petition(addressee_country="BY", language="nl")) == "nl"
    assert default_language(Petition(addressee_country="BY", language="uk")) == "en"


@pytest.fixture
def petition(organizer_browser: OrganizerBrowser) -> Petition:
    petition = translated_petition()
    log_in_organizer(organizer_browser, petition)
    return petition


def dashboard(browser: OrganizerBrowser, petition: Petition) -> BeautifulSoup:
    """The bundles section of the petition's dashboard, where bundles are asked for."""
    page = browser.client.get(f"/organizer/petitions/{petition.slug}/bundles")
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def test_the_form_offers_every_language_by_its_own_name_the_addressees_chosen(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    page = dashboard(organizer_browser, petition)
    select_ = page.find("select", id="language")
    assert select_ is not None
    label = page.find("label", attrs={"for": "language"})
    assert label is not None
    assert label.get_text(strip=True) == "Printed in"

    options = {
        option["value"]: option.get_text(strip=True) for option in select_.find_all("option")
    }
    assert options["ru"] == "Русский"
    assert options["be"] == "Беларуская"
    assert options["nl"] == "Nederlands"
    assert options["en"] == "English"
    chosen = [option["value"] for option in select_.find_all("option", selected=True)]
    assert chosen == ["ru"]
    # The recipient is filled in as the addressee reads in the language chosen.
    recipient = page.find("input", id="recipient_name")
    assert recipient is not None
    assert recipient["value"] == PRINTED["ru"].addressee


@pytest.mark.parametrize("language", ["xx", "", "EN", "ru'; --"])
def test_a_language_not_in_the_list_is_refused_on_the_form_and_builds_nothing(
    organizer_browser: OrganizerBrowser, petition: Petition, language: str
) -> None:
    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": "Consul H. Ivanov", "recipient_address": "", "language": language},
        page=f"/organizer/petitions/{petition.slug}",
    )

    assert answer.status_code == 422
    page = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    field = page.find("select", id="language")
    assert field is not None
    assert field.get("aria-invalid") == "true"
    error = page.find(id="language-error")
    assert error is not None
    assert error.get_text(strip=True) == "Please choose one of the languages in the list."
    # What was typed is kept.
    recipient = page.find("input", id="recipient_name")
    assert recipient is not None
    assert recipient["value"] == "Consul H. Ivanov"
    assert bundles_made() == 0


def test_a_form_without_a_language_is_refused(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    answer = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": EMBASSY, "recipient_address": ""},
        page=f"/organizer/petitions/{petition.slug}",
    )

    assert answer.status_code == 422
    assert bundles_made() == 0


def test_the_cli_prints_in_the_language_asked_for(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.pdf"

    result = runner.invoke(args=["bundle", petition.slug, "--language", "nl", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert f"Wrote {out} in nl:" in result.output
    cover = pages_of(out.read_bytes())[0]
    assert PRINTED["nl"].title in cover
    assert PRINTED["nl"].addressee in cover  # the default recipient, in Dutch
    assert db.session.execute(select(Bundle.language)).scalar_one() == "nl"


def test_the_cli_defaults_to_the_addressees_language(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.pdf"

    result = runner.invoke(args=["bundle", petition.slug, "--out", str(out)])

    assert result.exit_code == 0, result.output
    cover = pages_of(out.read_bytes())[0]
    assert PRINTED["ru"].title in cover
    assert PRINTED["ru"].addressee in cover


def test_the_cli_refuses_a_language_it_does_not_print_in_and_writes_nothing(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    out = tmp_path / "bundle.pdf"

    result = runner.invoke(args=["bundle", petition.slug, "--language", "xx", "--out", str(out)])

    assert result.exit_code != 0
    assert "Bundles cannot be printed in 'xx': choose one of en, be, ru" in result.output
    assert not out.exists()
    assert bundles_made() == 0


def test_the_verify_page_and_the_dashboard_say_the_language(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": EMBASSY, "recipient_address": "", "language": "nl"},
        page=f"/organizer/petitions/{petition.slug}",
    )
    bundle = db.session.execute(select(Bundle)).scalar_one()

    listed = dashboard(organizer_browser, petition).select_one('[data-testid="bundle-language"]')
    assert listed is not None
    assert listed.get_text(strip=True) == "Language: Dutch"

    # The language is named in the reader's.
    for lang, name in (("en", "Dutch"), ("ru", "Нидерландский")):
        page = client.get(f"/verify/{bundle.fingerprint}?lang={lang}")
        soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
        shown = soup.select_one('main [data-testid="bundle-language"]')
        assert shown is not None
        assert shown.get_text(strip=True) == name
        if lang == "en":
            label = shown.find_previous_sibling("dt")
            assert label is not None
            assert label.get_text(strip=True) == "Printed in"


def test_a_bundle_printed_before_languages_were_recorded_shows_none(
    organizer_browser: OrganizerBrowser, petition: Petition, client: FlaskClient
) -> None:
    organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": EMBASSY, "recipient_address": "", "language": "nl"},
        page=f"/organizer/petitions/{petition.slug}",
    )
    bundle = db.session.execute(select(Bundle)).scalar_one()
    bundle.language = ""
    db.session.commit()

    page = BeautifulSoup(
        client.get(f"/verify/{bundle.fingerprint}").get_data(as_text=True), "html.parser"
    )
    assert page.select_one('[data-testid="bundle-count"]') is not None
    assert page.select_one('[data-testid="bundle-language"]') is None
