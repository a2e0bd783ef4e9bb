"""Organizers read confirmed letters, approve or reject them; the wall and the count follow."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from petitions.cases.models import Case
from petitions.extensions import db
from petitions.letters.models import Letter, LetterState
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, detained_case, letter, open_letters, organizer
from tests.helpers import one, parse, words

OWNER = "owner@example.org"


def state_of(letter_id: int) -> Letter:
    return db.session.execute(
        select(Letter).where(Letter.id == letter_id).execution_options(populate_existing=True)
    ).scalar_one()


def count_on_case_page(client: FlaskClient, slug: str) -> str:
    return words(one(parse(client.get(f"/cases/{slug}")), "[data-testid=wishes-count]"))


def wall_texts(client: FlaskClient, slug: str) -> list[str]:
    page = parse(client.get(f"/cases/{slug}/wall"))
    return [words(each) for each in page.select("[data-testid=wall] blockquote")]


def test_the_queue_shows_confirmed_letters_only(owner: OrganizerBrowser, case: Case) -> None:
    waiting = letter(case, LetterState.CONFIRMED, body="Дарагі Алесь, трымайся!")
    letter(case, LetterState.PENDING, body="Ня пацверджаны ліст.")
    letter(case, LetterState.WITHDRAWN, body="")
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/"))
    shown = [words(each) for each in page.select("[data-testid=queue] blockquote")]
    assert shown == ["Дарагі Алесь, трымайся!"]
    assert one(page, f"input[value='{waiting.id}']")["name"] == "letter_ids"


def test_approving_puts_the_letter_on_the_wall_and_moves_the_count_by_one(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    waiting = letter(case, body="Дарагі Алесь, з днём нараджэння!", writer_name="Christie")
    assert (
        count_on_case_page(client, case.slug) == "0 letters and wishes written to Ales Bialiatski."
    )
    answer = owner.post(
        f"/organizer/cases/{case.slug}/letters/approve",
        {"letter_ids": str(waiting.id), "reason": ""},
        page=f"/organizer/cases/{case.slug}/letters/",
    )
    assert answer.status_code == 303
    approved = state_of(waiting.id)
    assert approved.state is LetterState.APPROVED
    assert (approved.decided_by, approved.decided_at is not None) == (OWNER, True)
    assert count_on_case_page(client, case.slug) == "1 letter or wish written to Ales Bialiatski."
    assert wall_texts(client, case.slug) == ["Дарагі Алесь, з днём нараджэння!"]
    wall = parse(client.get(f"/cases/{case.slug}/wall"))
    assert " ".join(one(wall, "[data-testid=wall] .from").get_text().split()) == (
        "Christie, Netherlands"
    )


def test_the_wall_shows_no_name_without_consent(client: FlaskClient, case: Case) -> None:
    letter(case, LetterState.APPROVED, writer_name="Secret Name", show_name=False, country="DE")
    wall = parse(client.get(f"/cases/{case.slug}/wall"))
    assert words(one(wall, "[data-testid=wall] .from")) == "A supporter from Germany"
    assert "Secret Name" not in words(one(wall, "main"))


def test_rejecting_needs_a_reason_and_keeps_it(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    waiting = letter(case)
    path = f"/organizer/cases/{case.slug}/letters/reject"
    page = f"/organizer/cases/{case.slug}/letters/"
    refused = owner.post(path, {"letter_ids": str(waiting.id), "reason": ""}, page=page)
    assert refused.status_code == 422
    assert "Please say why" in words(one(parse(refused), "[data-testid=error-summary]"))
    assert state_of(waiting.id).state is LetterState.CONFIRMED
    owner.post(path, {"letter_ids": str(waiting.id), "reason": "Names the trial."}, page=page)
    rejected = state_of(waiting.id)
    assert (rejected.state, rejected.decision_reason) == (LetterState.REJECTED, "Names the trial.")
    decisions = parse(owner.client.get(page))
    assert [words(cell) for cell in decisions.select("[data-testid=decisions] tbody td")][1:3] == [
        "rejected",
        OWNER,
    ]


def test_rejected_unconfirmed_and_withdrawn_letters_are_on_no_wall_and_in_no_count(
    client: FlaskClient, case: Case
) -> None:
    letter(case, LetterState.REJECTED, body="Адхілены ліст.")
    letter(case, LetterState.PENDING, body="Ня пацверджаны ліст.")
    letter(case, LetterState.WITHDRAWN, body="")
    letter(case, LetterState.CONFIRMED, body="Яшчэ не прачытаны.")
    letter(case, LetterState.APPROVED, body="Адобраны ліст.")
    assert wall_texts(client, case.slug) == ["Адобраны ліст."]
    assert count_on_case_page(client, case.slug) == "1 letter or wish written to Ales Bialiatski."


def test_bulk_approval_takes_only_this_cases_waiting_letters(
    owner: OrganizerBrowser, case: Case
) -> None:
    ours = [letter(case), letter(case)]
    theirs = letter(other := detained_case())
    open_letters(other)
    answer = owner.post(
        f"/organizer/cases/{case.slug}/letters/approve",
        {"letter_ids": [str(each.id) for each in ours] + [str(theirs.id)]},
        page=f"/organizer/cases/{case.slug}/letters/",
    )
    assert answer.status_code == 303
    assert [state_of(each.id).state for each in ours] == [LetterState.APPROVED] * 2
    assert state_of(theirs.id).state is LetterState.CONFIRMED


def test_the_command_line_approves_all_or_named_letters(runner: FlaskCliRunner, case: Case) -> None:
    first, second, third = letter(case), letter(case), letter(case)
    named = runner.invoke(args=["letters", "approve", case.slug, "--id", str(first.id)])
    assert named.exit_code == 0, named.output
    assert named.output.strip() == "approved 1"
    assert state_of(first.id).state is LetterState.APPROVED
    assert state_of(second.id).state is LetterState.CONFIRMED
    everything = runner.invoke(args=["letters", "approve", case.slug, "--all"])
    assert everything.output.strip() == "approved 2"
    assert state_of(third.id).decided_by == "command line"
    assert runner.invoke(args=["letters", "approve", case.slug]).exit_code == 2
    missing = runner.invoke(args=["letters", "approve", "no-such-case", "--all"])
    assert missing.exit_code == 1
    assert "There is no case" in missing.output


def test_a_letter_over_a_quarantine_limit_is_thanked_alike_and_flagged(
    client: FlaskClient, case: Case, owner: OrganizerBrowser
) -> None:
    from petitions.letters import services

    held = letter(case, LetterState.PENDING, set_aside_reason="client-burst", confirmed_at=None)
    assert services.confirm(held.id)
    assert state_of(held.id).state is LetterState.QUARANTINED
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/"))
    [item] = page.select("[data-testid=queue] li")
    assert "Held back by the flood limits" in words(item)


def test_the_settings_say_how_words_to_avoid_are_found(owner: OrganizerBrowser, case: Case) -> None:
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/settings"))
    hint = one(page, "#words_to_avoid-hint")
    assert "in its other forms" in words(hint)
    assert "end a word with * to find every word that begins with it" in words(hint)
    assert "words_to_avoid-hint" in str(one(page, "textarea#words_to_avoid")["aria-describedby"])


def settings_of_case(case: object) -> object:
    from petitions.letters import settings

    return settings.settings_of(case)  # type: ignore[arg-type]


def test_settings_are_saved_by_the_cases_organizer(owner: OrganizerBrowser) -> None:
    fresh = detained_case()
    organizer("second@example.org", cases=(fresh,))
    owner.client.post("/organizer/logout", data={"csrf_token": owner.token()})
    owner.log_in("second@example.org", ORGANIZER_PASSWORD)
    path = f"/organizer/cases/{fresh.slug}/letters/settings"
    form = parse(owner.client.get(path))
    chosen = [each["value"] for each in form.select("select#languages option[selected]")]
    assert chosen == ["be", "ru"]
    through_the_family = {
        "is_open": "y",
        "channel": "family",
        "languages": "be",
        "max_length": "800",
        "rules": "Пішыце пра кнігі.",
        "birthday": "1962-09-25",
        "wall": "y",
    }
    answer = owner.post(path, through_the_family, page=path)
    # Open, through the family, with nowhere to send them: refused, with the field named.
    assert answer.status_code == 422
    summary = words(one(parse(answer), "[data-testid=error-summary]"))
    assert "Address the letters go to" in summary
    assert "the envelopes need it" in summary
    assert settings_of_case(fresh) is None
    contact = {"addressee_name": "Наталля Пінчук", "postal_address": "а/с 12, Мінск"}
    answer = owner.post(path, {**through_the_family, **contact}, page=path)
    assert answer.status_code == 303
    # The family's address is private: the page supporters write on does not show it.
    writing = owner.client.get(f"/cases/{fresh.slug}/write")
    assert writing.status_code == 200
    assert "Мінск" not in words(one(parse(writing), "body"))
    from petitions.letters import settings

    saved = settings.settings_of(fresh)
    assert saved is not None
    assert (saved.is_open, saved.channel.value, saved.languages, saved.max_length) == (
        True,
        "family",
        "be",
        800,
    )
    bad = owner.post(path, {"channel": "post", "languages": "be", "max_length": "5"}, page=path)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        (
            "settings",
            {"channel": "post", "languages": "be", "max_length": "5"},
            "from 100 to 10000",
        ),
        ("settings", {"channel": "pigeon", "languages": "be", "max_length": "900"}, "Not a valid"),
        ("settings", {"channel": "post", "max_length": "900"}, "at least one language"),
        (
            "settings",
            {"channel": "post", "languages": "xx", "max_length": "900"},
            "not a valid choice",
        ),
        ("settings", {"channel": "post", "languages": "be", "max_length": "x"}, "Not a valid"),
        (
            "settings",
            {"channel": "post", "languages": "be", "max_length": "900", "birthday": "25.9"},
            "Not a valid date",
        ),
        ("ready-texts", {"ready-language": "be", "ready-text": ""}, "Please write the ready text."),
        (
            "ready-texts",
            {"ready-language": "de", "ready-occasion": "", "ready-text": "Hallo"},
            "Choose one of the languages",
        ),
        ("holidays", {"holiday-name": "", "holiday-day": "2024-07-07"}, "Please name the holiday."),
        ("holidays", {"holiday-name": "Kupalle", "holiday-day": "soon"}, "Not a valid date"),
        ("approve", {"letter_ids": "abc"}, "Invalid choice"),
        ("approve", {}, "Tick the letters"),
        ("reject", {"letter_ids": "1", "reason": "r" * 301}, "300 characters"),
    ],
)
def test_bad_organizer_input_gets_a_clear_error_and_changes_nothing(
    owner: OrganizerBrowser, case: Case, path: str, data: dict[str, str], message: str
) -> None:
    from sqlalchemy import func

    from petitions.letters.models import Holiday, LetterSettings, ReadyText

    waiting = letter(case)

    def rows() -> tuple[object, ...]:
        db.session.expire_all()
        settings = db.session.get(LetterSettings, case.id)
        return (
            settings.max_length if settings else None,
            settings.languages if settings else None,
            db.session.execute(select(func.count()).select_from(ReadyText)).scalar_one(),
            db.session.execute(select(func.count()).select_from(Holiday)).scalar_one(),
            state_of(waiting.id).state,
        )

    before = rows()
    answer = owner.post(
        f"/organizer/cases/{case.slug}/letters/{path}",
        data,
        page=f"/organizer/cases/{case.slug}/letters/settings",
    )
    assert answer.status_code == 422
    assert message in words(one(parse(answer), "main"))
    assert rows() == before


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Please say why the letters are rejected"), ("r" * 301, "300 characters")],
)
def test_a_refused_rejection_keeps_the_ticked_letters_and_the_typed_reason(
    owner: OrganizerBrowser, case: Case, reason: str, message: str
) -> None:
    first, second, untouched = letter(case), letter(case), letter(case)
    page = f"/organizer/cases/{case.slug}/letters/"
    refused = owner.post(
        f"{page}reject", {"letter_ids": [str(first.id), str(second.id)], "reason": reason}, page
    )
    assert refused.status_code == 422
    shown = parse(refused)
    assert message in words(one(shown, "[data-testid=error-summary]"))
    ticked = [box["value"] for box in shown.select("[data-testid=queue] input[checked]")]
    assert ticked == [str(first.id), str(second.id)]
    assert one(shown, f"input[value='{untouched.id}']").get("checked") is None
    assert one(shown, "input[name=reason]").get("value", "") == reason
    assert [state_of(each.id).state for each in (first, second, untouched)] == [
        LetterState.CONFIRMED
    ] * 3
