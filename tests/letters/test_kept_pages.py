"""The letters' pages under a birthday's crowd: the wall kept for everybody and fresh at every
decision, the write form's country list rendered once, and each letter checked once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from petitions import tokens
from petitions.cases import status
from petitions.cases.models import Case
from petitions.extensions import db
from petitions.letters import checks, services
from petitions.letters.models import Letter, LetterSettings, LetterState, Occasion
from tests.conftest import OrganizerBrowser, csrf_token
from tests.factories import letter
from tests.helpers import count_select_renders, one, parse, words

WISH = "Дарагі Алесь! Віншуем цябе з днём нараджэння. Мы памятаем пра цябе."
VALID: dict[str, str] = {
    "occasion": "birthday",
    "language": "be",
    "body": WISH,
    "writer_name": "Christie",
    "city": "Den Haag",
    "country": "NL",
    "email": "christie@example.org",
}


def wall_texts(client: FlaskClient, slug: str) -> list[str]:
    page = parse(client.get(f"/cases/{slug}/wall"))
    return [words(each) for each in page.select("[data-testid=wall] blockquote")]


def write(client: FlaskClient, slug: str, **fields: str) -> Any:
    page = client.get(f"/cases/{slug}/write")
    data = {**VALID, **fields, "csrf_token": csrf_token(page.get_data(as_text=True))}
    return client.post(f"/cases/{slug}/write", data=data)


@pytest.fixture
def walls_drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The case ids of the walls rendered (their letters read) from now on."""
    drawn: list[int] = []
    real = services.wall_of

    def counting(case_id: int, limit: int = 200) -> list[services.WallWish]:
        drawn.append(case_id)
        return real(case_id, limit)

    monkeypatch.setattr(services, "wall_of", counting)
    return drawn


def test_the_wall_is_kept_for_everybody_and_a_matching_etag_gets_a_304(
    client: FlaskClient, case: Case, walls_drawn: list[int]
) -> None:
    letter(case, LetterState.APPROVED, body="Трымайся, Алесь!")
    first = client.get(f"/cases/{case.slug}/wall")
    again = client.get(f"/cases/{case.slug}/wall")

    assert first.get_data() == again.get_data()
    assert walls_drawn == [case.id], "the second visitor gets the kept page"
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"].startswith("public")
    current = client.get(
        f"/cases/{case.slug}/wall", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert current.status_code == 304


def test_an_approved_wish_is_on_the_kept_wall_at_once(
    owner: OrganizerBrowser, client: FlaskClient, case: Case
) -> None:
    letter(case, LetterState.APPROVED, body="Трымайся, Алесь!")
    waiting = letter(case, body="Дарагі Алесь, з днём нараджэння!")
    assert wall_texts(client, case.slug) == ["Трымайся, Алесь!"]

    owner.post(
        f"/organizer/cases/{case.slug}/letters/approve",
        {"letter_ids": str(waiting.id), "reason": ""},
        page=f"/organizer/cases/{case.slug}/letters/",
    )

    assert wall_texts(client, case.slug) == ["Дарагі Алесь, з днём нараджэння!", "Трымайся, Алесь!"]
    count = words(one(parse(client.get(f"/cases/{case.slug}/wall")), "[data-testid=wall-count]"))
    assert count.startswith("2 letters and wishes")


def test_a_withdrawn_wish_leaves_the_kept_wall_at_once(client: FlaskClient, case: Case) -> None:
    shown = letter(case, LetterState.APPROVED, body="Трымайся, Алесь!")
    assert wall_texts(client, case.slug) == ["Трымайся, Алесь!"]

    link = f"/withdraw-letter/{tokens.letter_withdraw_token(shown.id)}"
    client.post(link, data={"List-Unsubscribe": "One-Click"})

    assert wall_texts(client, case.slug) == []


def test_a_wall_switched_off_is_gone_at_once(client: FlaskClient, case: Case) -> None:
    letter(case, LetterState.APPROVED, body="Трымайся, Алесь!")
    assert client.get(f"/cases/{case.slug}/wall").status_code == 200

    settings = db.session.get(LetterSettings, case.id)
    assert settings is not None
    settings.wall = False
    db.session.commit()

    assert client.get(f"/cases/{case.slug}/wall").status_code == 404


def test_letters_written_and_confirmed_leave_the_kept_wall_kept(
    client: FlaskClient, case: Case, walls_drawn: list[int]
) -> None:
    # A birthday's crowd writes and confirms hundreds of letters an hour: none is on the wall
    # (or in a count) before an organizer approves it, so none drops the kept pages.
    letter(case, LetterState.APPROVED, body="Трымайся, Алесь!")
    before = client.get(f"/cases/{case.slug}/wall")

    assert write(client, case.slug).status_code == 303
    written = db.session.execute(select(Letter).where(Letter.body == WISH)).scalar_one()
    link = f"/confirm-letter/{tokens.letter_confirm_token(written.id)}"
    button = csrf_token(client.get(link).get_data(as_text=True))
    client.post(link, data={"csrf_token": button})
    db.session.refresh(written)
    assert written.state is LetterState.CONFIRMED

    after = client.get(f"/cases/{case.slug}/wall")
    assert after.get_data() == before.get_data()
    assert walls_drawn == [case.id]


def test_the_country_list_of_the_write_form_is_rendered_once_per_language(
    client: FlaskClient, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = count_select_renders(monkeypatch)
    for _ in range(3):
        client.get(f"/cases/{case.slug}/write")
        client.get(f"/cases/{case.slug}/write?lang=ru")
    assert rendered.count("country") == 2

    # A form shown again keeps the writer's choice (it is rendered afresh).
    refused = write(client, case.slug, body="Кароткі")
    assert refused.status_code == 422
    assert one(parse(refused), "select[name=country] option[selected]")["value"] == "NL"
    fresh = parse(client.get(f"/cases/{case.slug}/write"))
    assert fresh.select("select[name=country] option[selected]") == []


def test_a_letter_is_checked_once_per_post(
    client: FlaskClient, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = checks._problems

    def counting(body: str, *args: Any) -> list[str]:
        checked.append(body)
        return real(body, *args)

    monkeypatch.setattr(checks, "_problems", counting)
    assert write(client, case.slug).status_code == 303
    assert checked == [WISH]


def test_the_service_still_checks_a_letter_without_the_form(app: Flask, case: Case) -> None:
    details = services.WriterDetails(
        occasion_key="birthday",
        language="be",
        body="See https://example.org for news.",
        ready_text_id=None,
        writer_name="Christie",
        show_name=False,
        city="",
        country="",
        email="christie@example.org",
        locale="en",
    )
    with pytest.raises(services.LetterRefused):
        services.write(case.slug, details, status.today())
    assert db.session.execute(select(func.count()).select_from(Letter)).scalar_one() == 0


def test_changed_words_to_avoid_are_looked_for_at_once(client: FlaskClient, case: Case) -> None:
    assert write(client, case.slug, email="first@example.org").status_code == 303

    settings = db.session.get(LetterSettings, case.id)
    assert settings is not None
    settings.words_to_avoid = "памята*"
    db.session.commit()

    refused = write(client, case.slug, email="second@example.org")
    assert refused.status_code == 422
    assert "“памятаем”" in words(one(parse(refused), "[data-testid=error-summary]"))


def test_the_words_to_avoid_are_found_in_their_forms_by_the_kept_stemmer() -> None:
    for _ in range(2):  # the second time from the kept entries and stems
        assert checks.avoided_in("Нет войне и войнам.", "ru", ["война"]) == ["войне"]
        assert checks.avoided_in("No wars.", "en", ["war"]) == ["wars"]


def birthday_line(client: FlaskClient, slug: str) -> str:
    page = parse(client.get(f"/cases/{slug}/write"))
    return words(one(page, "[data-testid=occasion-birthday]"))


def test_the_write_pages_kept_occasions_count_an_approved_wish_at_once(
    owner: OrganizerBrowser, client: FlaskClient, case: Case
) -> None:
    birthday = services.next_day(dt.date(1962, 9, 25), status.today())
    waiting = letter(case, occasion=Occasion.BIRTHDAY, occasion_year=birthday.year)
    assert "0 birthday wishes" in birthday_line(client, case.slug)

    owner.post(
        f"/organizer/cases/{case.slug}/letters/approve",
        {"letter_ids": str(waiting.id), "reason": ""},
        page=f"/organizer/cases/{case.slug}/letters/",
    )

    assert "1 birthday wish for" in birthday_line(client, case.slug)


def test_the_write_pages_kept_countdown_follows_the_day(
    client: FlaskClient, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The birthday is 25 September: on the 20th it is 5 days away, the next day 4.
    monkeypatch.setattr(status, "today", lambda: dt.date(2026, 9, 20))
    assert "in 5 days" in birthday_line(client, case.slug)
    assert "in 5 days" in birthday_line(client, case.slug)  # the kept part

    monkeypatch.setattr(status, "today", lambda: dt.date(2026, 9, 21))
    assert "in 4 days" in birthday_line(client, case.slug)


def test_a_long_run_of_letters_is_stemmed_but_not_kept() -> None:
    # The kept stems are bounded in number and in length: no letter fills the memory.
    before = checks._stem_kept.cache_info().currsize
    assert checks.avoided_in("а" * 2000 + " Нет войне.", "ru", ["война"]) == ["войне"]
    assert checks._stem_kept.cache_info().currsize <= before + 2  # "нет", "войне"; not the run
