"""Canonical addresses: one spelling per mailbox by each mail domain's rule, built in or set by
an admin (command line or page), for signatures made from then on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event

from petitions.clock import utcnow
from petitions.defence import addresses
from petitions.defence.models import EmailDomainRule
from petitions.extensions import db
from petitions.signing.models import Signature
from petitions.signing.services import normalize_email
from tests.conftest import OrganizerBrowser, Supporter, csrf_token
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import count_in_api, main_text, one, parse, words
from tests.servers import SmtpServer

ADMIN = "admin@example.org"


def email_rules(runner: FlaskCliRunner, *arguments: str) -> Any:
    return runner.invoke(args=["email-rules", *arguments])


def stored_rules() -> list[tuple[Any, ...]]:
    """Every row of the rules table, read afresh."""
    db.session.rollback()
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(
                EmailDomainRule.domain,
                EmailDomainRule.ignore_dots,
                EmailDomainRule.tag_separator,
                EmailDomainRule.alias_of,
                EmailDomainRule.note,
                EmailDomainRule.updated_at,
            ).order_by(EmailDomainRule.domain)
        )
    ]


def keys_of(petition_id: int) -> list[str]:
    db.session.rollback()
    return sorted(
        db.session.execute(
            db.select(Signature.email_normalized).where(Signature.petition_id == petition_id)
        ).scalars()
    )


@pytest.fixture
def yandex() -> None:
    """Yandex's rules as an admin would set them: ``-`` tags, ya.ru and yandex.by its aliases."""
    addresses.set_rule("yandex.ru", tag_separator="-", note="Yandex takes me-news@", by=ADMIN)
    addresses.set_rule("ya.ru", alias_of="yandex.ru", by=ADMIN)
    addresses.set_rule("yandex.by", alias_of="yandex.ru", by=ADMIN)


# --- canonical forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("A.B+x@GoogleMail.com", "ab@gmail.com"),
        ("a.b+x+y@gmail.com", "ab@gmail.com"),
        ("  First.Last+news@Example.org ", "first.last@example.org"),
        ("me-news@example.org", "me-news@example.org"),
        ("Me@BÜCHER.de", "me@bücher.de"),
        ("me@xn--bcher-kva.de", "me@bücher.de"),
    ],
)
def test_the_built_in_rules_are_the_old_ones(app: Flask, typed: str, canonical: str) -> None:
    assert normalize_email(typed) == canonical
    assert addresses.reduce(typed, addresses.BUILT_IN) == canonical


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ivan-news@yandex.ru", "ivan@yandex.ru"),
        ("Ivan.Petrov-news@ya.ru", "ivan.petrov@yandex.ru"),
        ("ivan+news@yandex.by", "ivan+news@yandex.ru"),
        ("ab+x@gmail.com", "ab@gmail.com"),
    ],
)
def test_an_alias_takes_its_targets_rule(
    app: Flask, yandex: None, typed: str, canonical: str
) -> None:
    assert normalize_email(typed) == canonical


def test_a_rule_overrides_the_built_in_one_until_removed(app: Flask) -> None:
    addresses.set_rule("gmail.com", ignore_dots=False, tag_separator=None, by=ADMIN)

    # googlemail.com is still an alias of gmail.com, whose rule is now the admin's.
    assert normalize_email("a.b+x@googlemail.com") == "a.b+x@gmail.com"

    assert addresses.remove_rule("gmail.com") == addresses.BUILT_IN["gmail.com"]
    assert normalize_email("a.b+x@googlemail.com") == "ab@gmail.com"


def test_a_rule_is_read_from_the_cache_not_from_the_database_per_address(app: Flask) -> None:
    assert normalize_email("me-x@example.net") == "me-x@example.net"
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        # Written as another process would: this process sees it when its cache expires.
        db.session.add(
            EmailDomainRule(
                domain="example.net",
                ignore_dots=False,
                tag_separator="-",
                note="",
                by=ADMIN,
                updated_at=utcnow(),
            )
        )
        db.session.commit()
        statements.clear()
        assert [normalize_email(f"me-{n}@example.net") for n in range(50)] == [
            f"me-{n}@example.net" for n in range(50)
        ]
        assert statements == []
    finally:
        event.remove(db.engine, "before_cursor_execute", note)

    addresses._rules.forget("all")  # what the TTL does a few seconds later
    assert normalize_email("me-x@example.net") == "me@example.net"


# --- signing ------------------------------------------------------------------------------


def test_two_spellings_of_one_gmail_mailbox_sign_once(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()

    first = supporter.sign(petition.slug, email="a.b+x@googlemail.com")
    again = supporter.sign(petition.slug, email="ab@gmail.com")
    supporter.deliver()
    mail = smtp.take_one()  # one signature, one confirmation link
    supporter.open_and_press(mail.link("confirm"))

    assert (first.status_code, again.status_code) == (303, 303)
    assert keys_of(petition.id) == ["ab@gmail.com"]
    assert count_in_api(client, petition.slug) == 1


def test_a_new_rule_takes_effect_for_the_next_sign_and_leaves_stored_keys(
    supporter: Supporter, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    petition = open_petition()
    supporter.sign(petition.slug, email="ivan-1@ya.ru")

    assert email_rules(runner, "set", "yandex.ru", "--tag-separator", "-").exit_code == 0
    assert email_rules(runner, "set", "ya.ru", "--alias-of", "yandex.ru").exit_code == 0
    supporter.sign(petition.slug, email="ivan-2@yandex.ru")
    supporter.sign(petition.slug, email="Ivan-3@ya.ru")  # the same mailbox as ivan-2@ now
    supporter.deliver()

    assert sorted(mail.recipients[0] for mail in smtp.take(2)) == [
        "ivan-1@ya.ru",
        "ivan-2@yandex.ru",
    ]
    assert keys_of(petition.id) == ["ivan-1@ya.ru", "ivan@yandex.ru"]


# --- the command line ---------------------------------------------------------------------


def test_the_command_line_sets_lists_tests_and_removes_rules(runner: FlaskCliRunner) -> None:
    set_ = email_rules(runner, "set", "Me.com", "--alias-of", "icloud.com", "--note", "Apple")
    assert set_.exit_code == 0, set_.output
    assert set_.output.splitlines()[0] == (
        "me.com: alias of icloud.com (dots kept, tags after + dropped)"
    )
    assert "signatures made from now on" in set_.output

    listed = email_rules(runner, "list").output.splitlines()
    assert "gmail.com: dots ignored, tags after + dropped [built-in] Gmail ignores dots." in listed
    assert any(line.startswith("me.com: alias of icloud.com (") for line in listed)
    assert "edited by command line" in next(line for line in listed if line.startswith("me.com"))

    tested = email_rules(runner, "test", "A.B+news@me.com")
    assert (tested.exit_code, tested.output) == (0, "a.b@icloud.com\n")

    # Only the note changes: the rule in force (an alias) stays.
    email_rules(runner, "set", "me.com", "--note", "Apple's old name")
    assert stored_rules()[0][:5] == ("me.com", False, None, "icloud.com", "Apple's old name")

    removed = email_rules(runner, "remove", "me.com")
    assert removed.exit_code == 0, removed.output
    assert removed.output.splitlines()[0] == "removed the rule for me.com"
    assert email_rules(runner, "test", "A.B+news@me.com").output == "a.b@me.com\n"
    assert stored_rules() == []


def test_setting_dots_keeps_the_rest_of_the_rule_in_force(runner: FlaskCliRunner) -> None:
    result = email_rules(runner, "set", "gmail.com", "--keep-dots")

    assert result.output.splitlines()[0] == "gmail.com: dots kept, tags after + dropped"
    assert email_rules(runner, "test", "a.b+x@googlemail.com").output == "a.b@gmail.com\n"
    removed = email_rules(runner, "remove", "gmail.com").output
    assert removed.splitlines()[0] == (
        "removed; built-in again: gmail.com: dots ignored, tags after + dropped"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["set", "localhost"], "“localhost” is not a mail domain (such as example.org)."),
        (["set", "not a domain.org"], "“not a domain.org” is not a mail domain"),
        (["set", "me@example.org"], "is an address: give only its domain, after the @."),
        (["set", "example.org", "--tag-separator", "*"], "“*” is not a tag separator"),
        (["set", "ya.ru", "--alias-of", "YA.ru"], "ya.ru cannot be an alias of itself."),
        (["set", "ya.ru", "--alias-of", "nonsense"], "“nonsense” is not a mail domain"),
        (
            ["set", "ya.ru", "--alias-of", "yandex.ru", "--ignore-dots"],
            "An alias takes the rule of the domain it is an alias of",
        ),
        # A chain: yandex.by is an alias already.
        (
            ["set", "yandex.kz", "--alias-of", "yandex.by"],
            "yandex.by is itself an alias of yandex.ru: make yandex.kz an alias of yandex.ru",
        ),
        # A cycle: ya.ru is an alias of yandex.ru.
        (
            ["set", "yandex.ru", "--alias-of", "ya.ru"],
            "ya.ru is an alias of yandex.ru, so yandex.ru cannot be an alias of ya.ru: that "
            "would be a cycle.",
        ),
        (
            ["set", "gmail.com", "--alias-of", "yandex.ru"],
            "googlemail.com is an alias of gmail.com, so gmail.com cannot be an alias of "
            "yandex.ru: change googlemail.com first.",
        ),
        (["remove", "gmail.com"], "There is no edited rule for gmail.com"),
        (["remove", "localhost"], "“localhost” is not a mail domain"),
        (["test", "nobody"], "'nobody' is not an email address."),
    ],
)
def test_a_bad_rule_is_refused_clearly_and_changes_nothing(
    runner: FlaskCliRunner, yandex: None, arguments: list[str], message: str
) -> None:
    before = stored_rules()

    result = email_rules(runner, *arguments)

    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert stored_rules() == before
    assert normalize_email("ivan-x@ya.ru") == "ivan@yandex.ru"


def test_removing_a_rule_that_would_bring_back_a_cycle_is_refused(
    runner: FlaskCliRunner,
) -> None:
    addresses.set_rule("googlemail.com", by=ADMIN)  # its own rule, over the built-in alias
    addresses.set_rule("gmail.com", alias_of="googlemail.com", by=ADMIN)
    before = stored_rules()

    result = email_rules(runner, "remove", "googlemail.com")

    assert result.exit_code == 1
    assert (
        "Removing the rule for googlemail.com would bring back its built-in rule. gmail.com is "
        "an alias of googlemail.com, so googlemail.com cannot be an alias of gmail.com"
    ) in " ".join(result.output.split())
    assert stored_rules() == before


def test_the_help_says_rules_apply_from_now_on(runner: FlaskCliRunner) -> None:
    for arguments in (["--help"], ["set", "--help"]):
        shown = " ".join(email_rules(runner, *arguments).output.split())
        assert "Rules apply to signatures made from now on" in shown


# --- the admins' page ---------------------------------------------------------------------


@pytest.fixture
def admin(organizer_browser: OrganizerBrowser) -> OrganizerBrowser:
    """Alena, an admin of the service, logged in."""
    organizer(ADMIN, admin=True)
    assert organizer_browser.log_in(ADMIN, ORGANIZER_PASSWORD).status_code == 303
    return organizer_browser


PAGE = "/organizer/email-rules/"


def table(client: FlaskClient) -> dict[str, list[str]]:
    """The rules table as a person reads it: each domain's row, cell by cell."""
    page = client.get(PAGE)
    assert page.status_code == 200
    rows = parse(page).select('[data-testid="rule"]')
    cells = [[words(cell) for cell in row.find_all("td")] for row in rows]
    return {row[0]: row[1:] for row in cells}


def test_the_page_lists_built_in_and_edited_rules(admin: OrganizerBrowser, yandex: None) -> None:
    shown = table(admin.client)

    assert shown["gmail.com"] == [
        "dots ignored, tags after + dropped",
        "Gmail ignores dots.",
        "built-in",
        "",
    ]
    assert shown["googlemail.com"][0] == "alias of gmail.com (dots ignored, tags after + dropped)"
    assert shown["ya.ru"][0] == "alias of yandex.ru (dots kept, tags after - dropped)"
    assert shown["yandex.ru"][1] == "Yandex takes me-news@"
    assert shown["yandex.ru"][2].startswith(f"edited by {ADMIN}, ")
    assert shown["yandex.ru"][3] == "Remove"
    going_forward = words(one(parse(admin.client.get(PAGE)), '[data-testid="going-forward"]'))
    assert going_forward.startswith("Rules apply to signatures made from now on.")


def test_an_admin_sets_a_rule_on_the_page_and_it_applies(admin: OrganizerBrowser) -> None:
    answer = admin.post(
        PAGE,
        {"domain": "Mac.com", "tag_separator": "+", "alias_of": "icloud.com", "note": "Apple"},
        page=PAGE,
    )

    assert answer.status_code == 303
    follow = admin.client.get(PAGE)
    assert "The rule for mac.com is set. It applies to signatures made from now on." in (
        main_text(follow)
    )
    assert table(admin.client)["mac.com"][:2] == [
        "alias of icloud.com (dots kept, tags after + dropped)",
        "Apple",
    ]
    assert normalize_email("x+y@mac.com") == "x@icloud.com"


def test_an_admin_removes_an_edited_rule_and_the_built_in_one_is_back(
    admin: OrganizerBrowser,
) -> None:
    addresses.set_rule("gmail.com", tag_separator=None, by=ADMIN)
    assert table(admin.client)["gmail.com"][0] == "dots kept, no tags"

    answer = admin.post(f"{PAGE}gmail.com/remove", page=PAGE)

    assert answer.status_code == 303
    assert table(admin.client)["gmail.com"] == [
        "dots ignored, tags after + dropped",
        "Gmail ignores dots.",
        "built-in",
        "",
    ]
    assert stored_rules() == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"domain": "localhost"}, "“localhost” is not a mail domain"),
        ({"domain": "ya.ru", "alias_of": "ya.ru"}, "ya.ru cannot be an alias of itself."),
        ({"domain": "yandex.kz", "alias_of": "ya.ru"}, "ya.ru is itself an alias of yandex.ru"),
        ({"domain": "example.org", "tag_separator": "*"}, "Not a valid choice."),
    ],
)
def test_a_bad_rule_on_the_page_is_shown_and_changes_nothing(
    admin: OrganizerBrowser, yandex: None, form: dict[str, str], message: str
) -> None:
    before = stored_rules()

    answer = admin.post(PAGE, {"tag_separator": "+", **form}, page=PAGE)

    assert answer.status_code == 422
    errors = " ".join(words(error) for error in parse(answer).select(".field .error"))
    assert message in errors
    assert stored_rules() == before


def test_the_dashboard_links_the_page_for_admins_only(admin: OrganizerBrowser, app: Flask) -> None:
    link = one(parse(admin.client.get("/organizer/")), '[data-testid="email-rules-link"]')
    assert (words(link), link["href"]) == ("Email domain rules", PAGE)

    organizer("hanna@example.org")
    hanna = OrganizerBrowser(app.test_client())
    hanna.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    dashboard = parse(hanna.client.get("/organizer/"))
    assert dashboard.select('[data-testid="email-rules-link"]') == []
    assert hanna.client.get(PAGE).status_code == 404
    answer = hanna.post(PAGE, {"domain": "mac.com", "tag_separator": "+"})
    assert answer.status_code == 404
    assert stored_rules() == []


def test_a_rule_without_a_csrf_token_is_refused(admin: OrganizerBrowser, yandex: None) -> None:
    before = stored_rules()
    page = admin.client.get(PAGE).get_data(as_text=True)
    assert csrf_token(page)  # the page's own forms carry one

    added = admin.client.post(PAGE, data={"domain": "mac.com", "tag_separator": "+"})
    removed = admin.client.post(f"{PAGE}ya.ru/remove")

    assert (added.status_code, removed.status_code) == (400, 400)
    assert stored_rules() == before
