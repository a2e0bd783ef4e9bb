"""The public pages of a round: home, case page, petition page from the cache and rendered.

Each is a wrk run of ``--counter-duration`` seconds, taken as a ratio to the round's /livez:

- ``home``, ``case``: repeated GETs of ``/`` and ``/cases/<slug>`` (200s).
- ``petition_cached``: repeated GETs of ``/p/<slug>``, as readers reloading it. With a server
  cache of rendered pages these are its hits; without one every GET is rendered.
- ``petition_304``: the same with ``If-None-Match`` of its ETag (304s), when the page sends one.
- ``petition_rendered``: every GET with a query no request had before (``?ref=rd<n>``), which a
  cache keyed on the whole URL cannot answer. Since the petition page keeps its body once per
  generation and language with slots for the ticket and the source (signing/views.py), this is
  the cost of filling them, not of a full rendering: the in-process harness times that one
  (bench/suspects.py, ``page_timings``).

What was measured is written down from the petition page's own answer (``Round.page_cache``):
its Cache-Control, ETag, Vary and cookie, and whether a fresh ``?ref=`` came back in the form (the
page was rendered for that URL, not served from another URL's entry). So the figures say which
they are before and after a page cache is added.
"""

from __future__ import annotations

import secrets
import urllib.request
from dataclasses import dataclass

from bench.load import Wrk, hidden_fields
from bench.rounds import Round
from bench.servers import Backend
from bench.settings import SLUG

#: The keys of Round.pages, in the order of the table, and what each row says.
PAGE_ROWS = (
    ("home", "home page `/` 200"),
    ("case", "case page `/cases/<slug>` 200"),
    ("petition_cached", "petition page 200, repeated (from the cache)"),
    ("petition_304", "petition page 304 (If-None-Match)"),
    ("petition_rendered", "petition page 200, fresh `?ref=` (kept page, slots filled in)"),
)

#: Which target (bench/settings.py TARGETS) each row is held to.
PAGE_TARGETS = {
    "home": "home",
    "case": "case",
    "petition_cached": "petition_cached",
    "petition_304": "petition_cached",
    "petition_rendered": "petition_rendered",
}


def case_slug(backend: Backend) -> str:
    """The slug of the demo petition's case."""
    return str(
        backend.scalar(
            "SELECT c.slug FROM cases c JOIN petitions p ON p.case_id = c.id WHERE p.slug = :s",
            s=SLUG,
        )
    )


def _get(url: str) -> tuple[dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback only
        return {k.lower(): v for k, v in answer.headers.items()}, answer.read().decode()


def echoes_ref(html: str, ref: str) -> bool:
    """Whether the sign form of the page carries ``ref`` as its source (rendered for this URL)."""
    fields = hidden_fields(html, f"/p/{SLUG}/sign", f"/p/{SLUG}")
    return fields is not None and f"source={ref}" in fields.split("&")


def describe_cache(headers: dict[str, str], echoed: bool) -> str:
    """What the petition page's answer says of caching, for the report."""
    said = ", ".join(
        f"{name} `{headers[name]}`" for name in ("cache-control", "etag", "vary") if name in headers
    )
    cookie = "sets a cookie" if "set-cookie" in headers else "sets no cookie"
    rendered = (
        "a fresh `?ref=` came back in the form (rendered for that URL)"
        if echoed
        else "a fresh `?ref=` did not come back in the form: the 'rendered' figure may be cached"
    )
    return f"{said or 'no Cache-Control, ETag or Vary'}; {cookie}; {rendered}"


@dataclass
class PageRuns:
    """The page runs of a round, given the case page's path (looked up once per back end)."""

    case_path: str

    def measure(self, result: Round, wrk: Wrk, base: str) -> None:
        petition = f"/p/{SLUG}"
        for key, path in (("home", "/"), ("case", self.case_path), ("petition_cached", petition)):
            _get(f"{base}{path}")  # warm whatever cache there is
            run = wrk.run(f"{base}{path}", duration=wrk.counter_duration)
            result.pages[key] = run.per_second(200)
            if set(run.statuses) != {200}:
                result.checks.append(f"{path} answered {run.status_text()}")
        headers, _ = _get(f"{base}{petition}")
        if etag := headers.get("etag"):
            conditional = wrk.run(
                f"{base}{petition}",
                headers=[f"If-None-Match: {etag}"],
                duration=wrk.counter_duration,
            )
            result.pages["petition_304"] = conditional.per_second(304)
            if set(conditional.statuses) != {304}:
                result.checks.append(
                    f"{petition} with If-None-Match answered {conditional.status_text()}"
                )
        rendered = wrk.run(f"{base}{petition}", "fresh", duration=wrk.counter_duration)
        result.pages["petition_rendered"] = rendered.per_second(200)
        if set(rendered.statuses) != {200}:
            result.checks.append(f"{petition}?ref=… answered {rendered.status_text()}")
        ref = f"rdcheck{secrets.token_hex(4)}"
        _, html = _get(f"{base}{petition}?ref={ref}")
        result.page_cache = describe_cache(headers, echoes_ref(html, ref))
