"""A petition that closed takes no more confirmations, after a short grace period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import update

from petitions.cases.models import Petition, PetitionStatus
from petitions.cases.services import close_petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.models import SignatureState
from tests.conftest import SmtpServer, Supporter, csrf_token, signature_states
from tests.factories import confirmed_signature, open_petition
from tests.helpers import main_text

CLOSED_HEADING = "This petition has closed"


def signed_and_mailed(supporter: Supporter, smtp: SmtpServer) -> tuple[Petition, str]:
    """A petition with two confirmed signatures and a third signer holding a confirm link."""
    petition = open_petition()
    confirmed_signature(petition)
    confirmed_signature(petition)
    assert supporter.sign(petition.slug).status_code == 303
    supporter.deliver()
    link = smtp.take_one().link("confirm")
    # The session's CSRF token, kept while the confirm page still shows its button.
    tokens[link] = csrf_token(supporter.client.get(link).get_data(as_text=True))
    return petition, link


#: The CSRF token of each link's browser session.
tokens: dict[str, str] = {}


def closed_ago(petition: Petition, ago: dt.timedelta) -> None:
    """Close the petition as an organizer would, then let ``ago`` pass."""
    close_petition(petition)
    db.session.execute(
        update(Petition).where(Petition.id == petition.id).values(closes_at=utcnow() - ago)
    )
    db.session.commit()


def count(client: FlaskClient, petition: Petition) -> int:
    return int(client.get(f"/api/v1/petitions/{petition.slug}").get_json()["signature_count"])


def press_confirm(client: FlaskClient, link: str) -> Any:
    """Press the button of a confirm page opened before the close (as a tab left open)."""
    return client.post(link, data={"csrf_token": tokens[link]})


def assert_closed_page(answer: Any) -> None:
    assert answer.status_code == 410
    soup = BeautifulSoup(answer.get_data(as_text=True), "lxml")
    assert soup.title is not None
    assert CLOSED_HEADING in soup.title.text
    heading = soup.select_one("main h1") or soup.select_one("h1")
    assert heading is not None
    assert heading.get_text(strip=True) == CLOSED_HEADING
    assert "your signature was not counted" in soup.get_text(" ", strip=True)
    assert soup.select_one("form button") is None, "no button that would not work"


def test_a_confirmation_a_day_after_the_close_is_refused_and_not_counted(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition, link = signed_and_mailed(supporter, smtp)
    closed_ago(petition, dt.timedelta(hours=25))

    shown = client.get(link)
    pressed = press_confirm(client, link)

    assert_closed_page(shown)
    assert_closed_page(pressed)
    assert count(client, petition) == 2
    assert signature_states(petition.id)[SignatureState.CONFIRMED] == 2
    assert signature_states(petition.id)[SignatureState.PENDING] == 1


def test_a_petition_past_its_end_date_takes_no_confirmation_either(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition, link = signed_and_mailed(supporter, smtp)
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(closes_at=utcnow() - dt.timedelta(hours=2))
    )
    db.session.commit()
    assert petition.status is PetitionStatus.OPEN

    assert_closed_page(press_confirm(client, link))
    assert count(client, petition) == 2


def test_the_update_itself_refuses_a_closed_petition(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the page's own check let the press through (a close racing it), the SQL does not."""
    petition, link = signed_and_mailed(supporter, smtp)
    monkeypatch.setattr("petitions.signing.services.takes_confirmations", lambda petition: True)
    closed_ago(petition, dt.timedelta(hours=25))
    page = client.get(link)
    assert page.status_code == 200, "the button is shown: the page's check is bypassed"

    pressed = press_confirm(client, link)

    assert_closed_page(pressed)
    assert count(client, petition) == 2


def test_a_mail_sent_just_before_the_close_still_counts_within_the_grace_period(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition, link = signed_and_mailed(supporter, smtp)
    closed_ago(petition, dt.timedelta(minutes=20))

    answer = supporter.open_and_press(link)

    assert answer.status_code == 200
    assert "your signature is confirmed" in main_text(answer)
    assert count(client, petition) == 3


@pytest.fixture
def config_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "config_overrides", [{"CONFIRM_GRACE_AFTER_CLOSE_SECONDS": 0}], indirect=True
)
def test_without_a_grace_period_the_close_ends_confirmations_at_once(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer, config_overrides: dict[str, Any]
) -> None:
    petition, link = signed_and_mailed(supporter, smtp)
    closed_ago(petition, dt.timedelta(seconds=1))

    assert_closed_page(press_confirm(client, link))
    assert count(client, petition) == 2
