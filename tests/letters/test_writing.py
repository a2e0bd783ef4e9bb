"""A supporter writes to a prisoner: the form's checks, the mail, confirming and withdrawing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from petitions.cases.models import Case, CaseStatus
from petitions.extensions import db
from petitions.letters.models import Letter, LetterSettings, LetterState
from petitions.mail.models import OutboxMessage
from tests.conftest import csrf_token
from tests.factories import detained_case, open_letters
from tests.helpers import main_text, one, parse, words
from tests.servers import SmtpServer

BELARUSIAN_WISH = "Дарагі Алесь! Віншуем цябе з днём нараджэння. Мы памятаем пра цябе."

VALID: dict[str, str] = {
    "occasion": "birthday",
    "language": "be",
    "body": BELARUSIAN_WISH,
    "writer_name": "Christie",
    "city": "Den Haag",
    "country": "NL",
    "email": "christie@example.org",
}


@pytest.fixture
def case(app: Flask) -> Case:
    made = detained_case()
    open_letters(made, words_to_avoid="лукашэнка\nвайна")
    return made


def write(client: FlaskClient, slug: str, **fields: Any) -> Any:
    page = client.get(f"/cases/{slug}/write")
    assert page.status_code == 200
    data = {**VALID, **fields, "csrf_token": csrf_token(page.get_data(as_text=True))}
    return client.post(
        f"/cases/{slug}/write", data={k: v for k, v in data.items() if v is not None}
    )


def letters() -> list[Letter]:
    return list(
        db.session.execute(select(Letter).execution_options(populate_existing=True)).scalars()
    )


def outbox_rows() -> int:
    return int(db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one())


def test_the_page_names_the_prisoner_and_counts_down_to_the_birthday(
    client: FlaskClient, case: Case
) -> None:
    page = parse(client.get(f"/cases/{case.slug}/write"))
    assert words(one(page, "h1")) == "Write to Ales Bialiatski"
    birthday = one(page, "[data-testid=occasion-birthday]")
    assert "0 birthday wishes for Ales Bialiatski" in words(birthday)
    assert one(birthday, ".countdown").get_text().startswith(("in ", "today"))
    assert words(one(page, "[data-testid=rules]")) == "Write about everyday life."


def test_a_letter_is_mailed_confirmed_and_queued_once(
    client: FlaskClient, case: Case, smtp: SmtpServer
) -> None:
    answer = write(client, case.slug)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/cases/{case.slug}/write/check-your-inbox")
    [written] = letters()
    assert (written.state, written.number, written.language) == (LetterState.PENDING, 1, "be")
    from petitions.mail.worker import drain_once

    drain_once()
    mail = smtp.take_one()
    assert mail.recipients == ["christie@example.org"]
    assert "Ales Bialiatski" in mail.message["Subject"]
    confirm = mail.link("confirm-letter")
    shown = client.get(confirm)
    assert shown.status_code == 200
    assert letters()[0].state is LetterState.PENDING  # a GET (a scanner) confirms nothing
    assert words(one(parse(shown), "blockquote")) == BELARUSIAN_WISH
    token = csrf_token(shown.get_data(as_text=True))
    thanked = client.post(confirm, data={"csrf_token": token})
    assert words(one(parse(thanked), "h1")) == "Thank you: your letter is confirmed"
    client.post(confirm, data={"csrf_token": token})
    [confirmed] = letters()
    assert confirmed.state is LetterState.CONFIRMED
    assert confirmed.confirmed_at is not None


def test_the_withdraw_link_erases_the_letter(
    client: FlaskClient, case: Case, smtp: SmtpServer
) -> None:
    from petitions.mail.worker import drain_once

    write(client, case.slug)
    drain_once()
    withdraw = smtp.take_one().link("withdraw-letter")
    page = client.get(withdraw)
    assert letters()[0].state is LetterState.PENDING
    done = client.post(withdraw, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert words(one(parse(done), "h1")) == "Your letter is withdrawn"
    [erased] = letters()
    assert erased.state is LetterState.WITHDRAWN
    assert (erased.body, erased.writer_name, erased.email, erased.city) == ("", "", None, "")


def test_a_withdrawn_letter_is_never_mailed(
    client: FlaskClient, case: Case, smtp: SmtpServer
) -> None:
    from petitions.letters import services
    from petitions.mail.worker import drain_once

    write(client, case.slug)
    services.withdraw(letters()[0].id)
    assert outbox_rows() == 0
    drain_once()
    assert smtp.untaken() == []


def test_a_letter_in_a_script_not_accepted_is_refused_and_kept(
    client: FlaskClient, case: Case
) -> None:
    english = "Dear Ales, happy birthday! We think of you every day."
    answer = write(client, case.slug, body=english)
    assert answer.status_code == 422
    page = parse(answer)
    error = words(one(page, "#body-error"))
    assert "not written in the alphabet of Belarusian" in error
    assert one(page, "textarea#body").get_text().strip() == english  # kept for the writer
    assert one(page, "input#writer_name")["value"] == "Christie"
    assert letters() == []
    assert outbox_rows() == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": ""}, "body", "Please write your letter."),
        ({"body": "Прывітанне"[:5]}, "body", "Please write at least 10 characters."),
        ({"body": "Д" * 1501}, "body", "Your letter has 1501 characters; at most 1500"),
        ({"body": BELARUSIAN_WISH + " https://example.org"}, "body", "Please remove the links"),
        ({"body": BELARUSIAN_WISH + " Вайна."}, "body", "Please leave out “вайна”"),
        ({"occasion": "holiday-999"}, "occasion", "Not a valid choice"),
        ({"occasion": None}, "occasion", "Please choose the occasion."),
        ({"language": "de"}, "language", "Not a valid choice"),
        ({"writer_name": ""}, "writer_name", "Please enter a name or a pseudonym"),
        ({"writer_name": "x" * 121}, "writer_name", "Please shorten your name to 120 characters."),
        ({"writer_name": "www.example.org"}, "writer_name", "without a web address"),
        ({"city": "c" * 121}, "city", "Please shorten the city to 120 characters."),
        ({"country": "XX"}, "country", "Please choose your country from the list."),
        ({"email": ""}, "email", "Please enter your email address"),
        ({"email": "not-an-address"}, "email", "does not look like a working email address"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(
    client: FlaskClient, case: Case, fields: dict[str, Any], field: str, message: str
) -> None:
    answer = write(client, case.slug, **fields)
    assert answer.status_code == 422
    error = one(parse(answer), f"#{field}-error") if field not in {"occasion", "language"} else None
    shown = words(error) if error is not None else main_text(answer)
    assert message in shown
    assert letters() == []
    assert outbox_rows() == 0


def test_a_form_without_its_csrf_token_writes_nothing(client: FlaskClient, case: Case) -> None:
    answer = client.post(f"/cases/{case.slug}/write", data=VALID)
    assert answer.status_code in {400, 422}
    assert letters() == []


@pytest.mark.parametrize(
    "closing",
    [
        pytest.param({"letters": {"is_open": False}}, id="closed by its organizers"),
        pytest.param({}, id="no letter settings"),
        pytest.param(
            {"case": {"status": CaseStatus.DECEASED}, "letters": {}}, id="the prisoner died"
        ),
    ],
)
def test_a_case_taking_no_letters_says_so_without_a_form(
    client: FlaskClient, case: Case, closing: dict[str, dict[str, object]]
) -> None:
    closed = detained_case(**closing.get("case", {}))
    if "letters" in closing:
        open_letters(closed, **closing["letters"])
    answer = client.get(f"/cases/{closed.slug}/write?lang=be")
    assert answer.status_code == 200
    page = parse(answer)
    assert one(page, "html")["lang"] == "be"
    assert page.select("main form") == []
    assert one(page, "h1").get_text() != ""
    assert one(page, "[data-testid=case-link]")["href"] == f"/cases/{closed.slug}"
    # Nothing can be written to it either, and the case page offers no write link.
    form_page = client.get(f"/cases/{case.slug}/write")  # an open case's form: the token
    token = csrf_token(form_page.get_data(as_text=True))
    sent = client.post(f"/cases/{closed.slug}/write", data={**VALID, "csrf_token": token})
    assert sent.status_code == 409
    assert words(one(parse(sent), "[data-testid=kept-letter]")) == BELARUSIAN_WISH
    assert letters() == []
    assert parse(client.get(f"/cases/{closed.slug}")).select("[data-testid=write-link]") == []


def test_a_closed_case_page_tells_the_supporter_in_english(client: FlaskClient) -> None:
    closed = detained_case()
    open_letters(closed, is_open=False)
    page = parse(client.get(f"/cases/{closed.slug}/write?lang=en"))
    assert words(one(page, "h1")) == "Letters to Ales Bialiatski are not taken now"
    assert "Nothing written here would reach Ales Bialiatski." in words(
        one(page, "[data-testid=letters-closed]")
    )
    assert words(one(page, "[data-testid=case-link]")) == "Back to the case"


def test_a_case_that_does_not_exist_has_no_write_page(client: FlaskClient) -> None:
    assert client.get("/cases/no-such-case/write").status_code == 404
    assert client.post("/cases/no-such-case/write", data=VALID).status_code in {400, 404}


def test_letters_closed_while_the_form_was_open_give_the_text_back(
    client: FlaskClient, case: Case
) -> None:
    page = client.get(f"/cases/{case.slug}/write")
    found = db.session.get(LetterSettings, case.id)
    assert found is not None
    found.is_open = False
    db.session.commit()
    data = {**VALID, "csrf_token": csrf_token(page.get_data(as_text=True))}
    answer = client.post(f"/cases/{case.slug}/write", data=data)
    assert answer.status_code == 409
    assert words(one(parse(answer), "[data-testid=kept-letter]")) == BELARUSIAN_WISH
    assert letters() == []


def test_each_problem_of_the_letter_is_listed_once_and_shown_once_by_it(
    client: FlaskClient, case: Case
) -> None:
    body = BELARUSIAN_WISH + " Пішы на вясна.бел. Лукашэнка, вайна."
    page = parse(write(client, case.slug, body=body))
    expected = [
        "Please remove the links and addresses: letters with links are not delivered.",
        "Please leave out “лукашэнка”: the organizers ask writers to avoid it, or the letter "
        "will not be delivered.",
        "Please leave out “вайна”: the organizers ask writers to avoid it, or the letter will "
        "not be delivered.",
    ]
    summary = [words(each) for each in one(page, "[data-testid=error-summary]").select("li")]
    assert summary == [f"Your letter: {problem}" for problem in expected]
    for link in one(page, "[data-testid=error-summary]").select("li a"):
        assert link["href"] == "#body"
    by_field = words(one(page, "#body-error"))
    for problem in expected:
        assert by_field.count(problem) == 1
    assert by_field == " ".join(expected)


def test_the_summary_links_to_the_choice_it_names(client: FlaskClient, case: Case) -> None:
    page = parse(write(client, case.slug, occasion=None))
    [link] = one(page, "[data-testid=error-summary]").select("li a")
    assert words(link) == "Occasion: Please choose the occasion."
    assert one(page, str(link["href"])).name == "fieldset"


def test_a_ready_text_fills_the_form_with_its_translation_shown(
    client: FlaskClient, case: Case
) -> None:
    from petitions.cases import translations
    from petitions.letters import settings
    from petitions.letters.models import Occasion

    ready = settings.add_ready_text(case, "be", BELARUSIAN_WISH, Occasion.BIRTHDAY)
    translations.save(ready, "en", {"text": "Dear Ales! Happy birthday. We remember you."}, "o")
    db.session.commit()
    page = parse(client.get(f"/cases/{case.slug}/write"))
    item = one(page, f"[data-testid=ready-{ready.id}]")
    assert one(item, "blockquote")["lang"] == "be"
    assert (
        words(one(item, ".translation"))
        == "In your language: Dear Ales! Happy birthday. We remember you."
    )
    filled = parse(client.get(f"/cases/{case.slug}/write?ready={ready.id}"))
    assert one(filled, "textarea#body").get_text().strip() == BELARUSIAN_WISH
    assert one(filled, "input#language-be").has_attr("checked")


def test_the_case_page_links_to_the_write_page(client: FlaskClient, case: Case) -> None:
    page = parse(client.get(f"/cases/{case.slug}"))
    link = one(page, "[data-testid=write-link]")
    assert link["href"] == f"/cases/{case.slug}/write"
    assert words(one(page, "[data-testid=wishes-count]")) == (
        "0 letters and wishes written to Ales Bialiatski."
    )


@pytest.mark.usefixtures("app")
def test_settings_default_to_belarusian_and_russian_for_a_case_in_belarus() -> None:
    from petitions.letters import settings

    assert settings.default_languages(detained_case(detention_country="BY")) == ["be", "ru"]
    assert settings.default_languages(detained_case(detention_country="AZ", language="en")) == [
        "en"
    ]
    assert isinstance(settings.new_settings(detained_case()), LetterSettings)


def test_writing_and_confirming_log_no_writer_data(
    client: FlaskClient, case: Case, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    from petitions.mail.worker import drain_once

    caplog.set_level("DEBUG")
    write(client, case.slug)
    drain_once()
    confirm = smtp.take_one().link("confirm-letter")
    page = client.get(confirm)
    client.post(confirm, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    ours = [record for record in caplog.records if record.name.startswith("petitions")]
    logged = "\n".join(record.getMessage() for record in ours)
    assert f"case {case.slug}: letter 1 written" in logged
    for secret in ("christie@example.org", "Christie", "Den Haag", BELARUSIAN_WISH[:20]):
        assert secret not in logged


def test_the_rules_are_shown_in_the_writers_language(client: FlaskClient, case: Case) -> None:
    from petitions.cases import translations
    from petitions.letters import settings

    found = settings.settings_of(case)
    assert found is not None
    translations.save(found, "be", {"rules": "Пішыце пра штодзённае жыццё."}, "o")
    db.session.commit()
    rules = one(parse(client.get(f"/cases/{case.slug}/write?lang=be")), "[data-testid=rules]")
    assert words(rules) == "Пішыце пра штодзённае жыццё."
    english = one(parse(client.get(f"/cases/{case.slug}/write?lang=en")), "[data-testid=rules]")
    assert words(english) == "Write about everyday life."


def test_a_busy_database_keeps_the_letter_in_the_form_and_records_nothing(
    client: FlaskClient, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from petitions.defence import services as defence

    def locked(*args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(defence, "assess", locked)
    answer = write(client, case.slug)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    page = parse(answer)
    assert "your letter was not recorded" in words(one(page, ".error-summary"))
    assert one(page, "textarea#body").get_text().strip() == BELARUSIAN_WISH
    assert letters() == []


def test_the_petitions_thank_you_page_links_to_the_write_page(
    client: FlaskClient, case: Case
) -> None:
    from petitions.tokens import confirm_token
    from tests.factories import open_petition, pending_signature

    signature = pending_signature(open_petition(case=case))
    path = f"/confirm/{confirm_token(signature.id)}"
    page = client.get(path)
    thanked = parse(client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))}))
    link = one(thanked, "[data-testid=write-link] a")
    assert link["href"] == f"/cases/{case.slug}/write"
    assert words(link) == "Write to Ales Bialiatski"
