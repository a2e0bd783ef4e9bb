"""The embeds show the organizers' texts in the page's language where they are translated, and
the original marked with its lang otherwise (issue #14)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from petitions.cases import translations
from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from petitions.extensions import db
from tests.factories import open_petition
from tests.helpers import one, parse

PARTNER_ORIGIN = "https://amnesty.example"
BE_TITLE = "Вызваліце Алеся Бяляцкага"


@pytest.fixture
def petition() -> Petition:
    found = open_petition(title="Free Ales Bialiatski", language="en")
    translations.save(found, "be", {"title": BE_TITLE}, by="test")
    db.session.commit()
    add_partner(found, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    return found


def counter_title(client: FlaskClient, petition: Petition, lang: str) -> tuple[str, str | None]:
    """The title the counter shows (its link's words) and the lang it is marked with."""
    page = parse(
        client.get(
            f"/embed/{petition.slug}/counter?partner=amnesty-nl&origin={PARTNER_ORIGIN}&lang={lang}"
        )
    )
    assert one(page, "html")["lang"] == lang
    link = one(page, "main .embed-title a")
    marked = link.select_one("span[lang]")
    lang_of = None if marked is None else str(marked["lang"])
    return link.get_text(strip=True), lang_of


def test_the_counter_shows_the_title_in_the_pages_language(
    client: FlaskClient, petition: Petition
) -> None:
    assert counter_title(client, petition, "be") == (BE_TITLE, None)


def test_the_counter_shows_the_original_title_marked_where_it_is_not_translated(
    client: FlaskClient, petition: Petition
) -> None:
    assert counter_title(client, petition, "ru") == ("Free Ales Bialiatski", "en")
    assert counter_title(client, petition, "en") == ("Free Ales Bialiatski", None)


def test_the_counters_link_opens_the_petition_in_the_counters_language(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(
        client.get(
            f"/embed/{petition.slug}/counter?partner=amnesty-nl&origin={PARTNER_ORIGIN}&lang=be"
        )
    )

    assert one(page, "main .embed-title a")["href"] == f"http://localhost/p/{petition.slug}?lang=be"
    assert one(page, "title").get_text(strip=True) == BE_TITLE


def test_the_form_and_the_notice_show_the_title_in_the_pages_language(
    client: FlaskClient, petition: Petition
) -> None:
    base = f"/embed/{petition.slug}?partner=amnesty-nl"
    form = parse(client.get(f"{base}&origin={PARTNER_ORIGIN}&lang=be"))
    notice = parse(client.get(f"{base}&origin=https://elsewhere.example&lang=be"))
    original = parse(client.get(f"{base}&origin=https://elsewhere.example&lang=ru"))

    for page in (form, notice):
        heading = one(page, "main h1")
        assert (heading.get_text(strip=True), heading.get("lang")) == (BE_TITLE, None)
    heading = one(original, "main h1")
    assert (heading.get_text(strip=True), heading["lang"]) == ("Free Ales Bialiatski", "en")


def test_a_translation_reaches_the_counter_once_the_cached_numbers_expire(
    client: FlaskClient, petition: Petition
) -> None:
    # The numbers (and the titles beside them) are kept COUNT_CACHE_SECONDS for every language.
    from petitions.counting import public

    assert counter_title(client, petition, "ru")[0] == "Free Ales Bialiatski"
    translations.save(petition, "ru", {"title": "Освободите Алеся Беляцкого"}, by="test")
    db.session.commit()
    public.forget(petition.slug)

    assert counter_title(client, petition, "ru") == ("Освободите Алеся Беляцкого", None)
