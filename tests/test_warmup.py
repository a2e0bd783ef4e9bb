"""A server warms its app before forking workers, and a page missed by many threads at once is
rendered once: no reader meets a cold worker or waits for four renderings of the same page."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from jinja2 import TemplateNotFound

from petitions import public_pages, warmup
from petitions.i18n import _country_choices


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_a_warmed_app_renders_every_template_without_reading_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    _country_choices.cache_clear()
    names = app.jinja_env.list_templates()

    assert warmup.warm(app) == len(names)

    def lost(environment: Any, template: str) -> Any:
        raise TemplateNotFound(template)  # what a worker compiling on demand would meet

    monkeypatch.setattr(app.jinja_env.loader, "get_source", lost)
    assert all(app.jinja_env.get_template(name) for name in names)
    # Every language's country list is built, so the first sign form of a worker costs no sort.
    assert _country_choices.cache_info().currsize == len(app.config["LANGUAGES"])


def test_a_failed_warming_is_logged_and_the_server_starts_cold(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, unfrozen: None
) -> None:
    def broken(app: Flask) -> int:
        raise RuntimeError("no catalog")

    monkeypatch.setattr(warmup, "warm", broken)
    with caplog.at_level(logging.INFO, logger="petitions.warmup"):
        warmup.before_fork(app)

    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "workers start cold" in caplog.records[0].getMessage()
    assert gc.get_freeze_count() > 0  # frozen all the same: the fork shares what the master holds


def test_threads_that_miss_one_page_at_once_render_it_once(app: Flask) -> None:
    threads_at_once = 6
    started = threading.Barrier(threads_at_once)
    renderings: list[int] = []
    answers: list[bytes] = []

    def render() -> str:
        renderings.append(1)
        threading.Event().wait(0.2)  # long enough for every other thread to arrive meanwhile
        return "<p>the page</p>"

    def reader() -> None:
        with app.test_request_context("/p/some-petition"):
            started.wait()
            answers.append(public_pages.cached_page(render).get_data())

    threads = [threading.Thread(target=reader) for _ in range(threads_at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert answers == [b"<p>the page</p>"] * threads_at_once
    assert len(renderings) == 1
    assert public_pages._rendering == {}  # nothing left behind for the next miss


def test_a_rendering_that_fails_leaves_the_next_reader_free_to_render(app: Flask) -> None:
    def failing() -> str:
        raise LookupError("the petition is gone")

    with app.test_request_context("/p/gone"), pytest.raises(LookupError):
        public_pages.cached_page(failing)
    with app.test_request_context("/p/gone"):
        assert public_pages.cached_page(lambda: "<p>back</p>").get_data() == b"<p>back</p>"
