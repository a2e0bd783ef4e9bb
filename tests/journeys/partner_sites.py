"""A partner's web site for the journeys through its embeds: a static page on a loopback address
of its own (127.0.0.2, a copycat on 127.0.0.3), as a partner's CMS would serve it, and helpers
that read the frames embed.js puts in it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Frame, Page

#: Shorter than the default 2 s so the journeys stay quick; the test still waits it out.
MIN_FILL_SECONDS = 1

#: Where the partner put the petition on its site (the query string is the partner's own).
PARTNER_PATH = "/acties/ales-bialiatski?bron=nieuwsbrief"

#: What embed.js gives the form's frame before the frame reports its own height.
INITIAL_FORM_HEIGHT = 900

#: Pixels a resized frame may differ from its content (rounding, the last element's margin).
FIT_TOLERANCE = 24

#: The frames embed.js inserts, by what they show (their titles follow the frame's language).
FORM_FRAME = "iframe[src*='/embed/']:not([src*='/counter'])"
COUNTER_FRAME = "iframe[src*='/embed/'][src*='/counter']"

PARTNER_HTML = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Amnesty Nederland: vrijheid voor Ales Bialiatski</title></head>
<body>
<h1>Vrijheid voor Ales Bialiatski</h1>
<script src="{app}/embed.js" data-petition="{slug}" data-partner="amnesty-nl"
  data-widget="counter" async></script>
<p><img id="badge" src="{app}/badge/{slug}.svg" alt="Aantal handtekeningen"
  width="320" height="64"></p>
<p>Teken de petitie hieronder.</p>
<script src="{app}/embed.js" data-petition="{slug}" data-partner="amnesty-nl" async></script>
<p>Amnesty International Nederland</p>
</body>
</html>
"""


# --- the partner's web site ---------------------------------------------------------------


@dataclass
class PartnerSite:
    """A static page on its own loopback address, as a partner's CMS would serve it."""

    host: str
    html: str
    #: Other pages by path (the query string ignored); every other path gets ``html``.
    pages: dict[str, str] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}"

    def start(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = site.pages.get(urlsplit(self.path).path, site.html).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


StartSite = Callable[..., PartnerSite]


def partner_html(app: str, slug: str) -> str:
    return PARTNER_HTML.format(app=app, slug=slug)


def frame_of(page: Page, selector: str) -> Frame:
    handle = page.locator(selector).element_handle()
    frame = handle.content_frame()
    assert frame is not None, selector
    return frame


def frame_height(page: Page, selector: str) -> float:
    height = page.locator(selector).evaluate("frame => frame.getBoundingClientRect().height")
    return float(height)


def content_height(frame: Frame) -> float:
    """How tall the framed document's content is, however tall its frame is now."""
    height = frame.evaluate(
        """() => {
          const last = document.body.lastElementChild;
          const margin = parseFloat(getComputedStyle(last).marginBottom) || 0;
          return last.getBoundingClientRect().bottom + window.scrollY + margin;
        }"""
    )
    return float(height)


def heights_once_settled(page: Page, selector: str) -> tuple[float, float]:
    """Return the frame's height and its content's, once the frame has caught up (or 2 s)."""
    frame = frame_of(page, selector)
    deadline = time.monotonic() + 2
    while True:
        outer, inner = frame_height(page, selector), content_height(frame)
        if abs(outer - inner) <= FIT_TOLERANCE or time.monotonic() > deadline:
            return outer, inner
        page.wait_for_timeout(50)


def wait_until(condition: Callable[[], bool], page: Page, seconds: float = 2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        page.wait_for_timeout(50)


def fill_in_as_pieter(frame: Any) -> None:
    frame.get_by_label("Full name", exact=True).fill("Pieter Jansen")
    frame.get_by_label("Email", exact=True).fill("pieter@example.org")
    frame.get_by_label("Country", exact=True).select_option(label="Netherlands")
    frame.get_by_label("City or town", exact=True).fill("Utrecht")


def wait_out_min_fill(shown_at: float) -> None:
    """A person takes longer than the minimum fill time; make sure the test does too."""
    time.sleep(max(0.0, shown_at + MIN_FILL_SECONDS + 0.1 - time.monotonic()))
