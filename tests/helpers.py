"""Helpers that many test modules share: reading pages as a person does, polling, the outbox.

Fixtures live in conftest.py; plain functions live here so a test module imports them by name
(one definition of each, not a copy per module).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from lxml.html import HtmlElement
from werkzeug.test import TestResponse

from petitions.extensions import db
from petitions.mail.models import OutboxMessage

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The `flask` command of the project's virtualenv, as an operator runs it.
FLASK = PROJECT_ROOT / ".venv" / "bin" / "flask"

#: The longest any single wait in the tests may take.
MAX_WAIT = 20.0
#: Every HTTP request to a served app must answer within this.
HTTP_TIMEOUT = 10.0


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` (≤ MAX_WAIT) seconds."""
    assert timeout <= MAX_WAIT
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def run_all(tasks: Iterable[Callable[[], Any]], threads: int, timeout: float) -> None:
    """Run the callables from ``threads`` threads at once; re-raise the first failure."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result(timeout=timeout)


def outbox() -> list[OutboxMessage]:
    """Return every outbox row as the database holds it now (nothing from the identity map)."""
    db.session.rollback()
    return list(
        db.session.execute(
            db.select(OutboxMessage)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )


# --- pages, read as a person reads them ---------------------------------------------------


def text(response: TestResponse) -> str:
    """Return a test client's answer as text (the raw page, for failure messages and markup)."""
    return response.get_data(as_text=True)


def parse(page: str | TestResponse | requests.Response) -> BeautifulSoup:
    """Parse a page (its HTML, or an answer of the test client or of requests)."""
    if isinstance(page, TestResponse):
        page = page.get_data(as_text=True)
    elif isinstance(page, requests.Response):
        page = page.text
    return BeautifulSoup(page, "html.parser")


def one(soup: Tag, selector: str) -> Tag:
    """Return the one element the CSS selector finds, failing if there is none."""
    found = soup.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def elements(tree: HtmlElement, xpath: str) -> list[HtmlElement]:
    """Return the elements an XPath finds in an lxml tree (failing on text or attribute hits)."""
    found = tree.xpath(xpath)
    assert isinstance(found, list)
    hits = [hit for hit in found if isinstance(hit, HtmlElement)]
    assert len(hits) == len(found), f"{xpath!r} finds more than elements"
    return hits


def words(element: Tag) -> str:
    """Return an element's text as a reader sees it: tags gone, runs of spaces one space."""
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


def main_text(page: str | TestResponse | requests.Response) -> str:
    """Return the words of the page's ``<main>``: what a person reads there."""
    return words(one(parse(page), "main"))


def count_shown(page: str | TestResponse | requests.Response) -> int:
    """Return the signature count a petition page shows."""
    shown_count = one(parse(page), '[data-testid="signature-count"]').get_text()
    assert re.fullmatch(r"[\d,]+", shown_count), f"not a count: {shown_count!r}"
    return int(shown_count.replace(",", ""))


def count_on_page(site: FlaskClient | str, slug: str) -> int:
    """Return the count a petition's public page shows, through the test client or over HTTP."""
    if isinstance(site, str):
        return count_shown(requests.get(f"{site}/p/{slug}", timeout=HTTP_TIMEOUT))
    return count_shown(site.get(f"/p/{slug}"))


def count_in_api(site: FlaskClient | str, slug: str) -> int:
    """Return the count the public JSON API gives, through the test client or over HTTP."""
    if isinstance(site, str):
        answer = requests.get(f"{site}/api/v1/petitions/{slug}", timeout=HTTP_TIMEOUT)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["signature_count"])
    return int(site.get(f"/api/v1/petitions/{slug}").get_json()["signature_count"])


def count_select_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of each <select> field rendered from now on (to see a list drawn once)."""
    from wtforms.widgets import Select

    rendered: list[str] = []
    real = Select.__call__

    def counting(self: Select, field: Any, **kwargs: Any) -> Any:
        rendered.append(field.name)
        return real(self, field, **kwargs)

    monkeypatch.setattr(Select, "__call__", counting)
    return rendered
