"""The set-aside figures on the bundle's cover and its verify page: an embassy sees that the
count was defended, and the bundle prints only counted signatures."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from petitions.bundles.models import Bundle
from petitions.extensions import db
from tests.bundles.test_bundles import download, pdf_text
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    open_petition,
    organizer,
    quarantined_signature,
)
from tests.helpers import one, parse, words


def test_the_cover_and_the_verify_page_say_what_was_set_aside(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    confirmed_signature(petition, full_name="Christie Miedema")
    for n in range(3):
        quarantined_signature(petition, "client-burst", full_name=f"Flood Bot {n}")
    quarantined_signature(petition, "disposable", full_name="Throwaway Person")

    pages = pdf_text(download(organizer_browser, petition))
    text = " ".join(" ".join(pages).split())

    assert "Christie Miedema" in text
    assert "Flood Bot" not in text
    assert "Throwaway Person" not in text
    assert (
        "Set aside, not printed 4 signatures confirmed by mail but not counted (waiting for "
        "review: 4). Why: many signatures from one connection within a minute: 3; disposable "
        "email addresses: 1." in text
    )
    bundle = db.session.execute(db.select(Bundle)).scalar_one()
    assert bundle.signature_count == 1
    verify = parse(client.get(f"/verify/{bundle.fingerprint}"))
    assert words(one(verify, '[data-testid="bundle-set-aside"]')) == (
        "4 signatures confirmed by mail but not counted: many signatures from one connection "
        "within a minute (3); disposable email addresses (1)"
    )


def test_a_bundle_of_an_undefended_petition_says_nothing_of_it(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    confirmed_signature(petition)

    text = " ".join(pdf_text(download(organizer_browser, petition)))

    assert not re.search(r"Set\s+aside", text)
    bundle = db.session.execute(db.select(Bundle)).scalar_one()
    assert (
        parse(client.get(f"/verify/{bundle.fingerprint}")).select(
            '[data-testid="bundle-set-aside"]'
        )
        == []
    )
