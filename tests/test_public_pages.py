"""Public pages under a flash crowd: the same for every visitor of a language, cookie-free,
cacheable (ETag, 304, public Cache-Control, Vary only on Accept-Language), kept on the server
and fresh again as soon as what they show changes; the site's sign form defended by the ticket
and the Origin / Sec-Fetch-Site check instead of a session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from petitions import public_pages, tokens
from petitions.bundles.models import Bundle
from petitions.cases.models import DetentionPeriod, Petition
from petitions.clock import utcnow
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.signing import signals
from petitions.signing.models import Signature
from tests.factories import open_petition
from tests.helpers import count_select_renders, count_shown, main_text, one, parse
from tests.signing.sign_form import TYPED, FormPage, form_post_data, stored_rows

OWN_ORIGIN = "http://localhost"
FINGERPRINT = "ab" * 32


@pytest.fixture
def petition() -> Petition:
    petition = open_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.example"])
    db.session.add(
        Bundle(
            petition_id=petition.id,
            fingerprint=FINGERPRINT,
            recipient_name="Embassy of Belarus",
            signature_count=0,
            generated_at=utcnow(),
        )
    )
    db.session.commit()
    return petition


def public_paths(petition: Petition) -> list[str]:
    return [
        "/",
        f"/cases/{petition.case.slug}",
        f"/p/{petition.slug}",
        f"/p/{petition.slug}?ref=newsletter",
        f"/verify/{FINGERPRINT}",
        f"/embed/{petition.slug}?partner=amnesty-nl",
        f"/embed/{petition.slug}/counter?partner=amnesty-nl",
        "/about",
        "/privacy",
        "/contact",
    ]


def directives(answer: TestResponse) -> dict[str, str]:
    """Return the Cache-Control directives, each with its value ("" for a bare one)."""
    parts = [part.strip() for part in answer.headers.get("Cache-Control", "").split(",")]
    return {name: value for name, _, value in (part.partition("=") for part in parts if part)}


def varies_on(answer: TestResponse) -> set[str]:
    return {name.strip().lower() for name in answer.headers.get("Vary", "").split(",") if name}


def test_every_public_page_sets_no_cookie_varies_only_on_the_language_and_may_be_cached(
    client: FlaskClient, petition: Petition
) -> None:
    for path in public_paths(petition):
        answer = client.get(path)

        assert answer.status_code == 200, path
        assert answer.headers.getlist("Set-Cookie") == [], path
        assert varies_on(answer) == {"accept-language"}, path
        cache = directives(answer)
        assert "public" in cache, path
        # Shared caches keep it a few seconds; browsers revalidate with the ETag each time.
        assert 0 < int(cache["s-maxage"]) <= 30, path
        assert cache["max-age"] == "0", path
        assert int(cache["stale-while-revalidate"]) > 0, path
        assert int(cache["stale-if-error"]) > 0, path
        assert answer.headers["ETag"], path
    assert client.get_cookie("session") is None


def test_two_visitors_get_the_same_bytes_and_a_matching_etag_gets_a_304(
    app: Any, client: FlaskClient, petition: Petition
) -> None:
    # (The client fixture makes every test client run each request in its own app context.)
    for path in public_paths(petition):
        first, second = app.test_client().get(path), app.test_client().get(path)
        assert first.get_data() == second.get_data(), path
        assert first.headers["ETag"] == second.headers["ETag"], path

        again = app.test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.get_data() == b"", path
        assert again.headers["ETag"] == first.headers["ETag"], path
        assert "public" in directives(again), path


def test_the_petition_page_carries_no_per_visitor_token(
    app: Any, client: FlaskClient, petition: Petition
) -> None:
    form = FormPage(client.get(f"/p/{petition.slug}").get_data(as_text=True))

    ticket = tokens.read_ticket(form.values["csrf_token"], petition.slug, None)
    assert ticket.partner_code is None
    # It is the same for the next visitor, without a cookie, as the whole page is.
    other = FormPage(app.test_client().get(f"/p/{petition.slug}").get_data(as_text=True))
    assert other.values["csrf_token"] == form.values["csrf_token"]


def test_each_language_has_its_own_kept_page(client: FlaskClient, petition: Petition) -> None:
    english = client.get(f"/p/{petition.slug}")
    russian = client.get(f"/p/{petition.slug}", headers={"Accept-Language": "ru"})
    chosen = client.get(f"/p/{petition.slug}?lang=be")

    assert one(parse(english), "html")["lang"] == "en"
    assert one(parse(russian), "html")["lang"] == "ru"
    assert one(parse(chosen), "html")["lang"] == "be"
    assert len({english.headers["ETag"], russian.headers["ETag"], chosen.headers["ETag"]}) == 3
    # A language chosen in the URL goes on with the links and the sign form.
    action = FormPage(chosen.get_data(as_text=True)).action or ""
    assert action.endswith("?lang=be")
    assert chosen.headers.getlist("Set-Cookie") == []


def test_a_language_remembered_in_a_session_is_used_but_kept_out_of_shared_caches(
    client: FlaskClient, petition: Petition
) -> None:
    # Organizer pages (and mailed links) remember a ?lang= choice in the session.
    client.get("/organizer/login?lang=be")
    assert client.get_cookie("session") is not None

    answer = client.get(f"/p/{petition.slug}")

    assert one(parse(answer), "html")["lang"] == "be"
    assert "private" in directives(answer)
    assert "public" not in directives(answer)
    assert "cookie" in varies_on(answer)
    assert answer.headers.getlist("Set-Cookie") == []


def test_a_message_waiting_in_one_browsers_session_is_not_kept_in_a_public_page(
    client: FlaskClient, app: Any, petition: Petition
) -> None:
    # An organizer's next page shows what they just did; the message may name a person.
    # (Through an organizer page: public answers never save a session, not even this one.)
    with client.session_transaction("/organizer/login") as session:
        session["_flashes"] = [("message", "pieter@example.org may now run this case.")]
    stranger = app.test_client()

    for path in public_paths(petition):
        for browser in (client, stranger):
            page = parse(browser.get(path))
            assert page.select(".flash") == [], path
            assert "pieter@example.org" not in page.get_text(), path
        with client.session_transaction("/organizer/login") as session:
            assert session.get("_flashes"), f"{path} took the message from the organizer"


# --- freshness ------------------------------------------------------------------------------


def _count_moved_behind_the_caches_back(petition: Petition, count: int) -> None:
    # A Core statement on a connection of its own: no session event sees it, as a write made by
    # another instance would not be seen by this one.
    with db.engine.begin() as connection:
        connection.execute(
            update(Petition).where(Petition.id == petition.id).values(signature_count=count)
        )


def test_the_kept_page_shows_a_new_count_once_count_changed_is_sent(
    app: Any, client: FlaskClient, petition: Petition
) -> None:
    assert count_shown(client.get(f"/p/{petition.slug}")) == 0
    home = client.get("/")

    _count_moved_behind_the_caches_back(petition, 7)
    assert count_shown(client.get(f"/p/{petition.slug}")) == 0, "kept for COUNT_CACHE_SECONDS"

    signals.announce_count_changed(petition.slug)

    assert count_shown(client.get(f"/p/{petition.slug}")) == 7
    assert client.get("/").headers["ETag"] != home.headers["ETag"], "the home page too"


def test_under_a_crowd_confirmations_drop_kept_pages_at_most_once_a_window(
    app: Any, client: FlaskClient, petition: Petition
) -> None:
    # Production keeps a one-second window; a minute here, so no clock can make this flaky.
    app.config["PUBLIC_PAGE_COUNT_SECONDS"] = 60
    assert count_shown(client.get(f"/p/{petition.slug}")) == 0

    _count_moved_behind_the_caches_back(petition, 7)
    signals.announce_count_changed(petition.slug)
    assert count_shown(client.get(f"/p/{petition.slug}")) == 7, "the first change drops at once"

    _count_moved_behind_the_caches_back(petition, 8)
    signals.announce_count_changed(petition.slug)
    assert count_shown(client.get(f"/p/{petition.slug}")) == 7, "kept: COUNT_CACHE_SECONDS old"

    petition.title = "Freedom for Ales Bialiatski"
    db.session.commit()
    assert count_shown(client.get(f"/p/{petition.slug}")) == 8, "an edit drops at once"


def test_a_committed_edit_of_a_petition_drops_its_kept_page(
    client: FlaskClient, petition: Petition
) -> None:
    assert "Free Ales Bialiatski" in main_text(client.get(f"/p/{petition.slug}"))

    petition.title = "Freedom for Ales Bialiatski"
    db.session.commit()

    assert "Freedom for Ales Bialiatski" in main_text(client.get(f"/p/{petition.slug}"))


def test_a_committed_detention_period_drops_the_kept_case_page(
    client: FlaskClient, petition: Petition
) -> None:
    case = petition.case
    case.detentions[0].ended_on = dt.date(2014, 6, 21)
    case.detentions.append(DetentionPeriod(started_on=dt.date(2021, 7, 14), place="Minsk"))
    db.session.commit()
    assert "Gorki" not in main_text(client.get(f"/cases/{case.slug}"))

    case.detentions[1].place = "Gorki"  # only the period's row changes
    db.session.commit()

    assert "Gorki" in main_text(client.get(f"/cases/{case.slug}"))


def test_the_country_list_is_rendered_once_per_language(
    app: Any, client: FlaskClient, petition: Petition, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = count_select_renders(monkeypatch)
    for n in range(3):
        # Fresh pages each time (another ?ref=, so not the kept page).
        client.get(f"/p/{petition.slug}?ref=r{n}")
        client.get(f"/p/{petition.slug}?ref=r{n}&lang=ru")

    assert rendered.count("country") == 2


# --- the sign form: a ticket and the sender's origin ------------------------------------------


def sign_from(client: FlaskClient, petition: Petition, headers: dict[str, str]) -> TestResponse:
    form = FormPage(client.get(f"/p/{petition.slug}").get_data(as_text=True))
    return client.post(form.action or "", data=form_post_data(form, **TYPED), headers=headers)


def test_the_sign_form_signs_with_its_ticket_from_our_own_page_and_sets_no_cookie(
    client: FlaskClient, petition: Petition
) -> None:
    answer = sign_from(client, petition, {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "same-origin"})

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/p/{petition.slug}/check-your-inbox")
    assert answer.headers.getlist("Set-Cookie") == []
    assert [s.email for s in stored_rows()[0]] == [TYPED["email"]]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/petition-copy"},
    ],
    ids=["foreign-origin", "both", "cross-site", "cross-site-own-origin", "null", "referer"],
)
def test_a_sign_post_from_another_site_is_refused_and_writes_nothing(
    client: FlaskClient, petition: Petition, headers: dict[str, str]
) -> None:
    answer = sign_from(client, petition, headers)

    assert answer.status_code == 403
    assert "only be sent from the page it was shown on" in main_text(answer)
    assert FormPage(answer.get_data(as_text=True)).values["full_name"] == TYPED["full_name"]
    assert answer.headers.get("Cache-Control", "").find("public") == -1
    assert stored_rows() == ([], 0)


def _site_ticket(slug: str, seconds_ago: int) -> str:
    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(dt.datetime.now(dt.UTC).timestamp()) - seconds_ago

    from flask import current_app

    serializer = URLSafeTimedSerializer(
        str(current_app.secret_key), salt=tokens.Purpose.EMBED_TICKET, signer=Earlier
    )
    return serializer.dumps({"n": "x", "p": slug, "c": None, "o": None, "r": None})


@pytest.mark.parametrize(
    "make_ticket",
    [
        lambda p: _site_ticket(p.slug, 3 * 3600),
        lambda p: _site_ticket(p.slug + "-other", 5),
        lambda p: tokens.issue_ticket(p.id, "amnesty-nl"),
    ],
    ids=["expired", "other-petition", "an-embeds"],
)
def test_a_stale_or_foreign_ticket_keeps_the_input_says_why_and_writes_nothing(
    client: FlaskClient, petition: Petition, make_ticket: Any
) -> None:
    form = FormPage(client.get(f"/p/{petition.slug}").get_data(as_text=True))
    data = form_post_data(form, **TYPED, csrf_token=make_ticket(petition))

    answer = client.post(form.action or "", data=data, headers={"Origin": OWN_ORIGIN})

    assert answer.status_code == 422
    shown = FormPage(answer.get_data(as_text=True))
    assert "The form had expired. Your input is kept: please send it again." in shown.summary
    assert {name: shown.values[name] for name in ("full_name", "email", "country", "city")} == {
        name: TYPED[name] for name in ("full_name", "email", "country", "city")
    }
    assert "public" not in directives(answer), "an answer with the signer's input is not kept"
    assert stored_rows() == ([], 0)
    # The form shown again carries a fresh ticket: sending it signs.
    again = client.post(
        shown.action or "", data=form_post_data(shown), headers={"Origin": OWN_ORIGIN}
    )
    assert again.status_code == 303
    assert db.session.execute(select(func.count()).select_from(Signature)).scalar() == 1


def test_renderings_that_differ_only_in_their_ticket_share_one_etag(
    client: FlaskClient, petition: Petition
) -> None:
    # Each gunicorn worker (or instance) may keep a rendering of its own; a browser's
    # If-None-Match must match whichever answers, though each rendering signs its own ticket.
    first = client.get(f"/p/{petition.slug}")
    public_pages.forget_all()
    second = client.get(f"/p/{petition.slug}")

    def ticket(answer: TestResponse) -> str:
        return str(one(parse(answer), "form input[name=csrf_token]")["value"])

    assert ticket(first) != ticket(second), "two renderings, two tickets"
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["ETag"].startswith('W/"'), "a weak ETag: the bodies differ in bytes"
    public_pages.forget_all()
    again = client.get(f"/p/{petition.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
