"""Outside judges on the pages a supporter sees: axe-core (accessibility) and the Nu validator.

Headless Chromium opens every public page of one signing, in English and in Belarusian, on the
live server: home, case, petition (fresh, and shown again after a bad sign), check-your-inbox,
the confirm link and the confirmed page, the embedded form and counter, and a bundle's verify
page. axe-core runs in each page as rendered (all its rules, best practices included); the HTML
each page was served with goes to the Nu HTML validator, all files in one Java run.

The judges come from package.json (`make judges`, which `make test` runs: `npm ci`); the Nu
validator needs Java. Missing tools fail the test; ``PETITIONS_SKIP_JUDGES=1`` skips it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page, Response

from petitions.bundles.models import Bundle, Delivery
from petitions.cases.models import (
    Case,
    DetentionPeriod,
    EntryKind,
    Petition,
    Portrait,
    TimelineEntry,
    TimelinePhoto,
)
from petitions.clock import utcnow
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.tokens import confirm_token
from tests.factories import (
    confirmed_signature,
    open_petition,
    pending_signature,
    quarantined_signature,
)
from tests.helpers import PROJECT_ROOT
from tests.journeys.conftest import Console, open_tab

pytestmark = pytest.mark.browser

NODE_MODULES = PROJECT_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: A short run's JVM: compile little (C1 only; its deeper frames need a larger stack) and
#: collect garbage on one thread, so the one validation starts fast on a busy machine.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss8m", "-XX:+UseSerialGC")

PARTNER_ORIGIN = "https://amnesty.example"
PARTNER_PAGE = "https://amnesty.example/campaigns/ales"
FINGERPRINT = "2adee5a93b2a9c5d0c909961345ad8dfe03a48d717cc9dec2cb4b10dde8de3d8"

#: Rules switched off on one page only, each with the reason it does not apply there.
EXCLUDED_RULES: dict[str, dict[str, str]] = {
    # The counter is a few words and a number shown in an iframe inside a partner's campaign
    # page, whose own <h1> heads it: a first-level heading in the frame would give the
    # partner's page a second one, read out by screen readers in the middle of their text.
    "embed counter": {"page-has-heading-one": "a widget framed inside a partner's page"},
}


@dataclass
class Judged:
    """One page as a supporter saw it: where, in which language, and what it was served as."""

    name: str
    language: str
    url: str
    html: str
    violations: list[dict[str, Any]]

    @property
    def label(self) -> str:
        return f"{self.name} [{self.language}] {self.url}"


@pytest.fixture
def java() -> str:
    """Return the java that runs the Nu validator, once both judges are found; else fail
    saying what is missing (or skip, when PETITIONS_SKIP_JUDGES=1 asks for it)."""
    java = shutil.which("java")
    missing = [str(path) for path in (AXE, VNU) if not path.is_file()]
    if java is None:
        missing.append("java (Debian: default-jre-headless; `make system-deps`)")
    if missing:
        reason = "outside judges missing: " + ", ".join(missing)
        if os.environ.get("PETITIONS_SKIP_JUDGES") == "1":
            pytest.skip(f"{reason} (PETITIONS_SKIP_JUDGES=1)")
        pytest.fail(
            f"{reason}. Install them with `make judges` (npm ci from package-lock.json), "
            "or set PETITIONS_SKIP_JUDGES=1 to skip this test on purpose.",
            pytrace=False,
        )
    assert java is not None
    return java


def run_axe(page: Page, name: str) -> list[dict[str, Any]]:
    """Run every axe-core rule (best practices too) but the page's documented exclusions."""
    assert page.evaluate("typeof axe") == "object", f"axe-core did not load in {name}"
    rules = {rule: {"enabled": False} for rule in EXCLUDED_RULES.get(name, {})}
    found = page.evaluate(
        "(rules) => axe.run(document, {rules, resultTypes: ['violations']})", rules
    )
    violations: list[dict[str, Any]] = found["violations"]
    return violations


def served(response: Response | None, expected: int) -> str:
    assert response is not None
    assert response.status == expected, (response.url, response.status)
    return response.text()


def describe_axe(page: Judged) -> list[str]:
    lines = []
    for violation in page.violations:
        for node in violation["nodes"]:
            lines.append(
                f"axe {page.label}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {' '.join(map(str, node['target']))}: {node['html']}"
                f" [{violation['helpUrl']}]"
            )
    return lines


def run_nu(java: str, pages: list[Judged], folder: Path) -> list[str]:
    """Validate every page's served HTML in one Java run; describe each error."""
    files: dict[str, Judged] = {}
    for number, page in enumerate(pages):
        path = folder / f"{number:02d}-{page.name.replace(' ', '-')}-{page.language}.html"
        path.write_text(page.html, encoding="utf-8")
        files[str(path.resolve())] = page
    done = subprocess.run(
        [java, *JVM_OPTIONS, "-jar", str(VNU), "--format", "json", "--verbose"]
        + ["--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # --verbose names each file checked on stdout: a file it could not read is left out
    # silently, and would pass as a page without errors.
    assert done.stdout.split() == list(files), done.stdout + done.stderr
    problems = []
    for message in json.loads(done.stderr)["messages"]:
        if message["type"] == "info":
            continue  # warnings and notes: advice, not errors
        url = message.get("url", "?")  # file:/tmp/…/00-home-en.html
        judged = files.get(url.removeprefix("file:"))
        where = judged.label if judged else url
        problems.append(
            f"Nu {where}: line {message.get('lastLine', '?')}: {message['message']}"
            f" in {message.get('extract', '').strip()!r}"
        )
    return problems


@pytest.fixture
def signing() -> dict[str, Any]:
    """A petition with named signers and comments, a partner, pending signers, signatures set
    aside and a bundle."""
    petition: Petition = open_petition()
    for name, comment in (("Natallia Pinchuk", "Stay strong!"), ("Jan de Vries", "")):
        confirmed_signature(petition, full_name=name, show_name_publicly=True, comment=comment)
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [PARTNER_ORIGIN])
    # Signatures set aside: the petition page and the verify page then publish their figures.
    for reason in ("client-burst", "client-burst", "disposable"):
        quarantined_signature(petition, reason)
    pending = {
        language: pending_signature(petition, locale=language).id for language in ("en", "be")
    }
    db.session.add(
        Bundle(
            petition_id=petition.id,
            fingerprint=FINGERPRINT,
            recipient_name=petition.addressee,
            recipient_address="Anna Paulownastraat 34\n2518 BE Den Haag",
            countries="NL",
            signature_count=2,
            set_aside=json.dumps(
                {
                    "quarantined": 3,
                    "invalidated": 0,
                    "by_reason": {"client-burst": 2, "disposable": 1},
                }
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
    _tell_the_story(petition.case)
    db.session.commit()
    return {"slug": petition.slug, "case": petition.case.slug, "pending": pending}


def _tell_the_story(case: Case) -> None:
    """Give the case what its page shows at most: a portrait, periods, entries with photos."""
    from petitions.cases import pictures, portraits
    from tests.manage.test_portraits import photo

    case.portrait = Portrait()
    pictures.fill(case.portrait, portraits.prepare(photo("JPEG", size=(900, 1200))))
    case.portrait_alt = "Ales Bialiatski in front of the Viasna office"
    case.detentions[0].ended_on = dt.date(2014, 6, 21)
    case.detentions.append(DetentionPeriod(started_on=dt.date(2021, 7, 14), place="Gorki"))
    visit = TimelineEntry(
        happened_on=dt.date(2013, 9, 25), kind=EntryKind.VISIT, title="Birthday visit"
    )
    visit.photo = TimelinePhoto()
    pictures.fill(visit.photo, portraits.prepare(photo("PNG", size=(800, 600))))
    case.timeline = [
        visit,
        TimelineEntry(happened_on=dt.date(2022, 10, 7), kind=EntryKind.AWARD, title="Nobel"),
    ]


def visit_all(page: Page, base: str, language: str, signing: dict[str, Any]) -> list[Judged]:
    """Open every public page in one language, the way a supporter reaches it."""
    slug = signing["slug"]
    judged: list[Judged] = []

    def judge(name: str, html: str) -> None:
        assert f'<html lang="{language}"' in html, f"{name} is not in {language}"
        judged.append(Judged(name, language, page.url, html, run_axe(page, name)))

    def get(name: str, path: str, status: int = 200) -> None:
        join = "&" if "?" in path else "?"
        judge(name, served(page.goto(f"{base}{path}{join}lang={language}"), status))

    get("home", "/")
    get("case page", f"/cases/{signing['case']}")
    get("petition page", f"/p/{slug}")
    # Sent empty: the form comes back with its errors (the form has novalidate).
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("form[action*='/sign'] button[type=submit]").click()
    judge("petition page with errors", served(answer.value, 422))
    get("check-your-inbox page", f"/p/{slug}/check-your-inbox")
    get("confirm page", f"/confirm/{confirm_token(signing['pending'][language])}")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("main form button[type=submit]").click()
    judge("confirmed page", served(answer.value, 200))
    embed = f"?partner=amnesty-nl&origin={PARTNER_ORIGIN}"
    get("embed form", f"/embed/{slug}{embed}&page={PARTNER_PAGE}")
    get("embed counter", f"/embed/{slug}/counter{embed}")
    get("verify page", f"/verify/{FINGERPRINT}")
    return judged


def test_public_pages_pass_axe_core_and_the_nu_validator(
    java: str,
    live_server: str,
    browser: Browser,
    signing: dict[str, Any],
    tmp_path: Path,
) -> None:
    pages: list[Judged] = []
    for language, locale in (("en", "en-GB"), ("be", "be-BY")):
        # The pages' CSP allows no inline script, and axe-core comes in as one.
        tabs: Iterator[Page] = open_tab(browser, Console(), bypass_csp=True, locale=locale)
        tab = next(tabs)
        # Added once to the context, axe-core loads with each page: twice as fast here as
        # page.add_script_tag(), which sends its 650 kB to the browser again for every page.
        tab.context.add_init_script(path=str(AXE))
        pages += visit_all(tab, live_server, language, signing)
        next(tabs, None)  # closes the context
    assert len(pages) == 20
    # The judges saw the published set-aside figures, on the petition page and the verify page.
    for name, marker in (("petition page", "set-aside"), ("verify page", "bundle-set-aside")):
        judged = [BeautifulSoup(p.html, "html.parser") for p in pages if p.name == name]
        assert all(soup.select_one(f'[data-testid="{marker}"]') for soup in judged), name

    problems = [line for page in pages for line in describe_axe(page)]
    problems += run_nu(java, pages, tmp_path)
    assert not problems, f"{len(problems)} findings of the outside judges:\n" + "\n".join(problems)


@pytest.fixture
def defended() -> dict[str, Any]:
    """A petition under attack as its organizer sees it: a trending domain, signatures in
    quarantine, an invalidation done, an admin-edited mail rule; and an admin who runs it."""
    from petitions.defence import addresses
    from petitions.signing import invalidations
    from tests.factories import organizer

    petition: Petition = open_petition()
    for n in range(20):
        confirmed_signature(petition, email=f"bot{n}@flood.example")
    for n in range(3):
        quarantined_signature(petition, "client-burst", email=f"q{n}@flood.example")
    pending_signature(petition, full_name="Test Bot", email="test@bots.example")
    made = invalidations.start(petition, invalidations.Rule(name_pattern="test*"), by="t@x.org")
    invalidations.run_to_end(made.id)
    addresses.set_rule("ya.ru", alias_of="yandex.ru", note="Yandex", by="admin@example.org")
    organizer("admin@example.org", admin=True)
    _tell_the_story(petition.case)
    db.session.commit()
    return {
        "slug": petition.slug,
        "case": petition.case.slug,
        "entry": petition.case.timeline[0].id,
        "period": petition.case.detentions[0].id,
    }


def test_the_organizers_defence_pages_pass_axe_core_and_the_nu_validator(
    java: str,
    live_server: str,
    browser: Browser,
    defended: dict[str, Any],
    tmp_path: Path,
) -> None:
    from tests.factories import ORGANIZER_PASSWORD

    tabs: Iterator[Page] = open_tab(browser, Console(), bypass_csp=True, locale="en-GB")
    page = next(tabs)
    page.context.add_init_script(path=str(AXE))
    page.goto(f"{live_server}/organizer/login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", ORGANIZER_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    slug = defended["slug"]
    judged = []
    for name, path in (
        ("dashboard", "/organizer/"),
        ("review page", f"/organizer/petitions/{slug}/review/?domain=flood.example"),
        ("invalidations", f"/organizer/petitions/{slug}/invalidations/"),
        (
            "invalidation preview",
            f"/organizer/petitions/{slug}/invalidations/?preview=1&domain=flood.example",
        ),
        ("bad rule", f"/organizer/petitions/{slug}/invalidations/?preview=1&country=XX"),
        ("email rules", "/organizer/email-rules/"),
        ("petition dashboard", f"/organizer/petitions/{slug}"),
        ("translation", f"/organizer/petitions/{slug}/translations/be"),
        ("organizer case page", f"/organizer/cases/{defended['case']}"),
        ("case translation", f"/organizer/cases/{defended['case']}/translations/be"),
        ("case edit page", f"/organizer/cases/{defended['case']}/edit"),
        ("timeline entry", f"/organizer/cases/{defended['case']}/timeline/{defended['entry']}"),
        ("detention", f"/organizer/cases/{defended['case']}/detentions/{defended['period']}"),
    ):
        html = served(page.goto(f"{live_server}{path}"), 422 if name == "bad rule" else 200)
        judged.append(Judged(name, "en", page.url, html, run_axe(page, name)))
    next(tabs, None)
    dashboard = BeautifulSoup(judged[0].html, "html.parser")
    assert dashboard.select_one('[data-testid="trend"]'), "the judges saw a trend"
    invalidations_page = BeautifulSoup(judged[2].html, "html.parser")
    assert invalidations_page.select_one('[data-testid="invalidation"] progress')

    problems = [line for each in judged for line in describe_axe(each)]
    problems += run_nu(java, judged, tmp_path)
    assert not problems, f"{len(problems)} findings of the outside judges:\n" + "\n".join(problems)
