"""With RATELIMIT_ENABLED=False (an operator's choice, and the benchmarks'), nothing breaks.

The login failure limits and the per-address mail limit ask the limiter's storage directly;
with the limiter switched off there is no storage, and they must step aside, not fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import OrganizerBrowser, SmtpServer, Supporter
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": False}


def test_wrong_passwords_are_refused_and_counted_by_no_limit(client: FlaskClient) -> None:
    hanna = organizer("hanna@example.org")
    browser = OrganizerBrowser(client)

    # Past LOGIN_FAILURE_LIMIT (5 per 15 minutes), which is off with every other limit.
    codes = [browser.log_in(hanna.email, "not the password at all").status_code for _ in range(8)]
    assert codes == [401] * 8

    right = browser.log_in(hanna.email, ORGANIZER_PASSWORD)
    assert right.status_code == 303
    assert client.get("/organizer/").status_code == 200


def test_the_confirmation_mail_goes_out(supporter: Supporter, smtp: SmtpServer) -> None:
    petition = open_petition()

    assert supporter.sign(petition.slug).status_code == 303
    supporter.deliver()

    assert smtp.take_one().link("confirm").startswith("/confirm/")
