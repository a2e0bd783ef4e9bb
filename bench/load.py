"""HTTP load: wrk runs driven by the Lua scripts in bench/lua/, and the requests that prepare them.

Each wrk script is bench/lua/common.lua (status counts, requests written, one ``BENCH_RESULT``
JSON line at the end) followed by the script of its kind (get, sign, confirm; fresh, etag and
feed for the pages and the record day; letter for the letters, bench/letters.py).

A form is posted back as a browser would: with every hidden input the page's form carries (a
session's CSRF token today, a ticket in a cacheable page tomorrow) and whatever cookie the page
set, if any, so the load works with either defence.
"""

from __future__ import annotations

import http.cookies
import json
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import run_child
from bench.settings import LUA, SLUG

SCRIPTS = ("get", "sign", "confirm", "fresh", "etag", "feed", "letter")


@dataclass(frozen=True)
class FormPost:
    """What a POST of a page's form sends back: the page's cookies and the form's hidden inputs."""

    cookie: str  # a Cookie header's value, "" when the page set no cookie
    fields: str  # the hidden inputs, URL-encoded (name=value&...)


def hidden_fields(html: str, action: str, page: str) -> str | None:
    """The hidden inputs of the first POST form to ``action``, URL-encoded.

    A form without an action posts to its own ``page``, as a browser sends it.
    """
    from bs4 import BeautifulSoup

    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        target = str(form.get("action") or page)
        if str(form.get("method", "")).lower() == "post" and target.endswith(action):
            inputs = form.find_all("input", attrs={"type": "hidden"})
            return urllib.parse.urlencode(
                [(str(i["name"]), str(i.get("value", ""))) for i in inputs if i.get("name")]
            )
    return None


def cookie_header(set_cookies: Sequence[str]) -> str:
    """The Cookie header a browser sends back after these Set-Cookie headers ("" for none)."""
    jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
    for line in set_cookies:
        jar.load(line)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def form_post(base: str, path: str, action: str) -> FormPost:
    """Open ``path`` once, as a browser would, and read what its form ``action`` posts back."""
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as answer:  # noqa: S310
        html = answer.read().decode()
        cookies = answer.headers.get_all("Set-Cookie") or []
    fields = hidden_fields(html, action, path)
    if fields is None:
        raise RuntimeError(f"{path} has no POST form to {action}")
    return FormPost(cookie_header(cookies), fields)


def sign_post(base: str) -> FormPost:
    """What the petition page's sign form posts back."""
    return form_post(base, f"/p/{SLUG}", f"/p/{SLUG}/sign")


def confirm_post(base: str, token: str) -> FormPost:
    """What a confirm page's button posts back (valid for every confirm link of its session)."""
    return form_post(base, f"/confirm/{token}", f"/confirm/{token}")


def etag_of(base: str, path: str) -> str:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as answer:  # noqa: S310
        answer.read()
        etag = answer.headers.get("ETag")
    if not etag:
        raise RuntimeError(f"{path} sent no ETag")
    return str(etag)


@dataclass
class WrkResult:
    seconds: float
    statuses: dict[int, int]
    sent: int
    answered: int
    errors: dict[str, int]
    latency_us: dict[str, int]
    kinds: dict[str, int] = field(default_factory=dict)  # what a script counted of its own

    def per_second(self, *statuses: int) -> float:
        return sum(self.statuses.get(status, 0) for status in statuses) / self.seconds

    @property
    def unanswered(self) -> int:
        """Requests written whose answers wrk dropped when its time was up (at most -c)."""
        return max(0, self.sent - self.answered)

    def status_text(self) -> str:
        return ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())) or "none"

    def error_note(self, what: str) -> str | None:
        errors = {k: v for k, v in self.errors.items() if v}
        return f"{what}: wrk socket errors {errors}" if errors else None


def parse_wrk_output(stdout: str) -> WrkResult | None:
    """The ``BENCH_RESULT`` line that bench/lua/common.lua prints, or None when there is none."""
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if line is None:
        return None
    data = json.loads(line.split(" ", 1)[1])
    return WrkResult(
        seconds=data["duration_us"] / 1e6,
        statuses={int(k): v for k, v in data["statuses"].items()},
        sent=data["sent"],
        answered=data["answered"],
        errors=data["errors"],
        latency_us=data["latency_us"],
        kinds=data.get("kinds", {}),
    )


def write_scripts(folder: Path) -> dict[str, Path]:
    """Write each wrk script (common.lua, then its own) into ``folder``; return their paths."""
    common = (LUA / "common.lua").read_text()
    scripts: dict[str, Path] = {}
    for name in SCRIPTS:
        path = folder / f"{name}.lua"
        path.write_text(common + "\n" + (LUA / f"{name}.lua").read_text())
        scripts[name] = path
    return scripts


class Wrk:
    def __init__(
        self, folder: Path, duration: int, connections: int, counter_duration: int
    ) -> None:
        self.folder = folder
        self.duration = duration
        self.counter_duration = counter_duration
        self.connections = connections
        self.scripts = write_scripts(folder)

    def command(
        self,
        url: str,
        script: str,
        args: Sequence[str],
        headers: Sequence[str],
        seconds: int,
        connections: int | None = None,
    ) -> list[str]:
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError("load goes to 127.0.0.1 only")
        c = connections or self.connections
        command = ["wrk", "-t1", f"-c{c}", f"-d{seconds}s", "--timeout", "10s"]
        for header in headers:
            command += ["-H", header]
        return [*command, "-s", str(self.scripts[script]), url, "--", *args]

    def run(
        self,
        url: str,
        script: str = "get",
        args: Sequence[str] = (),
        headers: Sequence[str] = (),
        duration: int | None = None,
        connections: int | None = None,
    ) -> WrkResult:
        seconds = duration or self.duration
        command = self.command(url, script, args, headers, seconds, connections)
        done = run_child(command, timeout=seconds + 30)
        result = parse_wrk_output(done.stdout)
        if result is None:
            raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
        return result
