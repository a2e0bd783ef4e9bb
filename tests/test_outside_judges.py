"""Outside judges on every page of the site: axe-core (accessibility) and the Nu validator.

The pages are not listed by hand: every GET route of the app (``app.url_map``) is filled from
the data made below (FILLERS) and asked for, and every one that answers HTML is judged, so a
page added later cannot escape the judges. A route whose parameters no filler knows, or that
does not answer 200 when filled, fails the test until FILLERS (or EXCLUDED, with a reason)
says how. Public pages are judged in English and in Belarusian, as a visitor opens them;
organizer pages in English, as a logged-in admin opens them; a few states reached by a form
(the sign form's errors, the confirmed and withdrawn pages), by a query (VARIANTS) and the
not-found page too.

axe-core runs in each page as rendered in headless Chromium (all its rules, best practices
included); the HTML each page was served with goes to the Nu HTML validator, every page in one
Java run. The judges come from package.json (tests/judges.py).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from playwright.sync_api import Browser, Page
from werkzeug.routing import Rule

from petitions.bundles.models import Bundle, Delivery
from petitions.cases import pictures, portraits, translations
from petitions.cases.models import EntryKind, Petition, Portrait, TimelineEntry, TimelinePhoto
from petitions.clock import utcnow
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.letters import batches as letter_batches
from petitions.letters import deliveries as letter_deliveries
from petitions.letters import settings as letter_settings
from petitions.letters.models import Channel, Consent, LetterState, Occasion, Outcome, PaperSize
from petitions.paper import removal
from petitions.paper import services as paper
from petitions.paper.models import PairStatus
from petitions.tokens import (
    confirm_token,
    holdings_token,
    letter_confirm_token,
    letter_withdraw_token,
    updates_token,
    withdraw_token,
)
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    demo_campaign,
    detained_case,
    letter,
    open_letters,
    organizer,
    pending_signature,
    quarantined_signature,
)
from tests.journeys.conftest import Console, open_tab
from tests.judges import Judged, describe_axe, load_axe, require_judges, run_axe, run_nu
from tests.manage.test_portraits import photo
from tests.updates.conftest import consenting_signature, written_update

pytestmark = pytest.mark.browser

PARTNER_ORIGIN = "https://amnesty.example"
PARTNER_PAGE = "https://amnesty.example/campaigns/ales"
FINGERPRINT = "2adee5a93b2a9c5d0c909961345ad8dfe03a48d717cc9dec2cb4b10dde8de3d8"
ADMIN = "admin@example.org"
PUBLIC_LANGUAGES = (("en", "en-GB"), ("be", "be-BY"))


@dataclass
class World:
    """What the pages show: the demo campaign under attack, signed, embedded and delivered."""

    case: str
    petition: str
    portrait: str
    invalidation: int
    #: A detention period and a timeline entry (with a photo) of the case; a portrait copy's width.
    period: int
    entry: int
    width: int
    #: Per language, a pending signature's id (its confirm link) and a confirmed one's
    #: (its withdraw link): each language's pass presses both buttons.
    pending: dict[str, int] = field(default_factory=dict)
    confirmed: dict[str, int] = field(default_factory=dict)
    #: Per language, a pending letter's id (its confirm link) and a confirmed one's (withdraw).
    letter_pending: dict[str, int] = field(default_factory=dict)
    letter_confirmed: dict[str, int] = field(default_factory=dict)
    #: A printed batch of letters' fingerprint (its verify page).
    letter_batch: str = ""
    #: A case whose organizers closed its letters (its write page says so, with no form).
    letters_closed: str = ""
    #: Per language, a consenting signer's signature (their update preferences and unsubscribe
    #: pages), and an update of the petition, written in two languages.
    updates: dict[str, int] = field(default_factory=dict)
    update: int = 0
    #: A paper sheet still counted (its removal's confirm page).
    sheet: int = 0


#: How to fill each URL parameter of a GET route, from the World and the page's language: by
#: (the path segment before the parameter, its name), else by its name alone. A new route with
#: a new parameter needs a line here.
FILLERS: dict[str | tuple[str, str], Callable[[World, str], str | int]] = {
    ("cases", "slug"): lambda world, _: world.case,
    "slug": lambda world, _: world.petition,
    "digest": lambda world, _: world.portrait,
    ("confirm", "token"): lambda world, lang: confirm_token(world.pending[lang]),
    ("withdraw", "token"): lambda world, lang: withdraw_token(world.confirmed[lang]),
    ("confirm-letter", "token"): lambda world, lang: letter_confirm_token(
        world.letter_pending.get(lang, 0)
    ),
    ("withdraw-letter", "token"): lambda world, lang: letter_withdraw_token(
        world.letter_confirmed.get(lang, 0)
    ),
    ("holdings", "token"): lambda world, lang: holdings_token(signature_id=world.confirmed[lang]),
    "fingerprint": lambda world, _: FINGERPRINT,
    ("letter-batches", "fingerprint"): lambda world, _: world.letter_batch,
    "language": lambda world, _: "be",
    ("preview", "lang"): lambda world, lang: lang,
    "invalidation_id": lambda world, _: world.invalidation,
    "period_id": lambda world, _: world.period,
    "entry_id": lambda world, _: world.entry,
    "width": lambda world, _: world.width,
    ("updates", "token"): lambda world, lang: updates_token(world.updates.get(lang, 0)),
    "update_id": lambda world, _: world.update,
    "sheet_id": lambda world, _: world.sheet,
}

#: The query a route needs to show its page (beyond ?lang=), by endpoint.
QUERIES = {
    "embeds.form": f"partner=amnesty-nl&origin={PARTNER_ORIGIN}&page={PARTNER_PAGE}",
    "embeds.counter": f"partner=amnesty-nl&origin={PARTNER_ORIGIN}",
}

#: GET routes not asked for at all, each with the reason.
EXCLUDED = {
    "static": "the files of static/, never HTML",
}

#: Public routes an organizer's browser does not open: the organizer area's own public door.
OPENED_LOGGED_OUT = {"accounts.login"}

#: Public pages no route names: (name, path, expected status).
PUBLIC_VARIANTS = (
    ("not found page", "/p/no-such-petition", 404),
    ("letters closed page", "/cases/{letters_closed}/write", 200),
    # What a site that is not the partner's shows in the frame instead of the form (a 403).
    (
        "embed notice",
        "/embed/{petition}?partner=amnesty-nl&origin=https://elsewhere.example",
        403,
    ),
)

#: More states of organizer pages, reached by a query: (name, path, expected status).
VARIANTS = (
    ("review of a domain", "/organizer/petitions/{petition}/review/?domain=flood.example", 200),
    (
        "invalidation preview",
        "/organizer/petitions/{petition}/invalidations/?preview=1&domain=flood.example",
        200,
    ),
    ("bad rule", "/organizer/petitions/{petition}/invalidations/?preview=1&country=XX", 422),
)

#: Pages reached by pressing a form's button on a judged page: (its name, status), by endpoint.
PRESSED = {
    "signing.petition": ("petition page with errors", 422),  # sent empty (novalidate)
    "signing.confirm": ("confirmed page", 200),
    "signing.withdraw": ("withdrawn page", 200),
    "letters.write": ("write page with errors", 422),  # the letter sent empty (novalidate)
    "paper.index": ("paper sheet with errors", 422),  # the typed-in sheet sent empty
    "letters.confirm": ("letter confirmed page", 200),
    "letters.withdraw": ("letter withdrawn page", 200),
    "retention.holdings": ("holdings mailed page", 200),
}

#: Rules switched off on one page only, each with the reason it does not apply there.
EXCLUDED_RULES: dict[str, dict[str, str]] = {
    # The counter is a few words and a number shown in an iframe inside a partner's campaign
    # page, whose own <h1> heads it: a first-level heading in the frame would give the
    # partner's page a second one, read out by screen readers in the middle of their text.
    "embeds.counter": {"page-has-heading-one": "a widget framed inside a partner's page"},
}


@pytest.fixture
def world() -> World:
    """The demo campaign (with its translations and timeline) and a portrait; named signers
    with comments, a partner, pending signers, signatures set aside, a bundle and its delivery;
    a flood from one domain, an invalidation done, an admin-edited mail rule, and its admin."""
    from petitions.defence import addresses
    from petitions.signing import invalidations

    petition: Petition = demo_campaign()
    case = petition.case
    # A portrait large enough for its phone-sized copies (srcset), with its alt text; a
    # timeline entry with a photo of its own.
    prepared = portraits.prepare(photo("JPEG", size=(900, 1200)))
    case.portrait = Portrait()
    pictures.fill(case.portrait, prepared)
    case.portrait_alt = "Ales Bialiatski in front of the Viasna office"
    visit = TimelineEntry(
        happened_on=dt.date(2013, 9, 25), kind=EntryKind.VISIT, title="Birthday visit"
    )
    visit.photo = TimelinePhoto()
    pictures.fill(visit.photo, portraits.prepare(photo("PNG", size=(800, 600))))
    case.timeline.append(visit)
    db.session.commit()
    for name, comment in (("Natallia Pinchuk", "Stay strong!"), ("Jan de Vries", "")):
        confirmed_signature(petition, full_name=name, show_name_publicly=True, comment=comment)
    for n in range(20):
        confirmed_signature(petition, email=f"bot{n}@flood.example")
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    # A paper sheet: one signer also online (counted once), two doubtful pairs, one decided.
    entered = paper.enter_sheet(
        petition,
        paper.SheetDetails(1, "Stall at Dam Square", dt.date(2024, 5, 1)),
        [
            paper.PaperSigner("Natallia Pinchuk", "Minsk", "BY"),
            paper.PaperSigner("Jan de Vries", "Utrecht", "NL", "jan@example.org"),
            paper.PaperSigner("Olga Paper", "Vilnius", "LT"),
        ],
        by=ADMIN,
        organizer_id=None,
    )
    assert entered.pairs == {PairStatus.DOUBTFUL: 2}
    first = paper.pairs_of(petition.id, [PairStatus.DOUBTFUL])[0]
    paper.decide_pair(petition, first.id, True, by=ADMIN, organizer_id=None)
    # A sheet entered twice, removed: the list shows it removed, with its reason.
    twice = paper.enter_sheet(
        petition,
        paper.SheetDetails(2, "Stall at Dam Square", dt.date(2024, 5, 1)),
        [paper.PaperSigner("Olga Paper", "Vilnius", "LT")],
        by=ADMIN,
        organizer_id=None,
    )
    removal.remove_sheet(petition, twice.sheet.id, "Sheet 1 again", by=ADMIN, organizer_id=None)
    # Signatures set aside: the petition page and the verify page then publish their figures.
    for n, reason in enumerate(("client-burst", "client-burst", "disposable")):
        quarantined_signature(petition, reason, email=f"q{n}@flood.example")
    pending_signature(petition, full_name="Test Bot", email="test@bots.example")
    made = invalidations.start(petition, invalidations.Rule(name_pattern="test*"), by=ADMIN)
    invalidations.run_to_end(made.id)
    addresses.set_rule("ya.ru", alias_of="yandex.ru", note="Yandex", by=ADMIN)
    organizer(ADMIN, admin=True)
    made_world = World(
        case.slug,
        petition.slug,
        prepared.digest,
        made.id,
        period=case.detentions[0].id,
        entry=visit.id,
        width=prepared.variants[0].width,
        sheet=entered.sheet.id,
    )
    for language, _ in PUBLIC_LANGUAGES:
        made_world.pending[language] = pending_signature(petition, locale=language).id
        made_world.confirmed[language] = confirmed_signature(petition, locale=language).id
        made_world.updates[language] = consenting_signature(petition, locale=language).id
    news = written_update(
        organizer("writer@amnesty.example"),
        {"en": ("He was moved", "To another colony."), "be": ("Яго перавялі", "У іншую.")},
        petition=petition,
    )
    made_world.update = news.id
    # Letters: open, with a wall, a ready text translated, a holiday, and letters in each state
    # the organizers' queue and the wall show.
    open_letters(case, rules="Пішыце пра кнігі, музыку і надвор'е.")
    ready = letter_settings.add_ready_text(
        case, "be", "Дарагі Алесь, з днём нараджэння!", Occasion.BIRTHDAY
    )
    translations.save(ready, "en", {"text": "Dear Ales, happy birthday!"}, ADMIN)
    db.session.commit()
    letter_settings.add_holiday(case, "Kupalle", dt.date(2024, 7, 7))
    letter(case, LetterState.CONFIRMED, writer_name="Lena", city="Gent", country="BE")
    letter(case, LetterState.QUARANTINED, set_aside_reason="client-burst")
    letter(case, LetterState.APPROVED, show_name=False)
    letter(case, LetterState.REJECTED)
    # A held letter (the case's status or place changed), listed with its two actions.
    letter(case, LetterState.HELD, held_reason="place", held_at=utcnow(), writer_name="Held")
    letter(case, LetterState.APPROVED, writer_name="Printed Writer", show_name=True)
    printed = letter_batches.print_batch(case, PaperSize.A5, io.BytesIO(), ADMIN)
    made_world.letter_batch = printed.fingerprint
    closed = detained_case(prisoner_name="Maria Kalesnikava")
    open_letters(closed, is_open=False)
    made_world.letters_closed = closed.slug
    letter_deliveries.record_delivery(
        printed, Channel.POST, Outcome.DELIVERED, dt.date(2024, 6, 20), ADMIN
    )
    letter_deliveries.record_reply(
        case, "Дзякуй за лісты!", dt.date(2024, 6, 2), Consent.FAMILY, ADMIN
    )
    letter_deliveries.record_reply(
        case, "Not yet public.", dt.date(2024, 6, 3), Consent.NONE, ADMIN
    )
    for language, _ in PUBLIC_LANGUAGES:
        made_world.letter_pending[language] = letter(case, LetterState.PENDING, locale=language).id
        made_world.letter_confirmed[language] = letter(case, locale=language).id
    db.session.add(
        Bundle(
            petition_id=petition.id,
            fingerprint=FINGERPRINT,
            recipient_name=petition.addressee,
            recipient_address="Anna Paulownastraat 34\n2518 BE Den Haag",
            countries="NL",
            language="nl",
            signature_count=2,
            set_aside=json.dumps(
                {"quarantined": 3, "invalidated": 1, "by_reason": {"client-burst": 2}}
            ),
            generated_at=utcnow(),
        )
    )
    db.session.add(
        Delivery(
            petition_id=petition.id,
            recipient=petition.addressee,
            delivered_on=dt.date.today(),
            fingerprint=FINGERPRINT,
            signature_count=2,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    return made_world


_PARAMETER = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def fill(rule: Rule, world: World, language: str) -> dict[str, Any]:
    """Return the values of a rule's parameters, or fail naming the one no filler knows."""
    values: dict[str, Any] = {}
    segments = rule.rule.split("/")
    for before, segment in zip(["", *segments], segments, strict=False):
        for name in _PARAMETER.findall(segment):
            filler = FILLERS.get((before, name)) or FILLERS.get(name)
            if filler is None:
                pytest.fail(
                    f"No filler for <{name}> in {rule.rule} ({rule.endpoint}): add one to "
                    "FILLERS in tests/test_outside_judges.py, so the judges see the page.",
                    pytrace=False,
                )
            values[name] = filler(world, language)
    return values


def get_routes(app: Flask) -> list[Rule]:
    """Every GET route of the app but the EXCLUDED ones, in a stable order."""
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.endpoint not in EXCLUDED
        ),
        key=lambda rule: rule.rule,
    )


def is_organizers(rule: Rule) -> bool:
    return rule.rule.startswith("/organizer/") and rule.endpoint not in OPENED_LOGGED_OUT


@dataclass
class Visit:
    """One pass of the judges through the site in one browser context."""

    page: Page
    base: str
    language: str
    judged: list[Judged] = field(default_factory=list)
    #: Routes that answered something other than HTML, and what.
    not_pages: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def judge(self, name: str, html: str, rules: str = "") -> None:
        root = BeautifulSoup(html, "html.parser").html
        said = root.get("lang") if root is not None else None
        if said != self.language:
            self.problems.append(f"{name} at {self.page.url} is in {said!r}, not {self.language}")
        violations = run_axe(self.page, name, EXCLUDED_RULES.get(rules))
        self.judged.append(Judged(name, self.language, self.page.url, html, violations))

    def open(self, name: str, path: str, status: int = 200, rules: str = "") -> None:
        """Ask for a page first without a browser (it may be a file), then judge it."""
        url = f"{self.base}{path}{'&' if '?' in path else '?'}lang={self.language}"
        probe = self.page.context.request.get(url, max_redirects=0)
        kind = probe.headers.get("content-type", "")
        if probe.status != status:
            self.problems.append(
                f"GET {url} ({name}) answered {probe.status}, not {status}: fix its filler"
                " (FILLERS, QUERIES) or exclude it (EXCLUDED) with a reason."
            )
            return
        if not kind.startswith("text/html"):
            self.not_pages[name] = kind
            return
        served = self.page.goto(url)
        assert served is not None
        assert served.status == status, (url, served.status)
        self.judge(name, served.text(), rules or name)

    def press(self, name: str, status: int) -> None:
        """Press the main form's button on the page shown and judge the page it answers."""
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            self.page.locator("main form button[type=submit]").first.click()
        assert answer.value.status == status, (name, answer.value.status)
        self.judge(name, answer.value.text())


def visit_routes(visit: Visit, app: Flask, world: World, organizers: bool) -> None:
    """Open every GET route of one audience (the organizers' or the public's)."""
    with app.test_request_context():
        paths = [
            (rule, url_for(rule.endpoint, **fill(rule, world, visit.language)))
            for rule in get_routes(app)
            if is_organizers(rule) == organizers
        ]
    for rule, path in paths:
        query = QUERIES.get(rule.endpoint)
        visit.open(rule.endpoint, f"{path}?{query}" if query else path)
        pressed = PRESSED.get(rule.endpoint)
        if pressed and visit.judged and visit.judged[-1].name == rule.endpoint:
            visit.press(*pressed)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/organizer/login")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", ORGANIZER_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == f"{base}/organizer/", page.url


def test_every_get_route_can_be_filled(app: Flask) -> None:
    """Cheap and first: each GET route's parameters have a filler (no browser needed)."""
    world = World("a-case", "a-petition", "0" * 64, 1, 1, 1, 320, {"en": 1, "be": 2}, {"en": 3})
    with app.test_request_context():
        for rule in get_routes(app):
            assert url_for(rule.endpoint, **fill(rule, world, "en")).startswith("/")


def test_every_page_passes_axe_core_and_the_nu_validator(
    app: Flask, live_server: str, browser: Browser, world: World, tmp_path: Path
) -> None:
    require_judges()
    visits: list[Visit] = []
    for language, locale in PUBLIC_LANGUAGES:
        tabs = open_tab(browser, Console(), bypass_csp=True, locale=locale)
        tab = next(tabs)
        load_axe(tab.context)
        visits.append(visit := Visit(tab, live_server, language))
        visit_routes(visit, app, world, organizers=False)
        for name, path, status in PUBLIC_VARIANTS:
            visit.open(
                name,
                path.format(petition=world.petition, letters_closed=world.letters_closed),
                status,
            )
        next(tabs, None)  # closes the context
    tabs = open_tab(browser, Console(), bypass_csp=True, locale="en-GB")
    tab = next(tabs)
    load_axe(tab.context)
    log_in(tab, live_server)
    visits.append(visit := Visit(tab, live_server, "en"))
    visit_routes(visit, app, world, organizers=True)
    for name, path, status in VARIANTS:
        visit.open(name, path.format(petition=world.petition), status)
    next(tabs, None)

    pages = [page for each in visits for page in each.judged]
    problems = [problem for each in visits for problem in each.problems]
    problems += [line for page in pages for line in describe_axe(page)]
    problems += run_nu(pages, tmp_path)
    assert not problems, f"{len(problems)} findings of the outside judges:\n" + "\n".join(problems)

    # The enumeration found the pages it must (a broken one would judge nothing and pass).
    names = {page.name for page in pages}
    for expected in (
        "cases.index",
        "signing.petition",
        "confirmed page",
        "not found page",
        "embed notice",
        "about.privacy",
        "letters.write",
        "write page with errors",
        "letter confirmed page",
        "letters.wall",
        "letters closed page",
        "manage_letters.index",
    ):
        assert expected in names, sorted(names)
    not_pages = {name: kind for each in visits for name, kind in each.not_pages.items()}
    assert not_pages["counting.badge"].startswith("image/svg+xml"), not_pages
    # The judges saw the published set-aside figures, the trend and an invalidation's progress.
    for name, marker in (
        ("signing.petition", "set-aside"),
        ("bundles.verify", "bundle-set-aside"),
        ("bundles.verify", "bundle-language"),
        ("manage.dashboard", "trend"),
        ("invalidations.index", "invalidation"),
        ("paper.index", "pair"),
        ("paper.index", "decisions"),
        ("paper sheet with errors", "problems"),
        ("signing.petition", "count-split"),
    ):
        found = [BeautifulSoup(p.html, "html.parser") for p in pages if p.name == name]
        assert found, name
        assert all(soup.select_one(f'[data-testid="{marker}"]') for soup in found), name
