"""Fixtures and form data the organizer-area tests share."""

from __future__ import annotations

import pytest

from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, organizer

#: The new-case form as an organizer fills it in.
CASE_FORM = {
    "prisoner_name": "Maria Kalesnikava",
    "slug": "maria-kalesnikava",
    "detention_country": "BY",
    "detention_place": "Penal colony No. 4, Homiel",
    "arrested_on": "2020-09-07",
    "sentence": "11 years",
    "status": "detained",
    "bio": "Musician and political activist.",
}


@pytest.fixture
def hanna(organizer_browser: OrganizerBrowser) -> OrganizerBrowser:
    """Hanna, an organizer, logged in."""
    organizer("hanna@example.org")
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    return organizer_browser
