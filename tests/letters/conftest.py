"""The letters tests' common parts: a detained case taking letters, and its organizer logged in.

A module that needs another case (an address on the envelope, words to avoid) defines its own
``case`` fixture; ``owner`` then runs that one.
"""

from __future__ import annotations

import pytest
from flask import Flask

from petitions.cases.models import Case
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, detained_case, open_letters, organizer

#: The organizer who runs the case.
OWNER = "owner@example.org"


@pytest.fixture
def case(app: Flask) -> Case:
    made = detained_case()
    open_letters(made)
    return made


@pytest.fixture
def owner(case: Case, organizer_browser: OrganizerBrowser) -> OrganizerBrowser:
    organizer(OWNER, cases=(case,))
    organizer_browser.log_in(OWNER, ORGANIZER_PASSWORD)
    return organizer_browser
