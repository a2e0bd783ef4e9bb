"""The privacy page says what the code does: its facts come from the settings and the code that
make them true, and a change to either shows on the page (or fails here until it is told)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect

from petitions import limits, public_pages
from petitions.about.services import (
    ERASED,
    KEPT,
    LETTER_ERASED,
    LETTER_KEPT,
    NOT_ABOUT_THE_SIGNER,
    NOT_ABOUT_THE_WRITER,
)
from petitions.extensions import db
from petitions.privacy import retention
from petitions.signing import services as signing
from petitions.signing.models import Signature
from petitions.tokens import confirm_token
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import one, parse, words
from tests.signing.test_links import expired_confirm_token


def limit_shown(client: FlaskClient, name: str) -> str:
    return words(one(parse(client.get("/privacy")), f'[data-testid="limit-{name}"]'))


def test_the_page_states_the_configured_limits_and_follows_them(
    app: Flask, client: FlaskClient
) -> None:
    assert "works for 7 days" in limit_shown(client, "confirm-link")
    assert "kept until 3 days after the end of the day" in limit_shown(client, "evidence")
    assert "never lasts more than 4 days and an hour" in limit_shown(client, "evidence")
    assert "expire after at most 1 day" in limit_shown(client, "rate-limits-connection")
    assert "expire after at most 1 day" in limit_shown(client, "rate-limits-hashed")
    public = words(one(parse(client.get("/privacy")), '[data-testid="public"]'))
    assert "at least 10 have signed from it" in public

    app.config.update(
        CONFIRM_TOKEN_MAX_AGE=36 * 3600,
        EVIDENCE_RETENTION_DAYS=10,
        SIGN_RATE_LIMIT="120 per minute; 500 per 2 hours",
        LINK_RATE_LIMIT="30 per minute",
        HOLDINGS_RATE_LIMIT="3 per hour",
        MAIL_PER_ADDRESS_LIMIT="5 per hour",
        PUBLIC_COUNTRY_MIN=25,
    )
    public_pages.forget_all()  # an operator's restart: the kept pages go with the old settings

    assert "works for 36 hours" in limit_shown(client, "confirm-link")
    assert "kept until 10 days after the end of the day" in limit_shown(client, "evidence")
    assert "never lasts more than 11 days and an hour" in limit_shown(client, "evidence")
    assert "expire after at most 2 hours" in limit_shown(client, "rate-limits-connection")
    assert "expire after at most 1 hour" in limit_shown(client, "rate-limits-hashed")
    public = words(one(parse(client.get("/privacy")), '[data-testid="public"]'))
    assert "at least 25 have signed from it" in public


def test_the_confirmation_link_lives_as_long_as_the_page_says(
    app: Flask, client: FlaskClient
) -> None:
    app.config["CONFIRM_TOKEN_MAX_AGE"] = 9 * 86400
    public_pages.forget_all()
    signature = pending_signature(open_petition())
    eight_days_old = expired_confirm_token(app, signature.id)

    assert "works for 9 days" in limit_shown(client, "confirm-link")
    assert client.get(f"/confirm/{eight_days_old}").status_code == 200

    app.config["CONFIRM_TOKEN_MAX_AGE"] = 7 * 86400
    expired = client.get(f"/confirm/{eight_days_old}")
    assert expired.status_code == 410
    # "After that, opening it offers to send a new link."
    assert one(parse(expired), f'main form[action="/confirm/{eight_days_old}/resend"]')


def test_every_rate_limit_about_signers_is_stated() -> None:
    about_organizers = {limits.LOGIN, limits.LOGIN_FAILURES, limits.ACCOUNT_FAILURES}
    every = {value for value in vars(limits).values() if isinstance(value, limits.Limit)}

    assert set(retention.BY_CONNECTION) | set(retention.BY_HASH) == every - about_organizers
    # Which limits count under the connection itself, as the page says, and which under a hash.
    with_client = {limit for limit in every if limit.key is limits._per_client}
    assert set(retention.BY_CONNECTION) == with_client - about_organizers


def test_every_column_of_a_signature_is_described_once() -> None:
    described = [column for kept in KEPT for column in kept.columns]
    columns = {column.key for column in inspect(Signature).columns}

    assert len(described) == len(set(described))
    assert set(described) | NOT_ABOUT_THE_SIGNER == columns
    assert not set(described) & NOT_ABOUT_THE_SIGNER


def test_the_page_lists_what_is_kept(client: FlaskClient) -> None:
    kept = one(parse(client.get("/privacy")), '[data-testid="kept"]')

    assert [words(dt) for dt in kept.select("dt")] == [str(each.what) for each in KEPT]
    assert [words(dd) for dd in kept.select("dd")] == [str(each.why) for each in KEPT]


def test_what_the_page_says_withdrawal_erases_is_what_it_erases(client: FlaskClient) -> None:
    named = {column for columns, _label in ERASED for column in columns}
    assert named == set(signing.ERASED_ON_WITHDRAWAL)
    shown = one(parse(client.get("/privacy")), '[data-testid="erased"]')
    assert [words(item) for item in shown.select("li")] == [str(label) for _c, label in ERASED]

    signature = confirmed_signature(
        open_petition(),
        comment="Stay strong!",
        show_name_publicly=True,
        may_contact=True,
        return_url="https://amnesty.example/ales",
        client_hash="a" * 24,
        client_group_hash="b" * 24,
    )
    assert signing.withdraw(signature.id) is signing.WithdrawOutcome.WITHDRAWN

    db.session.expire_all()
    erased = db.session.get(Signature, signature.id)
    assert erased is not None
    assert {column: getattr(erased, column) for column in named} == {
        "full_name": "",
        "email": None,
        "email_normalized": None,
        "city": "",
        "comment": None,
        "return_url": None,
        "show_name_publicly": False,
        "may_contact": False,
        "client_key_id": None,
        "client_hash": None,
        "client_group_hash": None,
    }
    # What the page says stays: the country, the code, the language, the times.
    assert (erased.country, erased.locale) == ("NL", "en")
    assert erased.withdrawn_at is not None


def test_the_cookie_the_page_names_is_the_one_a_mailed_link_sets(
    app: Flask, client: FlaskClient
) -> None:
    cookies = words(one(parse(client.get("/privacy")), '[data-testid="cookies-mailed-links"]'))
    name = app.config["SESSION_COOKIE_NAME"]
    assert f"“{name}”" in cookies

    signature = pending_signature(open_petition())
    answer = client.get(f"/confirm/{confirm_token(signature.id)}")

    set_cookies = answer.headers.getlist("Set-Cookie")
    assert [header.split("=", 1)[0] for header in set_cookies] == [name]
    # Deleted when the browser closes: no lifetime of its own.
    assert "expires" not in set_cookies[0].lower()
    assert "max-age" not in set_cookies[0].lower()


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"CONTACT_EMAIL": "privacy@lphr.org"}


def test_the_rights_name_where_to_write(client: FlaskClient) -> None:
    rights = one(parse(client.get("/privacy")), '[data-testid="rights"]')

    assert one(rights, "a")["href"] == "mailto:privacy@lphr.org"


def test_every_column_of_a_letter_is_described_once() -> None:
    from petitions.letters.models import Letter

    described = [column for kept in LETTER_KEPT for column in kept.columns]
    columns = {column.key for column in inspect(Letter).columns}

    assert len(described) == len(set(described))
    assert set(described) | NOT_ABOUT_THE_WRITER == columns
    assert not set(described) & NOT_ABOUT_THE_WRITER


def test_what_the_page_says_withdrawing_a_letter_erases_is_what_it_erases(
    client: FlaskClient,
) -> None:
    from petitions.letters.services import ERASED_ON_WITHDRAWAL

    named = {column for columns, _label in LETTER_ERASED for column in columns}
    assert named == set(ERASED_ON_WITHDRAWAL)
    page = parse(client.get("/privacy"))
    shown = one(page, '[data-testid="letter-erased"]')
    assert [words(item) for item in shown.select("li")] == [
        str(label) for _c, label in LETTER_ERASED
    ]
    kept = one(page, '[data-testid="letter-kept"]')
    assert [words(dt) for dt in kept.select("dt")] == [str(each.what) for each in LETTER_KEPT]
    assert words(one(page, '[data-testid="limit-letters"]')).startswith(
        "A letter you write is kept"
    )
