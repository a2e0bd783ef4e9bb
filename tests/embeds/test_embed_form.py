"""The embedded sign form: framed only by its partner, defended without cookies, attributed."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from flask.testing import FlaskClient, FlaskCliRunner
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from petitions import create_app, tokens
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.embeds.models import Partner
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature
from tests.conftest import OrganizerBrowser, SmtpServer, settings_for
from tests.factories import ORGANIZER_PASSWORD, closed_petition, open_petition, organizer
from tests.helpers import main_text

PARTNER_ORIGIN = "https://amnesty.example"
PARTNER_PAGE = "https://amnesty.example/campaigns/ales"
OWN_ORIGIN = "http://localhost"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"EMBED_MIN_FILL_SECONDS": 2}


@pytest.fixture
def petition() -> Petition:
    petition = open_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    return petition


def embed_path(petition: Petition, partner: str = "amnesty-nl") -> str:
    return f"/embed/{petition.slug}?partner={partner}&origin={PARTNER_ORIGIN}&page={PARTNER_PAGE}"


def ticket_of(html: str) -> str:
    match = re.search(r'name="ticket" type="hidden" value="([^"]+)"', html)
    assert match, "no ticket in the embedded form"
    return match.group(1)


def backdated(petition_id: int, code: str, seconds: int, ticket_id: str | None = None) -> str:
    """A genuine ticket issued `seconds` ago, as if the form had been open that long."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(dt.datetime.now(dt.UTC).timestamp()) - seconds

    serializer = URLSafeTimedSerializer(
        current_app.secret_key,  # type: ignore[arg-type]
        salt=tokens.Purpose.EMBED_TICKET,
        signer=Earlier,
    )
    return serializer.dumps(
        {
            "n": ticket_id or secrets.token_urlsafe(16),
            "p": petition_id,
            "c": code,
            "o": PARTNER_ORIGIN,
            "r": PARTNER_PAGE,
        }
    )


def notice_of(html: str) -> str:
    """Return the text of the alert above the embedded form."""
    alert = BeautifulSoup(html, "lxml").select_one("div.error-summary[role=alert]")
    assert alert is not None, "no alert above the form"
    return alert.get_text(" ", strip=True)


def typed_name(html: str) -> str:
    field = BeautifulSoup(html, "lxml").select_one("form input[name=full_name]")
    assert field is not None, "no name field in the form"
    return str(field.get("value", ""))


def signer(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Pieter Jansen",
        "email": "pieter@example.org",
        "country": "NL",
        "city": "Utrecht",
        "comment": "",
        "website": "",
        **overrides,
    }


def nothing_written() -> bool:
    signatures = db.session.execute(select(func.count()).select_from(Signature)).scalar()
    mails = db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar()
    return signatures == 0 and mails == 0


def post(
    client: FlaskClient, petition: Petition, data: dict[str, str], origin: str | None = OWN_ORIGIN
) -> Any:
    headers = {"Origin": origin} if origin else {}
    return client.post(
        f"/embed/{petition.slug}/sign?partner=amnesty-nl", data=data, headers=headers
    )


def test_only_the_partner_may_frame_the_form_and_no_cookie_is_needed(
    client: FlaskClient, petition: Petition
) -> None:
    answer = client.get(embed_path(petition))

    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN}" in policy
    assert "X-Frame-Options" not in answer.headers
    assert "Set-Cookie" not in answer.headers
    assert f'data-parent-origin="{PARTNER_ORIGIN}"' in answer.get_data(as_text=True)
    # Every other page refuses to be framed.
    page = client.get(f"/p/{petition.slug}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_parent_origin_not_on_the_list_never_gets_the_form(
    client: FlaskClient, petition: Petition
) -> None:
    # It gets the "not registered" notice (tests/embeds/test_not_registered.py): no form, no
    # ticket, and only that notice's height is posted to it.
    html = client.get(
        f"/embed/{petition.slug}?partner=amnesty-nl&origin=https://evil.example"
    ).get_data(as_text=True)

    assert BeautifulSoup(html, "lxml").select("form, input[name=ticket]") == []


def test_an_unknown_partner_or_petition_is_404(client: FlaskClient, petition: Petition) -> None:
    assert client.get(f"/embed/{petition.slug}?partner=nobody").status_code == 404
    assert client.get(f"/embed/{petition.slug}").status_code == 404
    assert client.get("/embed/no-such-petition?partner=amnesty-nl").status_code == 404


def test_a_signature_through_the_embed_is_confirmed_counted_and_attributed(
    client: FlaskClient, petition: Petition, smtp: SmtpServer
) -> None:
    from tests.conftest import csrf_token

    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(), "ticket": ticket})

    assert answer.status_code == 200
    assert "Check your inbox" in main_text(answer)
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN}" in answer.headers["Content-Security-Policy"]
    signature = db.session.execute(select(Signature)).scalar_one()
    assert signature.source == "amnesty-nl"
    assert signature.return_url == PARTNER_PAGE
    drain_once()
    link = smtp.take_one().link("confirm")
    page = client.get(link).get_data(as_text=True)
    confirmed = client.post(link, data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
    assert "your signature is confirmed" in confirmed
    assert f'href="{PARTNER_PAGE}"' in confirmed
    assert "Back to Amnesty Netherlands" in confirmed
    assert client.get(f"/api/v1/petitions/{petition.slug}").get_json()["signature_count"] == 1


@pytest.mark.parametrize(
    ("make_ticket", "status", "message"),
    [
        (lambda p: "forged.ticket.value", 400, "This form could not be checked"),
        (lambda p: backdated(p.id, "amnesty-nl", 3 * 3600), 400, "This form was open too long"),
        (lambda p: backdated(p.id + 1000, "amnesty-nl", 5), 400, "This form could not be checked"),
        (lambda p: backdated(p.id, "other-partner", 5), 400, "This form could not be checked"),
        (lambda p: backdated(p.id, "amnesty-nl", 0), 422, "quicker than a person can type"),
    ],
    ids=["forged", "expired", "other-petition", "other-partner", "too-fast"],
)
def test_a_bad_ticket_is_refused_clearly_and_writes_nothing(
    client: FlaskClient, petition: Petition, make_ticket: Any, status: int, message: str
) -> None:
    sent = make_ticket(petition)

    answer = post(client, petition, {**signer(), "ticket": sent})

    assert answer.status_code == status
    html = answer.get_data(as_text=True)
    assert message in notice_of(html)
    assert typed_name(html) == "Pieter Jansen", "the signer's input is kept"
    fresh = ticket_of(html)
    assert fresh != sent, "a fresh ticket to try again with"
    # ... a genuine one, for this petition and partner, that can be sent once it is old enough.
    assert tokens.read_ticket(fresh, petition.id, "amnesty-nl").petition_id == petition.id
    assert nothing_written()


def test_a_filled_honeypot_is_refused_and_writes_nothing(
    client: FlaskClient, petition: Petition
) -> None:
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(website="http://spam.example"), "ticket": ticket})

    assert answer.status_code == 422
    assert "Please leave the last field empty" in main_text(answer)
    assert nothing_written()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        # A sandboxed frame or a privacy redirect hides where it is: "null" is refused.
        {"Origin": "null"},
        # The browser's own word, even with our Origin beside it (as no browser would send).
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": OWN_ORIGIN},
        {"Referer": "https://evil.example/page"},
    ],
    ids=["foreign-origin", "null-origin", "cross-site", "same-site", "foreign-referer"],
)
def test_a_post_from_another_site_is_refused(
    client: FlaskClient, petition: Petition, headers: dict[str, str]
) -> None:
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = client.post(
        f"/embed/{petition.slug}/sign?partner=amnesty-nl",
        data={**signer(), "ticket": ticket},
        headers=headers,
    )

    assert answer.status_code == 403
    assert "only be sent from the page it was shown on" in main_text(answer)
    assert nothing_written()


def test_a_post_without_any_origin_header_is_taken_as_from_no_browser(
    client: FlaskClient, petition: Petition
) -> None:
    # Deliberate (petitions/senders.py): every browser since 2019 sends Origin on a POST, so a
    # request with neither Origin, Referer nor Sec-Fetch-Site comes from a script, which could
    # send any header it likes; the per-IP limit and the mailed link bound it, as before.
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(), "ticket": ticket}, origin=None)

    assert answer.status_code == 200
    assert db.session.execute(select(Signature.source)).scalar_one() == "amnesty-nl"


def test_the_partners_own_origin_may_post(client: FlaskClient, petition: Petition) -> None:
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(), "ticket": ticket}, origin=PARTNER_ORIGIN)

    assert answer.status_code == 200
    assert db.session.execute(select(Signature.source)).scalar_one() == "amnesty-nl"


def test_bad_fields_are_shown_again_in_the_frame(client: FlaskClient, petition: Petition) -> None:
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(full_name=""), "ticket": ticket})

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Please enter your name." in html
    assert 'value="pieter@example.org"' in html
    assert (
        "frame-ancestors 'self' https://amnesty.example"
        in answer.headers["Content-Security-Policy"]
    )
    assert nothing_written()


def test_a_closed_petition_takes_no_embedded_signature(client: FlaskClient) -> None:
    petition = closed_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(), "ticket": ticket})

    assert answer.status_code == 409
    assert nothing_written()


def test_the_cli_registers_a_partner(runner: FlaskCliRunner) -> None:
    petition = open_petition()

    result = runner.invoke(
        args=[
            "partner",
            "add",
            petition.slug,
            "--code",
            "amnesty-nl",
            "--name",
            "Amnesty NL",
            "--origin",
            "https://AMNESTY.nl/",
            "--origin",
            "https://www.amnesty.nl",
        ]
    )
    again = runner.invoke(
        args=[
            "partner",
            "add",
            petition.slug,
            "--code",
            "amnesty-nl",
            "--name",
            "Amnesty NL",
            "--origin",
            "https://amnesty.nl",
        ]
    )
    bad = runner.invoke(
        args=[
            "partner",
            "add",
            petition.slug,
            "--code",
            "x",
            "--name",
            "X",
            "--origin",
            "https://amnesty.nl/some/page",
        ]
    )

    assert result.exit_code == 0, result.output
    partner = db.session.execute(select(Partner)).scalar_one()
    assert partner.origins == ("https://amnesty.nl", "https://www.amnesty.nl")
    assert again.exit_code != 0
    assert "already used on this petition" in again.output
    assert bad.exit_code != 0
    assert "has more than an origin" in bad.output


def test_embed_js_is_served_to_any_site(client: FlaskClient) -> None:
    answer = client.get("/embed.js")

    assert answer.status_code == 200
    assert "javascript" in (answer.mimetype or "")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    # Size messages are taken only from our own frame and origin.
    assert "event.origin !== base.origin" in answer.get_data(as_text=True)


def test_the_organizer_page_shows_snippets_and_a_preview(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    page = f"/organizer/petitions/{petition.slug}/partners/"

    added = organizer_browser.post(
        page,
        {
            "name": "Amnesty Netherlands",
            "code": "amnesty-nl",
            "origins": "https://amnesty.nl\nhttps://www.amnesty.nl",
        },
        page=page,
    )
    refused = organizer_browser.post(
        page, {"name": "Bad", "code": "bad", "origins": "not an origin"}, page=page
    )

    assert added.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert (
        f'&lt;script src="http://localhost/embed.js" data-petition="{petition.slug}" '
        'data-partner="amnesty-nl" async&gt;&lt;/script&gt;' in html
    )
    assert f'src="/embed/{petition.slug}?partner=amnesty-nl"' in html
    assert f"/badge/{petition.slug}.svg" in html
    assert refused.status_code == 422
    assert "is not an origin like https://amnesty.nl" in main_text(refused)
    assert len(db.session.execute(select(Partner)).all()) == 1


def test_an_expired_form_is_shown_again_where_it_was(
    client: FlaskClient, petition: Petition, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = post(
        client, petition, {**signer(), "ticket": backdated(petition.id, "amnesty-nl", 3 * 3600)}
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    # Still reports its height to the partner's page, and the fresh ticket keeps the way back.
    assert f'data-parent-origin="{PARTNER_ORIGIN}"' in html
    too_soon = post(client, petition, {**signer(), "ticket": ticket_of(html)})
    assert too_soon.status_code == 422, "too fast: the fresh ticket was just issued"
    assert nothing_written()

    # The signer takes their time (the clock moves on past the fill time) and sends it again.
    later = utcnow() + dt.timedelta(seconds=10)
    monkeypatch.setattr("petitions.embeds.services.utcnow", lambda: later)
    sent = post(
        client, petition, {**signer(), "ticket": ticket_of(too_soon.get_data(as_text=True))}
    )

    assert sent.status_code == 200
    assert f'data-parent-origin="{PARTNER_ORIGIN}"' in sent.get_data(as_text=True)
    signature = db.session.execute(select(Signature)).scalar_one()
    assert signature.return_url == PARTNER_PAGE, "the way back survived the expired form"


# --- one ticket, many signers -------------------------------------------------------------


def signature_and_mail_counts() -> tuple[int, int]:
    db.session.rollback()
    signatures = db.session.execute(select(func.count()).select_from(Signature)).scalar()
    mails = db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar()
    return int(signatures or 0), int(mails or 0)


def test_the_ticket_of_a_cached_form_signs_for_everybody_it_was_shown_to_once_each(
    client: FlaskClient, petition: Petition, smtp: SmtpServer, database_url: str, tmp_path: Path
) -> None:
    # The form is kept for everybody for a few seconds, ticket and all (it used to sign once:
    # the flash crowd changed that on purpose, see petitions/tokens.py).
    shown = [client.get(embed_path(petition)) for _ in range(2)]
    assert shown[0].get_data() == shown[1].get_data(), "one page for everybody"
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answers = [
        post(client, petition, {**signer(email=f"person{n}@example.org"), "ticket": ticket})
        for n in range(3)
    ]
    # Another instance of the service, on the same database, takes it too.
    other = create_app(settings_for(database_url, smtp, tmp_path))
    with other.app_context():
        elsewhere = other.test_client().post(
            f"/embed/{petition.slug}/sign?partner=amnesty-nl",
            data={**signer(email="elsewhere@example.org"), "ticket": ticket},
            headers={"Origin": OWN_ORIGIN},
        )
        db.engine.dispose()
    again = post(client, petition, {**signer(email="person0@example.org"), "ticket": ticket})

    assert [a.status_code for a in [*answers, elsewhere, again]] == [200] * 5
    assert signature_and_mail_counts() == (4, 5), "one signature per address; a mail per attempt"
    drain_once()
    assert sorted(r for m in smtp.take(4) for r in m.recipients) == sorted(
        [f"person{n}@example.org" for n in range(3)] + ["elsewhere@example.org"]
    ), "the second attempt of one address waits (at most one mail per 10 minutes)"


@pytest.mark.parametrize("letters_open", [True, False])
def test_after_signing_in_the_frame_a_supporter_may_write_to_the_prisoner(
    client: FlaskClient, petition: Petition, smtp: SmtpServer, letters_open: bool
) -> None:
    from tests.factories import open_letters

    open_letters(petition.case, is_open=letters_open)
    ticket = backdated(petition.id, "amnesty-nl", 5)

    answer = post(client, petition, {**signer(), "ticket": ticket})

    assert answer.status_code == 200
    link = BeautifulSoup(answer.get_data(as_text=True), "lxml").select_one(
        'main [data-testid="write-link"] a'
    )
    if not letters_open:
        assert link is None
        return
    assert link is not None
    assert link.get_text(strip=True) == f"Write to {petition.case.prisoner_name}"
    assert link["href"] == f"/cases/{petition.case.slug}/write?lang=en"
    # Out of the frame, into a tab of its own (our pages refuse to be framed).
    assert link["target"] == "_blank"
    assert "noopener" in link["rel"]
