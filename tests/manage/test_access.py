"""Who may do what in the organizer area: every route, for every kind of visitor.

One table lists every route under /organizer/ (and every download) with the form a browser would
send. Each row is tried as an anonymous visitor, as an organizer of another case, as the
organizer who runs the case, as an admin, and (for POSTs) without a CSRF token; a guard test
fails when a route appears in the app that the table does not list.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import inspect, select, text
from werkzeug.security import generate_password_hash

from petitions.accounts import services as account_services
from petitions.bundles.models import Bundle
from petitions.cases.models import TimelineEntry
from petitions.clock import utcnow
from petitions.defence.models import AllowedClient, EmailDomainRule
from petitions.extensions import db
from petitions.letters.models import (
    Channel,
    Holiday,
    LetterBatch,
    LetterReply,
    LetterState,
    PaperSize,
    ReadyText,
)
from petitions.paper import services as paper
from petitions.paper.models import PaperPair
from petitions.signing.models import Invalidation, InvalidationStatus
from petitions.updates.models import Update, UpdateStatus, UpdateText
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    detained_case,
    draft_petition,
    letter,
    open_letters,
    open_petition,
    organizer,
)
from tests.helpers import main_text, one, parse, words

OWNER = "owner@example.org"
STRANGER = "stranger@example.org"
ADMIN = "admin@example.org"
HELPER = "helper@example.org"


class Access(enum.Enum):
    #: Only organizers who run the case (and admins); everybody else gets 404.
    CASE = "case"
    #: Like CASE, and then admins only: an organizer who runs the case gets 403.
    ADMIN = "admin"
    #: Admins only, and the page is not there for anybody else: every other organizer gets 404
    #: (the service's own settings, such as the rules of mail domains).
    SITE_ADMIN = "site-admin"
    #: Every logged-in organizer (their own dashboard, creating a case).
    ORGANIZER = "organizer"
    #: Logging out: harmless for anybody, so not behind the login.
    LOGOUT = "logout"


#: The mimetype of the spreadsheet exports.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Route:
    method: str
    #: Path with {placeholders} filled from the world (see ``world``).
    path: str
    #: The form a browser would send, also with {placeholders}; the CSRF token is added.
    data: dict[str, str] = field(default_factory=dict)
    access: Access = Access.CASE
    #: Whether the request, when allowed, changes the database.
    changes: bool = False
    #: The mimetype of a download, if the route answers with one.
    download: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


CASE_FORM = {
    "slug": "{case}",
    "prisoner_name": "Maria Kalesnikava (edited)",
    "detention_country": "BY",
    "detention_place": "Penal colony No. 4, Gomel",
    "arrested_on": "2020-09-07",
    "sentence": "11 years",
    "status": "detained",
    "bio": "Musician and activist.",
}
NEW_CASE_FORM = {**CASE_FORM, "slug": "a-new-case", "prisoner_name": "Someone New"}
TIMELINE_FORM = {"happened_on": "2024-05-01", "title": "Vigil in The Hague", "text": "", "link": ""}
PERIOD_FORM = {"started_on": "2001-01-01", "ended_on": "2001-02-01", "place": "", "note": ""}
OPEN_PERIOD_FORM = {"started_on": "2020-08-09", "ended_on": "", "place": "", "note": ""}
PETITION_FORM = {
    "slug": "{petition}",
    "title": "Free Maria Kalesnikava now",
    "summary": "Release her.",
    "body": "We ask for her release.",
    "addressee": "Embassy of the Republic of Belarus, The Hague",
    "goal": "5000",
}
NEW_PETITION_FORM = {**PETITION_FORM, "slug": "kalesnikava-second"}
PAPER_SHEET_FORM = {
    "sheet-number": "2",
    "sheet-place": "Stall in Vilnius",
    "sheet-collected_on": "2024-05-01",
    "row1-full_name": "Paper Person",
    "row1-city": "Vilnius",
    "row1-country": "LT",
}
#: A key ending in _file is sent as an uploaded file holding its value (see send).
PAPER_IMPORT_FORM = {
    "csv-number": "3",
    "csv-place": "Stall in Vilnius",
    "csv-collected_on": "2024-05-01",
    "csv-csv_file": "name,city,country\nPaper Person,Vilnius,LT\n",
}
DELIVERY_FORM = {
    "bundle_id": "{bundle}",
    "recipient": "The consul",
    "delivered_on": "2024-06-01",
    "note": "",
}
PASSWORD_FORM = {
    "current_password": ORGANIZER_PASSWORD,
    "new_password": "quiet river under seven bridges",
    "repeat_password": "quiet river under seven bridges",
}
BUNDLE_FORM = {
    "recipient_name": "Embassy of the Republic of Belarus",
    "recipient_address": "",
    "language": "en",
}

LETTER_SETTINGS_FORM = {
    "is_open": "y",
    "channel": "post",
    "postal_address": "ПК № 2, Бабруйск",
    "languages": "be",
    "max_length": "1200",
    "rules": "Пішыце пра кнігі.",
}
LETTER_DELIVERY_FORM = {
    "delivery-batch": "{letter_batch}",
    "delivery-channel": "post",
    "delivery-outcome": "delivered",
    "delivery-happened_on": "2024-06-01",
}
REPLY_FORM = {
    "reply-text": "Дзякуй за лісты!",
    "reply-received_on": "2024-06-02",
    "reply-consent": "family",
}
READY_TEXT_FORM = {
    "ready-language": "be",
    "ready-occasion": "",
    "ready-text": "Дарагая Марыя, мы з табой!",
}
HOLIDAY_FORM = {"holiday-name": "Kupalle", "holiday-day": "2024-07-07"}
RETENTION_FORM = {
    "until": (utcnow().date() + dt.timedelta(days=30)).isoformat(),
    "reason": "The appeal hearing needs the signers' list.",
}
UPDATE_FORM = {"locale": "en", "subject": "She was moved", "body": "To another colony."}
UPDATE_TRANSLATION_FORM = {"locale": "be", "subject": "Яе перавялі", "body": "У іншую калонію."}

ROUTES = [
    Route("GET", "/organizer/", access=Access.ORGANIZER),
    Route("POST", "/organizer/logout", access=Access.LOGOUT, changes=True),
    Route("GET", "/organizer/password", access=Access.ORGANIZER),
    Route("POST", "/organizer/password", PASSWORD_FORM, Access.ORGANIZER, changes=True),
    Route("GET", "/organizer/cases/new", access=Access.ORGANIZER),
    Route("POST", "/organizer/cases/new", NEW_CASE_FORM, Access.ORGANIZER, changes=True),
    Route("GET", "/organizer/cases/{case}"),
    Route("GET", "/organizer/cases/{case}/edit"),
    Route("POST", "/organizer/cases/{case}/edit", CASE_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/timeline/{entry}/delete", changes=True),
    Route("POST", "/organizer/cases/{case}/timeline/new", TIMELINE_FORM, changes=True),
    Route("GET", "/organizer/cases/{case}/timeline/{entry}"),
    Route("POST", "/organizer/cases/{case}/timeline/{entry}", TIMELINE_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/detentions", PERIOD_FORM, changes=True),
    Route("GET", "/organizer/cases/{case}/detentions/{period}"),
    Route("POST", "/organizer/cases/{case}/detentions/{period}", OPEN_PERIOD_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/detentions/{period}/delete", changes=True),
    Route("POST", "/organizer/cases/{case}/organizers", {"email": HELPER}, Access.ADMIN, True),
    Route("GET", "/organizer/cases/{case}/petitions/new"),
    Route("POST", "/organizer/cases/{case}/petitions/new", NEW_PETITION_FORM, changes=True),
    Route("GET", "/organizer/petitions/{petition}"),
    Route("GET", "/organizer/petitions/{petition}/signatures"),
    Route("GET", "/organizer/petitions/{petition}/comments"),
    Route("GET", "/organizer/petitions/{petition}/bundles"),
    Route("GET", "/organizer/petitions/{petition}/edit"),
    Route("POST", "/organizer/petitions/{petition}/edit", PETITION_FORM, changes=True),
    Route("POST", "/organizer/petitions/{draft}/open", changes=True),
    Route("POST", "/organizer/petitions/{petition}/close", {"confirmed": "yes"}, changes=True),
    Route("POST", "/organizer/petitions/{petition}/reopen"),
    Route("GET", "/organizer/petitions/{petition}/chart.svg", download="image/svg+xml"),
    Route("POST", "/organizer/petitions/{petition}/comments/{shown}/hide", changes=True),
    Route("POST", "/organizer/petitions/{petition}/comments/{hidden}/show", changes=True),
    Route("POST", "/organizer/petitions/{petition}/deliveries", DELIVERY_FORM, changes=True),
    Route("GET", "/organizer/petitions/{petition}/signatures.csv", download="text/csv"),
    Route("GET", "/organizer/petitions/{petition}/contacts.csv", download="text/csv"),
    Route("GET", "/organizer/petitions/{petition}/signatures.xlsx", download=XLSX),
    Route("GET", "/organizer/petitions/{petition}/contacts.xlsx", download=XLSX),
    Route("GET", "/organizer/petitions/{petition}/partners/"),
    Route(
        "POST",
        "/organizer/petitions/{petition}/partners/",
        {"name": "Amnesty NL", "code": "amnesty-nl", "origins": "https://amnesty.nl"},
        changes=True,
    ),
    Route("GET", "/organizer/petitions/{petition}/retention/"),
    Route("POST", "/organizer/petitions/{petition}/retention/extend", RETENTION_FORM, changes=True),
    Route("GET", "/organizer/petitions/{petition}/review/"),
    Route(
        "POST", "/organizer/petitions/{petition}/review/release", {"everything": "y"}, changes=True
    ),
    Route(
        "POST",
        "/organizer/petitions/{petition}/review/invalidate",
        {"everything": "y"},
        changes=True,
    ),
    Route(
        "POST",
        "/organizer/petitions/{petition}/review/allow",
        {"network": "203.0.113.7", "hours": "8", "note": "Stall"},
        changes=True,
    ),
    Route("POST", "/organizer/petitions/{petition}/review/allow/{allowance}/end", changes=True),
    Route("GET", "/organizer/petitions/{petition}/paper/"),
    Route("POST", "/organizer/petitions/{petition}/paper/sheets", PAPER_SHEET_FORM, changes=True),
    Route("POST", "/organizer/petitions/{petition}/paper/import", PAPER_IMPORT_FORM, changes=True),
    Route("POST", "/organizer/petitions/{petition}/paper/pairs/{pair}/same", changes=True),
    Route("POST", "/organizer/petitions/{petition}/paper/pairs/{pair}/different", changes=True),
    Route("GET", "/organizer/petitions/{petition}/paper/sheets/{sheet}/remove"),
    Route("POST", "/organizer/petitions/{petition}/paper/sheets/{sheet}/remove"),
    Route(
        "POST",
        "/organizer/petitions/{petition}/paper/sheets/{sheet}/removal",
        {"reason": "Entered twice"},
        changes=True,
    ),
    Route("GET", "/organizer/petitions/{petition}/translations/be"),
    Route("POST", "/organizer/petitions/{petition}/translations/be"),
    Route("GET", "/organizer/cases/{case}/translations/ru"),
    Route("POST", "/organizer/cases/{case}/translations/ru"),
    Route("GET", "/organizer/petitions/{petition}/invalidations/"),
    Route(
        "POST",
        "/organizer/petitions/{petition}/invalidations/",
        {"domain": "example.org"},
        changes=True,
    ),
    Route("GET", "/organizer/petitions/{petition}/invalidations/{queued}/progress"),
    Route("POST", "/organizer/petitions/{petition}/invalidations/{queued}/cancel", changes=True),
    Route("POST", "/organizer/petitions/{petition}/invalidations/{finished}/undo", changes=True),
    Route(
        "POST",
        "/organizer/petitions/{petition}/bundle",
        BUNDLE_FORM,
        changes=True,
        download="application/pdf",
    ),
    Route("GET", "/organizer/email-rules/", access=Access.SITE_ADMIN),
    Route(
        "POST",
        "/organizer/email-rules/",
        {"domain": "yandex.by", "tag_separator": "+", "alias_of": "yandex.ru", "note": ""},
        Access.SITE_ADMIN,
        changes=True,
    ),
    Route("POST", "/organizer/email-rules/{rule}/remove", access=Access.SITE_ADMIN, changes=True),
    Route("GET", "/organizer/cases/{case}/letters/"),
    Route("GET", "/organizer/cases/{case}/letters/settings"),
    Route("POST", "/organizer/cases/{case}/letters/settings", LETTER_SETTINGS_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/letters/ready-texts", READY_TEXT_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/letters/ready-texts/{ready}/delete", changes=True),
    Route("POST", "/organizer/cases/{case}/letters/holidays", HOLIDAY_FORM, changes=True),
    Route("POST", "/organizer/cases/{case}/letters/holidays/{holiday}/delete", changes=True),
    Route("GET", "/organizer/cases/{case}/letters/translations/ru"),
    Route("POST", "/organizer/cases/{case}/letters/translations/ru"),
    Route(
        "POST", "/organizer/cases/{case}/letters/approve", {"letter_ids": "{letter}"}, changes=True
    ),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/reject",
        {"letter_ids": "{letter}", "reason": "Names the trial."},
        changes=True,
    ),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/held/reroute",
        {"letter_ids": "{held}"},
        changes=True,
    ),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/held/release",
        {"letter_ids": "{held}"},
        changes=True,
    ),
    Route("GET", "/organizer/cases/{case}/letters/batches/"),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/batches/",
        {"size": "A5"},
        changes=True,
        download="application/pdf",
    ),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/batches/deliveries",
        LETTER_DELIVERY_FORM,
        changes=True,
    ),
    Route("POST", "/organizer/cases/{case}/letters/batches/replies", REPLY_FORM, changes=True),
    Route(
        "POST",
        "/organizer/cases/{case}/letters/batches/replies/{reply}/consent",
        {"consent-consent": "prisoner"},
        changes=True,
    ),
    # updates to consenting signers (manage/updates.py)
    Route("GET", "/organizer/petitions/{petition}/updates"),
    Route("POST", "/organizer/petitions/{petition}/updates", UPDATE_FORM, changes=True),
    Route("GET", "/organizer/cases/{case}/updates"),
    Route("POST", "/organizer/cases/{case}/updates", UPDATE_FORM, changes=True),
    Route("GET", "/organizer/updates/{update}"),
    Route("POST", "/organizer/updates/{update}/texts", UPDATE_TRANSLATION_FORM, changes=True),
    Route("POST", "/organizer/updates/{update}/test", changes=True),
    Route(
        "POST",
        "/organizer/updates/{update}/schedule",
        {"send_at": "2030-01-01T10:00"},
        changes=True,
    ),
    Route("POST", "/organizer/updates/{scheduled}/unschedule", changes=True),
]
POSTS = [route for route in ROUTES if route.method == "POST"]

#: Placeholder values for matching the table against the URL map without a database.
SAMPLE = {
    "case": "c",
    "petition": "p",
    "draft": "d",
    "entry": "1",
    "period": "8",
    "shown": "2",
    "hidden": "3",
    "bundle": "4",
    "allowance": "5",
    "queued": "6",
    "finished": "7",
    "rule": "ya.example",
    "ready": "9",
    "holiday": "10",
    "letter": "11",
    "held": "13",
    "reply": "12",
    "pair": "14",
    "sheet": "16",
    "update": "14",
    "scheduled": "15",
}


# --- the world: two cases, their organizers, an admin ----------------------------------------


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept across this module's apps, keyed by the templates' source."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _SharedBytecodeCache()


@pytest.fixture(autouse=True)
def _compile_templates_once(app: Flask) -> None:
    # Every test has its own app, and each app would parse and compile every template anew.
    app.jinja_env.bytecode_cache = _TEMPLATES


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    # scrypt costs ~80 ms per account and per login; these tests create and log in hundreds.
    monkeypatch.setattr(
        account_services,
        "generate_password_hash",
        functools.partial(generate_password_hash, method="pbkdf2:sha256:1"),
    )


@dataclass
class World:
    values: dict[str, str]
    #: What a visitor without access must never see: signer names and addresses, the case.
    secrets: tuple[str, ...]
    signer_names: tuple[str, ...]
    other_values: dict[str, str]

    def path(self, route: Route) -> str:
        return route.path.format(**self.values)

    def form(self, route: Route) -> dict[str, str]:
        return {key: value.format(**self.values) for key, value in route.data.items()}


@contextlib.contextmanager
def one_transaction() -> Iterator[None]:
    """Let the factories' many commits become one: on disk every commit costs an fsync."""
    db.session.commit = db.session.flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        del db.session.commit
    db.session.commit()


@pytest.fixture
def world(app: Flask) -> World:
    with one_transaction():
        return _build_world()


def _build_world() -> World:
    ours = detained_case(slug="kalesnikava", prisoner_name="Maria Kalesnikava")
    petition = open_petition(slug="free-kalesnikava", title="Free Maria Kalesnikava", case=ours)
    draft = draft_petition(slug="kalesnikava-draft", title="Secret draft for Maria", case=ours)
    shown = confirmed_signature(
        petition,
        full_name="Volha Visible-Commenter",
        email="volha@example.org",
        comment="Stay strong",
        may_contact=True,
    )
    hidden = confirmed_signature(
        petition,
        full_name="Pavel Hidden-Commenter",
        email="pavel@example.org",
        comment="Off-topic",
        comment_hidden_at=utcnow(),
        may_contact=True,
    )
    entry = TimelineEntry(
        case_id=ours.id, happened_on=dt.date(2024, 3, 8), title="Letters on 8 March"
    )
    bundle = Bundle(
        petition_id=petition.id,
        fingerprint="ab" * 32,
        recipient_name="Embassy",
        recipient_address="",
        countries="",
        signature_count=2,
        generated_at=utcnow(),
    )
    allowance = AllowedClient(
        petition_id=petition.id,
        network="198.51.100.0/24",
        until=utcnow() + dt.timedelta(hours=8),
        note="Stall",
        by=OWNER,
        created_at=utcnow(),
    )
    queued, finished = (
        Invalidation(
            petition_id=petition.id,
            status=status,
            domain="example.org",
            subject="domain example.org",
            matched=2,
            by=OWNER,
            created_at=utcnow(),
        )
        for status in (InvalidationStatus.QUEUED, InvalidationStatus.DONE)
    )
    rule = EmailDomainRule(
        domain="ya.ru",
        ignore_dots=False,
        tag_separator=None,
        alias_of="yandex.ru",
        note="Yandex's short name",
        by=ADMIN,
        updated_at=utcnow(),
    )
    db.session.add_all([entry, bundle, allowance, queued, finished, rule])
    db.session.flush()

    theirs = detained_case(slug="losik", prisoner_name="Ihar Losik")
    their_petition = open_petition(slug="free-losik", title="Free Ihar Losik", case=theirs)
    confirmed_signature(their_petition, full_name="Ona Other-Signer")

    open_letters(ours, rules="Пішыце пра кнігі.")
    ready = ReadyText(case_id=ours.id, language="be", text="Мы з табой!", created_at=utcnow())
    holiday = Holiday(case_id=ours.id, name="Kupalle", day=dt.date(2024, 7, 7))
    db.session.add_all([ready, holiday])
    waiting = letter(ours, writer_name="Lena Letter-Writer", email="lena@example.org")
    held = letter(ours, LetterState.HELD, held_reason="status", held_at=utcnow())
    letter(ours, LetterState.APPROVED, writer_name="Anna Approved", email="anna@example.org")
    letter_batch = LetterBatch(
        case_id=ours.id,
        fingerprint="b" * 64,
        size=PaperSize.A4,
        letter_count=1,
        channel=Channel.POST,
        created_at=utcnow(),
        created_by=OWNER,
    )
    reply = LetterReply(
        case_id=ours.id,
        text="Дзякуй!",
        received_on=dt.date(2024, 6, 2),
        created_at=utcnow(),
        created_by=OWNER,
    )
    db.session.add_all([letter_batch, reply])
    # Volha on a paper sheet too, in another city: a doubtful pair to decide.
    sheet = paper.enter_sheet(
        petition,
        paper.SheetDetails(1, "Stall in Hrodna", dt.date(2024, 5, 1)),
        [paper.PaperSigner("Volha Visible-Commenter", "Hrodna", "BY")],
        by=OWNER,
        organizer_id=None,
    )
    pair = db.session.execute(select(PaperPair)).scalar_one()
    update = Update(
        petition_id=petition.id,
        original_locale="en",
        status=UpdateStatus.DRAFT,
        created_at=utcnow(),
        texts=[UpdateText(locale="en", subject="News of Maria", body="She was moved.")],
    )
    scheduled = Update(
        case_id=ours.id,
        original_locale="en",
        status=UpdateStatus.SCHEDULED,
        send_at=utcnow() + dt.timedelta(days=30),
        created_at=utcnow(),
        texts=[UpdateText(locale="en", subject="Case news", body="A court date.")],
    )
    db.session.add_all([update, scheduled])
    open_letters(theirs)
    their_ready = ReadyText(case_id=theirs.id, language="be", text="Ihar!", created_at=utcnow())
    their_holiday = Holiday(case_id=theirs.id, name="Dziady", day=dt.date(2024, 11, 2))
    db.session.add_all([their_ready, their_holiday])
    their_letter = letter(theirs, writer_name="Olga Other-Writer")
    db.session.flush()

    organizer(OWNER, cases=(ours,))
    organizer(STRANGER, cases=(theirs,))
    organizer(ADMIN, admin=True)
    organizer(HELPER)
    return World(
        values={
            "case": ours.slug,
            "petition": petition.slug,
            "draft": draft.slug,
            "entry": str(entry.id),
            "period": str(ours.detentions[0].id),
            "shown": str(shown.id),
            "hidden": str(hidden.id),
            "bundle": str(bundle.id),
            "allowance": str(allowance.id),
            "queued": str(queued.id),
            "finished": str(finished.id),
            "rule": rule.domain,
            "ready": str(ready.id),
            "holiday": str(holiday.id),
            "letter": str(waiting.id),
            "held": str(held.id),
            "their_ready": str(their_ready.id),
            "their_holiday": str(their_holiday.id),
            "their_letter": str(their_letter.id),
            "letter_batch": str(letter_batch.id),
            "reply": str(reply.id),
            "pair": str(pair.id),
            "sheet": str(sheet.sheet.id),
            "update": str(update.id),
            "scheduled": str(scheduled.id),
        },
        secrets=(
            "Maria Kalesnikava",
            "Secret draft",
            "Volha Visible-Commenter",
            "volha@example.org",
            "Pavel Hidden-Commenter",
            "pavel@example.org",
            "Lena Letter-Writer",
            "lena@example.org",
        ),
        signer_names=("Volha Visible-Commenter", "Pavel Hidden-Commenter"),
        other_values={"case": theirs.slug, "petition": their_petition.slug},
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through a fresh connection (no session cache)."""
    with db.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: [
                tuple(row)
                for row in connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
            ]
            for table in list(tables)
        }


def send(browser: OrganizerBrowser, world: World, route: Route, *, token: str | None) -> Any:
    """Send the route's request as its page would; ``token=None`` leaves the CSRF token out."""
    path = world.path(route)
    if route.method == "GET":
        return browser.client.get(path, buffered=True)
    data: dict[str, Any] = world.form(route)
    for key in [key for key in data if key.endswith("_file")]:
        data[key] = (io.BytesIO(data[key].encode()), "upload.csv")
    if token is not None:
        data["csrf_token"] = token
    # Buffered: a download is read and closed even when an assertion fails before reading it.
    return browser.client.post(path, data=data, buffered=True)


def log_in(browser: OrganizerBrowser, email: str) -> None:
    answer = browser.log_in(email, ORGANIZER_PASSWORD)
    assert answer.status_code == 303, answer.get_data(as_text=True)


# --- what the answers must look like ---------------------------------------------------------


def assert_sent_to_login(answer: Any, path: str) -> None:
    assert answer.status_code == 302, answer.status_code
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/organizer/login"
    assert parse_qs(location.query) == {"next": [path]}


def assert_reveals_nothing(answer: Any, world: World) -> None:
    assert "Content-Disposition" not in answer.headers
    body = answer.get_data(as_text=True)
    for secret in world.secrets:
        assert secret not in body, f"{secret!r} leaked"


def assert_not_found(answer: Any, world: World) -> None:
    assert answer.status_code == 404, answer.status_code
    assert answer.mimetype == "text/html"
    assert words(one(parse(answer), "h1")) == "Page not found"
    assert_reveals_nothing(answer, world)


def assert_refused(answer: Any, status: int) -> None:
    assert answer.status_code == status, answer.status_code
    assert answer.mimetype == "text/html"
    assert "Content-Disposition" not in answer.headers


def assert_succeeded(
    route: Route, answer: Any, world: World, before: dict[str, Any], after: dict[str, Any]
) -> None:
    body = answer.get_data()
    if route.method == "GET" or route.download:
        assert answer.status_code == 200, (answer.status_code, body[:2000])
    else:
        assert answer.status_code == 303, (answer.status_code, body[:2000])
        expected = "/organizer/login" if route.access is Access.LOGOUT else "/organizer/"
        assert urlsplit(answer.headers["Location"]).path.startswith(expected)
    if route.download:
        assert answer.mimetype == route.download
    if route.download == "text/csv":
        assert world.signer_names[0].encode() in body
    if route.download == "application/pdf":
        assert body.startswith(b"%PDF-")
    if route.download == XLSX:
        assert body.startswith(b"PK")  # a zip container, as every .xlsx is
    if route.changes:
        assert after != before, "an allowed change did not reach the database"
    else:
        assert after == before


# --- the matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_anonymous_visitor_is_sent_to_the_login_page(
    route: Route, world: World, organizer_browser: OrganizerBrowser
) -> None:
    # A valid token (the login page's), so the login guard, not the CSRF check, answers.
    token = organizer_browser.token("/organizer/login")
    before = snapshot()

    answer = send(organizer_browser, world, route, token=token)

    if route.access is Access.LOGOUT:
        assert answer.status_code == 303
        assert urlsplit(answer.headers["Location"]).path == "/organizer/login"
    else:
        assert_sent_to_login(answer, world.path(route))
    assert_reveals_nothing(answer, world)
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_organizer_of_another_case_finds_nothing(
    route: Route, world: World, organizer_browser: OrganizerBrowser
) -> None:
    log_in(organizer_browser, STRANGER)
    token = organizer_browser.token("/organizer/")
    before = snapshot()

    answer = send(organizer_browser, world, route, token=token)

    if route.access in (Access.CASE, Access.ADMIN, Access.SITE_ADMIN):
        assert_not_found(answer, world)
        assert snapshot() == before
    else:
        assert_succeeded(route, answer, world, before, snapshot())
        assert_reveals_nothing(answer, world)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_organizer_who_runs_the_case_may(
    route: Route, world: World, organizer_browser: OrganizerBrowser
) -> None:
    log_in(organizer_browser, OWNER)
    token = organizer_browser.token("/organizer/")
    before = snapshot()

    answer = send(organizer_browser, world, route, token=token)

    if route.access is Access.ADMIN:
        assert_refused(answer, 403)
        assert snapshot() == before
    elif route.access is Access.SITE_ADMIN:
        assert_not_found(answer, world)
        assert snapshot() == before
    else:
        assert_succeeded(route, answer, world, before, snapshot())


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_admin_may_without_running_the_case(
    route: Route, world: World, organizer_browser: OrganizerBrowser
) -> None:
    log_in(organizer_browser, ADMIN)
    token = organizer_browser.token("/organizer/")
    before = snapshot()

    answer = send(organizer_browser, world, route, token=token)

    assert_succeeded(route, answer, world, before, snapshot())


@pytest.mark.parametrize("route", POSTS, ids=str)
def test_a_post_without_a_csrf_token_is_refused(
    route: Route, world: World, client: FlaskClient, organizer_browser: OrganizerBrowser
) -> None:
    admin_only = route.access in (Access.ADMIN, Access.SITE_ADMIN)
    log_in(organizer_browser, ADMIN if admin_only else OWNER)
    before = snapshot()

    answer = send(organizer_browser, world, route, token=None)

    assert_refused(answer, 400)
    assert snapshot() == before
    assert client.get("/organizer/").status_code == 200, "the organizer was logged out"


# --- the guard: no route under /organizer/ escapes the table ---------------------------------

_ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")


def test_every_organizer_route_is_in_the_table(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    listed = set()
    for route in ROUTES:
        rule, args = adapter.match(
            route.path.format(**SAMPLE), method=route.method, return_rule=True
        )
        choices = tuple(sorted((name, args[name]) for _, name in _ANY.findall(rule.rule)))
        listed.add((route.method, rule.rule, choices))

    required = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/organizer/") or rule.endpoint == "accounts.login":
            continue
        combinations: list[tuple[tuple[str, str], ...]] = [()]
        for options, name in _ANY.findall(rule.rule):
            values = [option.strip().strip("'\"") for option in options.split(",")]
            combinations = [c + ((name, value),) for c in combinations for value in values]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for combination in combinations:
                required.add((method, rule.rule, tuple(sorted(combination))))

    assert required - listed == set(), "routes missing from ROUTES"
    assert listed - required == set(), "ROUTES lists routes the app does not have"


#: (bundles has none since printing moved to manage: only its public verify page is left)
ORGANIZER_BLUEPRINTS = {
    "manage",
    "manage_letters",
    "manage_letter_batches",
    "exports",
    "accounts",
    "partners",
    "review",
    "invalidations",
    "email_rules",
    "translations",
    "case_story",
    "manage_retention",
    "paper",
    "manage_updates",
}
#: Endpoints of those blueprints that anybody may open.
PUBLIC_ENDPOINTS = {"bundles.verify", "accounts.login", "accounts.logout"}


def _sample_path(app: Flask, rule: Any) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        choices = getattr(converter, "items", None)
        if choices:
            values[name] = sorted(choices)[0]
        else:
            values[name] = "1" if converter.regex == r"\d+" else "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_every_organizer_endpoint_lives_under_organizer(app: Flask, client: FlaskClient) -> None:
    # Otherwise a new organizer page or download would escape the table above. Which endpoints
    # are the organizers' is found by asking every route of the app as an anonymous visitor:
    # those that send the visitor to the login page are, whatever blueprint they are in.
    app.config["WTF_CSRF_ENABLED"] = False  # so a POST meets the login guard, not the CSRF one
    guarded: dict[str, str] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = _sample_path(app, rule)
        method = "GET" if "GET" in (rule.methods or set()) else "POST"
        answer = client.open(path, method=method)
        if answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == (
            "/organizer/login"
        ):
            guarded[rule.endpoint] = rule.rule

    assert {endpoint.partition(".")[0] for endpoint in guarded} == ORGANIZER_BLUEPRINTS, (
        "a blueprint with organizer pages is missing from ORGANIZER_BLUEPRINTS"
    )
    for endpoint, path in guarded.items():
        assert path.startswith("/organizer/"), f"{endpoint} answers at {path}"
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        if blueprint in ORGANIZER_BLUEPRINTS and rule.endpoint not in PUBLIC_ENDPOINTS:
            assert rule.endpoint in guarded, f"{rule.endpoint} is not behind the login"
            assert rule.rule.startswith("/organizer/"), rule.rule


# --- beyond the matrix -----------------------------------------------------------------------


def test_the_dashboard_lists_only_the_organizers_own_cases(
    world: World, client: FlaskClient, organizer_browser: OrganizerBrowser
) -> None:
    log_in(organizer_browser, OWNER)
    mine = client.get("/organizer/").get_data(as_text=True)
    assert "Maria Kalesnikava" in mine
    assert "Ihar Losik" not in mine

    organizer_browser.post("/organizer/logout")
    log_in(organizer_browser, STRANGER)
    theirs = client.get("/organizer/").get_data(as_text=True)
    assert "Ihar Losik" in theirs
    for secret in world.secrets:
        assert secret not in theirs

    organizer_browser.post("/organizer/logout")
    log_in(organizer_browser, ADMIN)
    every = client.get("/organizer/").get_data(as_text=True)
    assert "Maria Kalesnikava" in every
    assert "Ihar Losik" in every


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*? value="[^"]+"', "", html)


@pytest.mark.parametrize("suffix", ["", "/edit", "/chart.svg", "/signatures.csv", "/contacts.csv"])
def test_a_draft_of_another_case_is_not_reachable_by_slug(
    suffix: str, world: World, client: FlaskClient, organizer_browser: OrganizerBrowser
) -> None:
    draft = world.values["draft"]
    assert client.get(f"/p/{draft}").status_code == 404
    assert client.get(f"/api/v1/petitions/{draft}").status_code == 404
    log_in(organizer_browser, STRANGER)

    foreign = client.get(f"/organizer/petitions/{draft}{suffix}", buffered=True)
    missing = client.get(f"/organizer/petitions/no-such-petition{suffix}", buffered=True)

    assert_not_found(foreign, world)
    # The same answer as for a slug nobody uses: the stranger cannot tell the draft exists.
    assert _without_tokens(foreign.get_data(as_text=True)) == _without_tokens(
        missing.get_data(as_text=True)
    )


def test_an_organizer_who_is_not_admin_cannot_assign_organizers(
    world: World, app: Flask, organizer_browser: OrganizerBrowser
) -> None:
    log_in(organizer_browser, OWNER)
    before = snapshot()

    answer = organizer_browser.post(
        f"/organizer/cases/{world.values['case']}/organizers", {"email": STRANGER}
    )

    assert_refused(answer, 403)
    assert snapshot() == before
    stranger = OrganizerBrowser(app.test_client())
    log_in(stranger, STRANGER)
    assert_not_found(stranger.client.get(f"/organizer/cases/{world.values['case']}"), world)


def test_an_admin_assigns_an_organizer_who_then_runs_the_case(
    world: World, app: Flask, organizer_browser: OrganizerBrowser
) -> None:
    case = world.values["case"]
    stranger = OrganizerBrowser(app.test_client())
    log_in(stranger, STRANGER)
    assert stranger.client.get(f"/organizer/cases/{case}").status_code == 404
    log_in(organizer_browser, ADMIN)

    answer = organizer_browser.post(
        f"/organizer/cases/{case}/organizers", {"email": STRANGER}, page=f"/organizer/cases/{case}"
    )

    assert answer.status_code == 303
    assert urlsplit(answer.headers["Location"]).path == f"/organizer/cases/{case}"
    page = stranger.client.get(f"/organizer/cases/{case}")
    assert page.status_code == 200
    assert "Maria Kalesnikava" in main_text(page)
    dashboard = stranger.client.get("/organizer/").get_data(as_text=True)
    assert "Maria Kalesnikava" in dashboard
    assert "Ihar Losik" in dashboard
    csv = stranger.client.get(
        f"/organizer/petitions/{world.values['petition']}/signatures.csv", buffered=True
    )
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/organizer/cases/{their_case}/timeline/{entry}/delete", {}, 404),
        ("/organizer/cases/{their_case}/timeline/{entry}", TIMELINE_FORM, 404),
        ("/organizer/cases/{their_case}/detentions/{period}/delete", {}, 404),
        ("/organizer/cases/{their_case}/detentions/{period}", OPEN_PERIOD_FORM, 404),
        ("/organizer/petitions/{their_petition}/comments/{shown}/hide", {}, 404),
        ("/organizer/petitions/{their_petition}/comments/{hidden}/show", {}, 404),
        # The bundle is not among the choices of their own petition's form.
        ("/organizer/petitions/{their_petition}/deliveries", DELIVERY_FORM, 422),
        # Our letters, ready texts and holidays through their own case: none is theirs.
        ("/organizer/cases/{their_case}/letters/approve", {"letter_ids": "{letter}"}, 404),
        (
            "/organizer/cases/{their_case}/letters/reject",
            {"letter_ids": "{letter}", "reason": "No."},
            404,
        ),
        ("/organizer/cases/{their_case}/letters/held/reroute", {"letter_ids": "{held}"}, 404),
        ("/organizer/cases/{their_case}/letters/held/release", {"letter_ids": "{held}"}, 404),
        ("/organizer/cases/{their_case}/letters/ready-texts/{ready}/delete", {}, 404),
        ("/organizer/cases/{their_case}/letters/holidays/{holiday}/delete", {}, 404),
        # Our batch and our reply through their own case.
        ("/organizer/cases/{their_case}/letters/batches/deliveries", LETTER_DELIVERY_FORM, 404),
        # Our paper sheet through their own petition.
        ("/organizer/petitions/{their_petition}/paper/sheets/{sheet}/remove", {}, 404),
        (
            "/organizer/petitions/{their_petition}/paper/sheets/{sheet}/removal",
            {"reason": "Entered twice"},
            404,
        ),
        (
            "/organizer/cases/{their_case}/letters/batches/replies/{reply}/consent",
            {"consent-consent": "prisoner"},
            404,
        ),
    ],
    ids=[
        "delete-entry",
        "edit-entry",
        "delete-period",
        "edit-period",
        "hide-comment",
        "show-comment",
        "record-delivery",
        "approve-letter",
        "reject-letter",
        "reroute-held-letter",
        "release-held-letter",
        "delete-ready-text",
        "delete-holiday",
        "deliver-batch",
        "remove-paper-sheet-confirm",
        "remove-paper-sheet",
        "consent-to-reply",
    ],
)
def test_an_organizer_cannot_reach_another_cases_objects_through_their_own_case(
    path: str,
    data: dict[str, str],
    status: int,
    world: World,
    organizer_browser: OrganizerBrowser,
) -> None:
    values = {
        **world.values,
        "their_case": world.other_values["case"],
        "their_petition": world.other_values["petition"],
    }
    log_in(organizer_browser, STRANGER)
    before = snapshot()

    answer = organizer_browser.post(
        path.format(**values), {key: value.format(**values) for key, value in data.items()}
    )

    assert answer.status_code == status
    assert_reveals_nothing(answer, world)
    assert snapshot() == before
