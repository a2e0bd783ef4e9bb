"""The public pages' answers: rendered once per language and few seconds, cacheable by anyone.

Home, case, petition and verify pages and the embedded form and counter are the same for
every visitor of a language (no session cookie, no per-visitor token: the sign forms carry
the shared ticket of petitions/tokens.py). So each is rendered once per COUNT_CACHE_SECONDS and
language into Flask-Caching's ``cache`` (Redis in production: shared by every instance), with a
one-second copy in each process in front of it, as the public counts are
(petitions/counting/public.py). Answers carry an ETag (a matching If-None-Match gets a 304),
``Cache-Control: public, max-age=0, s-maxage=…, stale-while-revalidate=…, stale-if-error=…``
and ``Vary: Accept-Language``, so nginx and CDNs may keep them too (see cache_control).

Freshness: every kept page is dropped at once in the process that commits a change a public
page shows (any ORM write to the tables below, and signing's count_changed signal, which
signing/views.py connects), in the shared cache for all instances; other processes follow
within their one-second copy. So no page is older than COUNT_CACHE_SECONDS plus a second.
Dropping works by a generation number that is part of every key: one write drops all pages
(organizer edits are rare; a confirmation changes the home, case and petition pages alike).

A page whose URL changes only a slot of it (the petition page's ``?ref=``, its sign form's
ticket) keeps the rest as a part (kept_part), under the same generation, language and expiry,
and fills the slots per URL: a fresh ``?ref=`` costs no query and no template.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cachetools import TTLCache
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from petitions.extensions import cache
from petitions.memo import Memo
from petitions.sessions import PUBLIC_PAGES

#: Tables whose rows public pages show: a committed write to one drops every kept page.
#: Named, not imported: this shared module knows no area.
PAGE_TABLES = frozenset(
    {"cases", "case_portraits", "timeline_entries", "timeline_photos", "image_variants",
     "detention_periods", "petitions", "signatures", "bundles", "deliveries", "partners",
     "content_translations", "letters", "letter_settings", "letter_holidays",
     "letter_ready_texts", "letter_batches", "letter_deliveries", "letter_replies"}
)  # fmt: skip

_GENERATION = "public-pages:generation"
#: The second, in-process layer: at most this old, then asked of the shared cache again.
_LOCAL_SECONDS = 1.0

#: What the two layers keep: a whole Page, or a part of one (its HTML).
_Kept = TypeVar("_Kept")

_local_pages: Memo[str, Page] = Memo(
    "petitions.public_pages", lambda config: TTLCache(maxsize=4096, ttl=_LOCAL_SECONDS)
)
_local_parts: Memo[str, str] = Memo(
    "petitions.public_pages.parts", lambda config: TTLCache(maxsize=1024, ttl=_LOCAL_SECONDS)
)
_local_generation: Memo[str, str] = Memo(
    "petitions.public_pages.generation", lambda config: TTLCache(maxsize=1, ttl=_LOCAL_SECONDS)
)


@dataclass(frozen=True)
class Page:
    body: bytes
    #: A weak ETag (``W/``): two renderings that differ only in their sign form's ticket are the
    #: same page. Each rendering signs a ticket of its own, so without this every worker process
    #: (or instance) keeping its own copy would answer a browser's If-None-Match with a 200; the
    #: browser keeps its copy, whose ticket stays good for EMBED_TICKET_MAX_AGE.
    etag: str

    @classmethod
    def of(cls, html: str) -> Page:
        body = html.encode()
        return cls(body=body, etag=hashlib.sha256(_TICKET.sub(rb"\1", body)).hexdigest()[:32])


#: The sign forms' ticket in a page (the site's form names it csrf_token, the embed's ticket).
_TICKET = re.compile(rb'(<input[^>]*\bname="(?:csrf_token|ticket)"[^>]*\bvalue=")[^"]*')


def _generation() -> str:
    found = _local_generation.get(_GENERATION)
    if found is None:
        found = str(cache.get(_GENERATION) or "0")
        _local_generation.set(_GENERATION, found)
    return found


def forget_all() -> None:
    """Drop every kept public page (for all instances; others' one-second copies expire)."""
    fresh = secrets.token_hex(8)
    cache.set(_GENERATION, fresh, timeout=0)
    _local_generation.set(_GENERATION, fresh)


_COUNT_DROPPED = "public-pages:count-dropped"


def forget_for_count() -> None:
    """Drop every kept page for a change only the count shows, at most once a few seconds.

    The first change in PUBLIC_PAGE_COUNT_SECONDS drops them at once (a quiet petition shows its
    new count at the next view); later ones in that window leave the pages kept, which then
    expire on their own within COUNT_CACHE_SECONDS. ``cache.add`` is atomic (Redis SET NX), so
    every instance shares one window.
    """
    window = int(current_app.config["PUBLIC_PAGE_COUNT_SECONDS"])
    if window <= 0 or cache.add(_COUNT_DROPPED, 1, timeout=window):
        forget_all()


def _key(kind: str, where: str) -> str:
    """The cache key of a kept page or part: its generation and language, and a digest of
    what else its body depends on (``where``)."""
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"{kind}:v1:{_generation()}:{get_locale()}:{digest}"


def _kept(
    key: str, local: Memo[str, _Kept], kind: type[_Kept], render: Callable[[], _Kept]
) -> _Kept:
    """Return what is kept under ``key``: this process's copy, the shared one, or a new one.

    Two layers for pages and parts alike: a one-second copy in the process in front of the
    shared cache (Redis in production), which keeps it for COUNT_CACHE_SECONDS at most.

    :param render: makes it when neither layer has it; it may abort (404), and then nothing
        is kept.
    """
    found = local.get(key)
    if found is None:
        shared = cache.get(key)
        if isinstance(shared, kind):
            found = shared
            local.set(key, found)
        else:
            found = _render_once(key, local, render)
    return found


#: The keys being rendered in this process now, each with the lock its renderer holds.
_rendering: dict[str, threading.Lock] = {}
_rendering_guard = threading.Lock()


def _render_once(key: str, local: Memo[str, _Kept], render: Callable[[], _Kept]) -> _Kept:
    """Render what ``key`` names once in this process, however many threads miss it at once.

    Each count change drops the kept pages, and under a crowd all four threads of a worker met
    the dropped page together and rendered it four times over, each slowed by the others (a
    reader's p99 tripled). Now the first renders and the others wait for its copy. By hand, as
    a lock per key: cachetools' ``cached(condition=…)`` does the same for one cache, not for the
    two layers here. A part never renders a page, so the nested locks (a page rendering its
    part) cannot deadlock.
    """
    with _rendering_guard:
        lock = _rendering.setdefault(key, threading.Lock())
    with lock:
        try:
            found = local.get(key)
            if found is None:  # not rendered by the thread this one waited for
                found = render()
                cache.set(key, found, timeout=current_app.config["COUNT_CACHE_SECONDS"])
                local.set(key, found)
            return found
        finally:
            with _rendering_guard:
                if _rendering.get(key) is lock:
                    del _rendering[key]


def kept_part(name: str, render: Callable[[], str]) -> str:
    """Return a part of this page that no query but ``?lang=`` changes, rendering it if needed.

    A page with per-URL slots (the petition page's ``?ref=`` in its sign form) renders the rest
    once and fills the slots per URL. The part is kept as the pages are (``_kept``, the
    generation and language in its key), so it is never older than a kept page: a write that
    drops the pages drops it too.

    :param render: renders the part; it may abort (404), and then nothing is kept.
    """
    # ?lang= is the one other query the body shows: the links carry a language it names on
    # (_keep_language); any other value shows as none, so it makes no part of its own.
    chosen = request.args.get("lang")
    language = chosen if chosen in current_app.config["LANGUAGES"] else ""
    key = _key("public-part", f"{name}:{request.path}?lang={language}")
    return _kept(key, _local_parts, str, render)


def cache_control() -> str:
    """Return the Cache-Control of a public page, from the settings.

    Shared caches (nginx, a CDN) keep a page COUNT_CACHE_SECONDS (``s-maxage``); a browser
    asks again on every view (``max-age=0``) with the page's ETag and mostly gets a 304 from
    the kept copy. Its own copy would show the count as it was up to max-age ago, and a signer
    who has just confirmed, and follows the link back to the petition, must see it risen.
    """
    config = current_app.config
    return (
        f"public, max-age=0, s-maxage={config['COUNT_CACHE_SECONDS']}, "
        f"stale-while-revalidate={config['PUBLIC_STALE_WHILE_REVALIDATE_SECONDS']}, "
        f"stale-if-error={config['PUBLIC_STALE_IF_ERROR_SECONDS']}"
    )


def cached_page(render: Callable[[], str]) -> Response:
    """Answer with the kept rendering of this page in this language, rendering it if needed.

    :param render: renders the page (a 200); it may abort (404), and then nothing is kept.
    """
    # The body depends on the path, the query (?ref=, an embed's partner, origin and accent) and
    # the language: nothing else (no cookie, no header but Accept-Language through the locale).
    query = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
    key = _key("public-page", f"{request.path}?{query}")
    page = _kept(key, _local_pages, Page, lambda: Page.of(render()))
    current = request.if_none_match.contains_weak(page.etag)
    response = Response(status=304) if current else Response(page.body, mimetype="text/html")
    response.set_etag(page.etag, weak=True)
    response.vary.add("Accept-Language")
    if g.get("language_from_session"):
        # The language came from the browser's session cookie: for this browser only.
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    else:
        response.headers["Cache-Control"] = cache_control()
    return response


# --- dropping kept pages when what they show changes ---------------------------------------

_DIRTY = "petitions.public_pages.dirty"


def _table_of(entity: Any) -> str | None:
    table = getattr(entity, "__table__", None)
    return getattr(table, "name", None)


def _note_flush(session: Session, flush_context: Any, instances: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_table_of(type(instance)) in PAGE_TABLES for instance in changed):
        session.info[_DIRTY] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in PAGE_TABLES:
            state.session.info[_DIRTY] = True


def unseen(session: Session) -> None:
    """Say that what ``session``'s transaction wrote so far is on no public page: its commit
    leaves the kept pages kept.

    For writes to a table of PAGE_TABLES that no public page shows: a pending letter, or its
    confirmation, waits for an organizer's approval before any page counts or shows it. A
    birthday's crowd of letters would otherwise drop every kept page at every letter. Call it
    just before the commit, after the last write (a write after it marks the session again).
    """
    session.info.pop(_DIRTY, None)


def _after_commit(session: Session) -> None:
    if session.info.pop(_DIRTY, False) and has_app_context():
        forget_all()


def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


def _public_page_flag() -> dict[str, object]:
    # base.html leaves the organizer's menu (which reads the session) off public pages.
    return {"public_page": has_request_context() and request.endpoint in PUBLIC_PAGES}


def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    # A language chosen with ?lang= on a public page lives in the URL, not in a cookie: links to
    # the other public pages and the sign form's action carry it on.
    if not has_request_context():
        return  # a mail or a bundle: their links name their language themselves
    chosen = request.args.get("lang")
    if (
        chosen in current_app.config["LANGUAGES"]
        and request.endpoint in _LINKED
        and endpoint in _LINKED
    ):
        values.setdefault("lang", chosen)


_LINKED = PUBLIC_PAGES | {"signing.sign", "signing.check_inbox"}


def install(app: Flask) -> None:
    """Drop kept pages on every committed write they show; tell templates which pages are public."""
    if not event.contains(Session, "before_flush", _note_flush):
        event.listen(Session, "before_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    app.context_processor(_public_page_flag)
    app.url_defaults(_keep_language)
