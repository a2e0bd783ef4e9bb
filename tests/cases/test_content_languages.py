"""Content in several languages (issue #14): a reader gets the organizers' text in their language
where it exists and the original otherwise, marked with its ``lang``; organizers see what is
missing or out of date; every public page names its other languages."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from petitions.cases import translations
from petitions.cases.models import ContentTranslation, Petition
from petitions.extensions import db
from tests.conftest import VALID_SIGNER, OrganizerBrowser, Supporter
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import one, parse, words
from tests.servers import SmtpServer

BE_TITLE = "Вызваліце Алеся Бяляцкага"


@pytest.fixture
def petition(app: Any) -> Petition:
    found = open_petition(title="Free Ales Bialiatski", addressee="The President of Belarus")
    translations.save(
        found,
        "be",
        {"title": BE_TITLE, "body": "Мы, ніжэйпадпісаныя, патрабуем яго вызвалення."},
        by="test",
    )
    translations.save(found.case, "be", {"prisoner_name": "Алесь Бяляцкі"}, by="test")
    db.session.commit()
    return found


def test_a_reader_gets_their_language_where_it_exists_and_the_original_marked_elsewhere(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(client.get(f"/p/{petition.slug}?lang=be"))

    assert one(page, "html")["lang"] == "be"
    heading = one(page, "main h1")
    assert heading.get_text(strip=True) == BE_TITLE
    assert not heading.has_attr("lang"), "in the page's own language"
    assert one(page, "title").get_text(strip=True) == BE_TITLE
    body = one(page, ".petition-text")
    assert not body.has_attr("lang")
    assert "ніжэйпадпісаныя" in words(body)
    # Not translated: the addressee is the English original, marked as English.
    addressee = one(page, ".meta span[lang]")
    assert (addressee["lang"], addressee.get_text()) == ("en", "The President of Belarus")
    case_link = one(page, ".meta a")
    assert case_link.get_text(" ", strip=True).endswith("Алесь Бяляцкі")

    russian = parse(client.get(f"/p/{petition.slug}?lang=ru"))
    heading = one(russian, "main h1")
    assert (heading["lang"], heading.get_text(strip=True)) == ("en", "Free Ales Bialiatski")
    assert one(russian, ".petition-text")["lang"] == "en"

    english = parse(client.get(f"/p/{petition.slug}?lang=en"))
    assert not one(english, "main h1").has_attr("lang")
    assert not english.select(".meta span[lang]")


def test_the_home_and_case_pages_speak_the_readers_language_too(
    client: FlaskClient, petition: Petition
) -> None:
    home = parse(client.get("/?lang=be"))
    card = one(home, "article.card")
    assert one(card, "h2").get_text(strip=True) == BE_TITLE
    summary = one(card, "p:not(.meta)")
    assert summary["lang"] == "en", "the summary has no Belarusian translation"

    case = parse(client.get(f"/cases/{petition.case.slug}?lang=be"))
    assert one(case, "main h1").get_text(strip=True) == "Алесь Бяляцкі"
    assert not one(case, "main h1").has_attr("lang")
    assert one(case, "title").get_text(strip=True) == "Алесь Бяляцкі"


def test_the_confirmation_mail_names_the_petition_in_the_signers_language(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient, petition: Petition
) -> None:
    page = client.get(f"/p/{petition.slug}?lang=be")
    form = one(parse(page), "form[action*='/sign']")
    assert str(form["action"]).endswith("?lang=be"), "the form keeps the reader's language"
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    answer = client.post(str(form["action"]), data={**VALID_SIGNER, **fields})
    assert answer.status_code == 303
    supporter.deliver()

    (mail,) = smtp.take(1)
    assert BE_TITLE in str(mail.message["Subject"])
    assert BE_TITLE in mail.text


def test_every_public_page_names_its_other_languages(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(client.get(f"/p/{petition.slug}?lang=be&ref=newsletter"))

    alternates = {
        link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')
    }
    assert set(alternates) == {"en", "be", "ru", "uk", "pl", "lt", "nl", "fr", "de", "x-default"}
    base = "http://localhost"  # BASE_URL in the tests
    assert alternates["nl"] == f"{base}/p/{petition.slug}?lang=nl"
    assert alternates["x-default"] == f"{base}/p/{petition.slug}"


# --- organizers ------------------------------------------------------------------------------


@pytest.fixture
def tatsiana(organizer_browser: OrganizerBrowser, petition: Petition) -> OrganizerBrowser:
    organizer("tatsiana@example.org", cases=(petition.case,))
    organizer_browser.log_in("tatsiana@example.org", ORGANIZER_PASSWORD)
    return organizer_browser


def state_of(client: FlaskClient, petition: Petition, language: str) -> str:
    page = parse(client.get(f"/organizer/petitions/{petition.slug}"))
    return " ".join(one(page, f'[data-testid="translation-{language}"]').get_text().split())


def test_an_organizer_translates_and_sees_what_is_missing_or_out_of_date(
    tatsiana: OrganizerBrowser, client: FlaskClient, petition: Petition
) -> None:
    assert state_of(client, petition, "be").endswith(": partly translated")
    assert state_of(client, petition, "nl").endswith(": missing")
    path = f"/organizer/petitions/{petition.slug}/translations/nl"
    form = parse(client.get(path))
    originals = [span.get_text() for span in form.select('[data-testid="original"]')]
    assert originals[0] == "Free Ales Bialiatski"
    assert all(span["lang"] == "en" for span in form.select('[data-testid="original"]'))
    assert one(form, f'input[name="petition-{petition.id}-title"]')["lang"] == "nl"

    fields = {
        f"petition-{petition.id}-title": "Laat Ales Bialiatski vrij",
        f"petition-{petition.id}-summary": "Teken voor zijn vrijlating.",
        f"petition-{petition.id}-body": "Wij vragen zijn onmiddellijke vrijlating.",
        f"petition-{petition.id}-addressee": "De president van Belarus",
    }
    saved = tatsiana.post(path, fields, page=path)
    assert saved.status_code == 303
    assert "The translation was saved (4 fields changed)." in words(
        parse(client.get(saved.headers["Location"]))
    )
    assert state_of(client, petition, "nl").endswith(": up to date")
    dutch = parse(client.get(f"/p/{petition.slug}?lang=nl"))
    assert one(dutch, "main h1").get_text(strip=True) == "Laat Ales Bialiatski vrij"

    petition.title = "Free Ales Bialiatski now"
    db.session.commit()

    assert state_of(client, petition, "nl").endswith(": out of date: the original changed")
    stale = parse(client.get(path))
    assert len(stale.select('[data-testid="out-of-date"]')) == 1
    still = parse(client.get(f"/p/{petition.slug}?lang=nl"))
    assert one(still, "main h1").get_text(strip=True) == "Laat Ales Bialiatski vrij"
    assert tatsiana.post(path, fields, page=path).status_code == 303
    assert state_of(client, petition, "nl").endswith(": up to date"), "checked and saved again"


def test_a_bad_translation_is_refused_and_nothing_is_saved(
    tatsiana: OrganizerBrowser, client: FlaskClient, petition: Petition
) -> None:
    path = f"/organizer/petitions/{petition.slug}/translations/fr"
    before = db.session.execute(db.select(db.func.count()).select_from(ContentTranslation))

    answer = tatsiana.post(
        path,
        {f"petition-{petition.id}-title": "x" * 201, f"petition-{petition.id}-summary": "Ok"},
        page=path,
    )

    assert answer.status_code == 422
    page = parse(answer)
    assert one(page, '[data-testid="translation-errors"]')
    title = one(page, f'input[name="petition-{petition.id}-title"]')
    assert title["aria-invalid"] == "true"
    assert title["value"] == "x" * 201, "what was typed is kept"
    db.session.rollback()
    after = db.session.execute(db.select(db.func.count()).select_from(ContentTranslation))
    assert after.scalar() == before.scalar()
    assert client.get(f"/organizer/petitions/{petition.slug}/translations/xx").status_code == 404
    assert client.get(f"/organizer/petitions/{petition.slug}/translations/en").status_code == 404
    assert client.post(path, data={}).status_code == 400, "no CSRF token"


def test_a_case_is_translated_with_its_timeline(
    tatsiana: OrganizerBrowser, client: FlaskClient, petition: Petition
) -> None:
    import datetime as dt

    from petitions.cases.models import TimelineEntry

    entry = TimelineEntry(
        case_id=petition.case.id, happened_on=dt.date(2012, 10, 1), title="Honorary Citizen"
    )
    db.session.add(entry)
    db.session.commit()
    path = f"/organizer/cases/{petition.case.slug}/translations/fr"

    form = parse(client.get(path))
    # The case, its period of detention and its timeline entry.
    assert len(form.select('[data-testid="translated-content"]')) == 3
    answer = tatsiana.post(path, {f"timeline-{entry.id}-title": "Citoyen d’honneur"}, page=path)

    assert answer.status_code == 303
    case = parse(client.get(f"/cases/{petition.case.slug}?lang=fr"))
    heading = one(case, ".timeline h4")
    assert heading.get_text(strip=True) == "Citoyen d’honneur"
    assert not heading.has_attr("lang")
    name = one(case, "main h1")
    assert name["lang"] == "en", "the name has no French spelling yet"


def test_the_thank_you_page_offers_sharing_that_loads_nothing_from_elsewhere(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient, petition: Petition
) -> None:
    from urllib.parse import parse_qs, urlsplit

    sister = open_petition(case=petition.case, title="Let his lawyers see him")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "be"
    supporter.sign(petition.slug, email="volha@example.org")
    supporter.deliver()
    (mail,) = smtp.take(1)

    thanks = parse(supporter.open_and_press(mail.link("confirm")))

    share = one(thanks, '[data-testid="share"]')
    assert share["data-share-url"] == f"http://localhost/p/{petition.slug}?lang=be"
    links = {a.get_text(strip=True): str(a["href"]) for a in share.select("a")}
    assert set(links) == {"WhatsApp", "Telegram", "Facebook", "X", "Электронная пошта"}
    whatsapp = parse_qs(urlsplit(links["WhatsApp"]).query)["text"][0]
    assert whatsapp == f"Падпішыце петыцыю: {BE_TITLE} http://localhost/p/{petition.slug}?lang=be"
    for a in share.select("a[target]"):
        assert a["rel"] == ["noopener", "noreferrer"]
        assert a["referrerpolicy"] == "no-referrer"
    # Nothing on the page is loaded from another site: scripts, images, styles, frames.
    for element in thanks.select("script[src], img[src], link[href], iframe[src]"):
        address = str(element.get("src") or element.get("href"))
        assert address.startswith("/") or address.startswith("http://localhost/"), address
    assert all(button.has_attr("hidden") for button in share.select("button")), (
        "copy and share sheet appear only where the script finds them"
    )
    next_steps = one(thanks, '[data-testid="next"]')
    assert [a.get_text(strip=True) for a in next_steps.select("a")] == [sister.title]
    assert (
        one(thanks, '[data-testid="case-link"]').get_text(" ", strip=True).endswith("Алесь Бяляцкі")
    )


def test_a_shared_link_previews_the_petition_in_the_readers_language(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(client.get(f"/p/{petition.slug}?lang=be&ref=whatsapp"))

    def meta(key: str) -> str:
        found = page.select_one(f'meta[property="{key}"]') or page.select_one(f'meta[name="{key}"]')
        assert found is not None, key
        return str(found["content"])

    assert meta("og:title") == BE_TITLE
    assert meta("og:url") == f"http://localhost/p/{petition.slug}?lang=be"
    assert meta("og:locale") == "be_BY"
    assert meta("description") == meta("og:description") == petition.summary
    # The petition's own image, in the page's language (tests/counting/test_preview_image.py).
    assert meta("og:image") == f"http://localhost/p/{petition.slug}/preview/be.png"
    assert meta("twitter:card") == "summary_large_image"
    case = parse(client.get(f"/cases/{petition.case.slug}?lang=be"))
    assert one(case, 'meta[property="og:title"]')["content"] == "Алесь Бяляцкі"


def test_the_mail_worker_reads_a_translation_changed_after_its_last_mail(
    petition: Petition,
) -> None:
    # The worker runs in one application context for its whole life, outside any request.
    assert translations.text(petition, "title", "be") == BE_TITLE

    # Saved by an organizer in the web process, not in this one.
    db.session.execute(
        db.update(ContentTranslation)
        .where(ContentTranslation.field == "title", ContentTranslation.language == "be")
        .values(text="Свабоду Алесю Бяляцкаму")
    )
    db.session.commit()

    assert translations.text(petition, "title", "be") == "Свабоду Алесю Бяляцкаму"


def test_a_removed_item_takes_its_translations_with_it(
    client: FlaskClient, petition: Petition
) -> None:
    """SQLite gives a new row the id of the removed last one: it must start untranslated."""
    import datetime as dt

    from petitions.cases import services
    from petitions.letters import settings
    from petitions.letters.models import Occasion

    case = petition.case
    entry = services.add_timeline_entry(
        case, {"happened_on": dt.date(2012, 10, 1), "title": "Honorary Citizen"}
    )
    translations.save(entry, "fr", {"title": "Citoyen d’honneur"}, by="test")
    ready = settings.add_ready_text(case, "en", "Happy birthday, Ales!", Occasion.BIRTHDAY)
    translations.save(ready, "be", {"text": "З днём нараджэння, Алесь!"}, by="test")
    holiday = settings.add_holiday(case, "Freedom Day", dt.date(2000, 3, 25))
    translations.save(holiday, "be", {"name": "Дзень Волі"}, by="test")
    db.session.commit()

    assert services.delete_timeline_entry(case, entry.id)
    assert settings.remove_ready_text(case, ready.id)
    assert settings.remove_holiday(case, holiday.id)

    subjects = {("timeline", entry.id), ("ready", ready.id), ("holiday", holiday.id)}
    left = db.session.execute(
        db.select(ContentTranslation.subject, ContentTranslation.subject_id)
    ).all()
    assert subjects.isdisjoint({tuple(row) for row in left})
