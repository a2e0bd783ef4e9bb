"""The mailed links' views share one per-IP limit on POSTs; opening a link is never limited."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import SmtpServer


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"LINK_RATE_LIMIT": "3 per minute"}


def test_confirm_resend_and_withdraw_posts_share_one_limit(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    paths = ["/confirm/forged", "/confirm/forged/resend", "/withdraw/forged", "/confirm/forged"]

    codes = [client.post(path).status_code for path in paths]

    assert codes == [400, 400, 400, 429]


def test_opening_a_link_is_not_limited(client: FlaskClient, smtp: SmtpServer) -> None:
    codes = [client.get(path).status_code for path in ["/confirm/forged", "/withdraw/forged"] * 3]

    assert codes == [400] * 6
