"""A case's change of status or place holds its undelivered letters; organizers re-route or
release them, and writers who asked are told."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petitions.cases import periods, services
from petitions.cases.models import Case, CaseStatus
from petitions.extensions import db
from petitions.letters import batches
from petitions.letters.models import Letter, LetterState, PaperSize
from petitions.mail.worker import drain_once
from tests.conftest import OrganizerBrowser, csrf_token
from tests.factories import detained_case, letter
from tests.helpers import one, parse, words
from tests.servers import SmtpServer

OWNER = "owner@example.org"


def states(case: Case) -> dict[int, LetterState]:
    return {
        each.id: each.state
        for each in db.session.execute(
            select(Letter)
            .where(Letter.case_id == case.id)
            .execution_options(populate_existing=True)
        ).scalars()
    }


def release(case: Case) -> None:
    services.update_case(case, {}, CaseStatus.RELEASED)


def printable(case: Case) -> list[int]:
    return [each.id for each in batches.approved_not_printed(case.id)]


def resolve(owner: OrganizerBrowser, case: Case, action: str, *ids: int) -> int:
    page = f"/organizer/cases/{case.slug}/letters/"
    answer = owner.post(
        f"{page}held/{action}", {"letter_ids": [str(each) for each in ids]}, page=page
    )
    return answer.status_code


def test_a_release_holds_exactly_the_approved_and_printed_undelivered_letters(
    case: Case,
) -> None:
    approved = letter(case, LetterState.APPROVED)
    printed = letter(case, LetterState.PRINTED)
    others = {
        letter(case, state).id: state
        for state in (
            LetterState.PENDING,
            LetterState.CONFIRMED,
            LetterState.REJECTED,
            LetterState.DELIVERED,
            LetterState.WITHDRAWN,
        )
    }
    elsewhere = letter(detained_case(), LetterState.APPROVED)
    release(case)
    after = states(case)
    assert after[approved.id] is LetterState.HELD
    assert after[printed.id] is LetterState.HELD
    assert {key: after[key] for key in others} == others
    held = db.session.get(Letter, approved.id)
    assert held is not None
    assert (held.held_reason, held.held_at is not None) == ("status", True)
    assert db.session.get(Letter, elsewhere.id).state is LetterState.APPROVED  # type: ignore[union-attr]


def test_a_transfer_holds_letters_and_an_unchanged_case_does_not(case: Case) -> None:
    waiting = letter(case, LetterState.APPROVED)
    services.update_case(case, {"detention_place": case.detention_place}, CaseStatus.DETAINED)
    assert states(case)[waiting.id] is LetterState.APPROVED
    current = case.open_detention
    assert current is not None
    periods.update(
        case,
        current,
        {"started_on": current.started_on, "ended_on": None, "place": "Prison No. 1, Hrodna"},
    )
    assert states(case)[waiting.id] is LetterState.HELD
    assert db.session.get(Letter, waiting.id).held_reason == "place"  # type: ignore[union-attr]


def test_held_letters_are_not_printed_until_re_routed_and_released_ones_never(
    owner: OrganizerBrowser, case: Case
) -> None:
    first = letter(case, LetterState.APPROVED)
    second = letter(case, LetterState.PRINTED)
    release(case)
    assert printable(case) == []
    with pytest.raises(batches.NothingToPrint):
        batches.print_batch(case, PaperSize.A4, io.BytesIO(), OWNER)
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/"))
    listed = [words(each) for each in page.select("[data-testid=held] label")]
    assert listed == [
        f"Letter No. {first.number} from {first.writer_name}",
        f"Letter No. {second.number} from {second.writer_name}",
    ]
    assert resolve(owner, case, "reroute", first.id) == 303
    assert resolve(owner, case, "release", second.id) == 303
    assert printable(case) == [first.id]
    batch = batches.print_batch(case, PaperSize.A4, io.BytesIO(), OWNER)
    assert [each.id for each in batches.letters_of(batch)] == [first.id]
    done = {each.id: each for each in batches.letters_of(batch)}
    assert done[first.id].resolved_by == OWNER
    gone = db.session.get(Letter, second.id)
    assert gone is not None
    assert (gone.state, gone.resolved_by, gone.resolved_at is not None) == (
        LetterState.RELEASED,
        OWNER,
        True,
    )
    assert printable(case) == []
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/"))
    assert page.select("[data-testid=held]") == []


def test_another_cases_or_an_unheld_letter_is_a_404(owner: OrganizerBrowser, case: Case) -> None:
    other = detained_case()
    theirs = letter(other, LetterState.APPROVED)
    services.update_case(other, {}, CaseStatus.IN_EXILE)
    assert resolve(owner, case, "release", theirs.id) == 404
    mine = letter(case, LetterState.APPROVED)
    assert resolve(owner, case, "reroute", mine.id) == 404
    assert states(other)[theirs.id] is LetterState.HELD
    assert states(case)[mine.id] is LetterState.APPROVED


def in_language(language: str, source: str, **values: object) -> str:
    """A sentence of the mail as the catalog of ``language`` says it."""
    with force_locale(language):
        return str(gettext(source, **values))


def test_the_writer_who_asked_gets_one_mail_in_their_language_the_others_none(
    owner: OrganizerBrowser, case: Case, smtp: SmtpServer
) -> None:
    asked = letter(case, LetterState.APPROVED, tell_writer=True, locale="de")
    silent = letter(case, LetterState.APPROVED)
    also_asked = letter(case, LetterState.APPROVED, tell_writer=True, locale="ru")
    release(case)
    drain_once()
    assert smtp.untaken() == []  # holding alone tells nobody
    assert resolve(owner, case, "release", asked.id, silent.id) == 303
    drain_once()
    mail = smtp.take_one()
    assert mail.message["To"] == asked.email
    assert mail.message["Subject"] == in_language(
        "de", "Your letter to %(name)s will not be sent", name="Ales Bialiatski"
    )
    assert "Your letter" not in mail.message["Subject"], "in German, not English"
    html = mail.message.get_body(("html",))
    assert html is not None
    body = parse(html.get_content())
    assert one(body, "html")["lang"] == "de"
    assert words(one(body, ".typed")) == asked.writer_name
    assert silent.writer_name not in mail.text
    assert str(silent.email) not in mail.text
    assert also_asked.writer_name not in mail.text
    assert "lang=de" in mail.link("withdraw-letter")
    assert resolve(owner, case, "reroute", also_asked.id) == 303
    drain_once()
    other = smtp.take_one()
    assert other.message["To"] == also_asked.email
    assert other.message["Subject"] == in_language(
        "ru", "Your letter to %(name)s will be sent to the new address", name="Ales Bialiatski"
    )
    assert smtp.untaken() == []


def test_the_write_form_asks_whether_to_tell_the_writer_and_keeps_the_answer(
    client: FlaskClient, case: Case
) -> None:
    page = client.get(f"/cases/{case.slug}/write")
    form = parse(page)
    box = one(form, "input[name=tell_writer]")
    assert box["type"] == "checkbox"
    assert words(one(form, f"label[for={box['id']}]")) == "Tell me what happens to my letter"
    for email, ticked in (("told@example.org", True), ("untold@example.org", False)):
        data = {
            "occasion": "any-day",
            "language": "be",
            "body": "Дарагі Алесь, мы з табой!",
            "writer_name": "Christie",
            "email": email,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        }
        if ticked:
            data["tell_writer"] = "y"
        assert client.post(f"/cases/{case.slug}/write", data=data).status_code in (200, 303)
        written = db.session.execute(select(Letter).where(Letter.email == email)).scalar_one()
        assert written.tell_writer is ticked


def test_a_hold_and_a_release_keep_the_letter_in_the_count(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    kept = letter(case, LetterState.APPROVED)
    count = "1 letter or wish written to Ales Bialiatski."
    assert (
        words(one(parse(client.get(f"/cases/{case.slug}")), "[data-testid=wishes-count]")) == count
    )
    release(case)
    assert (
        words(one(parse(client.get(f"/cases/{case.slug}")), "[data-testid=wishes-count]")) == count
    )
    assert resolve(owner, case, "release", kept.id) == 303
    assert (
        words(one(parse(client.get(f"/cases/{case.slug}")), "[data-testid=wishes-count]")) == count
    )


def filled_form(page: BeautifulSoup) -> dict[str, str]:
    """What the page's form sends as it stands: its fields' values, no file, no unticked box."""
    form = one(page, "main form[enctype]")
    sent: dict[str, str] = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = str(field["name"])
        if field.name == "textarea":
            sent[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            sent[name] = str(chosen["value"]) if chosen else ""
        elif field.get("type") == "file" or (
            field.get("type") == "checkbox" and not field.has_attr("checked")
        ):
            continue
        else:
            sent[name] = str(field.get("value", ""))
    return sent


def test_releasing_the_prisoner_on_the_case_form_holds_the_letters_and_the_writer_is_told(
    owner: OrganizerBrowser, case: Case, smtp: SmtpServer
) -> None:
    asked = letter(case, LetterState.APPROVED, tell_writer=True)
    printed = letter(case, LetterState.PRINTED)
    waiting = letter(case, LetterState.CONFIRMED)
    path = f"/organizer/cases/{case.slug}/edit"
    sent = filled_form(parse(owner.client.get(path)))
    assert sent["status"] == "detained"
    saved = owner.post(path, {**sent, "status": "released"}, page=path)
    assert saved.status_code == 303
    after = states(case)
    assert (after[asked.id], after[printed.id], after[waiting.id]) == (
        LetterState.HELD,
        LetterState.HELD,
        LetterState.CONFIRMED,
    )
    assert db.session.get(Letter, asked.id).held_reason == "status"  # type: ignore[union-attr]
    page = parse(owner.client.get(f"/organizer/cases/{case.slug}/letters/"))
    assert [words(each) for each in page.select("[data-testid=held] label")] == [
        f"Letter No. {asked.number} from {asked.writer_name}",
        f"Letter No. {printed.number} from {printed.writer_name}",
    ]
    drain_once()
    assert smtp.untaken() == []  # the hold tells nobody: the organizer's decision does
    assert resolve(owner, case, "release", asked.id, printed.id) == 303
    drain_once()
    mail = smtp.take_one()
    assert mail.message["To"] == asked.email
    assert mail.message["Subject"] == "Your letter to Ales Bialiatski will not be sent"
    assert smtp.untaken() == []
