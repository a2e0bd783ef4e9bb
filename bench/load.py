"""HTTP load: wrk runs driven by the Lua scripts in bench/lua/, and the requests that prepare them.

Each wrk script is bench/lua/common.lua (status counts, requests written, one ``BENCH_RESULT``
JSON line at the end) followed by the script of its kind (get, sign, confirm).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.servers import run_child
from bench.settings import LUA, SLUG

CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
SCRIPTS = ("get", "sign", "confirm")


def session_and_token(base: str) -> tuple[str, str]:
    """Open the petition page once, as a browser would: its session cookie and CSRF token."""
    with urllib.request.urlopen(f"{base}/p/{SLUG}", timeout=10) as answer:  # noqa: S310
        html = answer.read().decode()
        cookies = answer.headers.get_all("Set-Cookie") or []
    cookie = next((m.group(1) for c in cookies if (m := re.match(r"\s*session=([^;]+)", c))), None)
    token = CSRF.search(html)
    if cookie is None or token is None:
        raise RuntimeError("the petition page set no session cookie or had no CSRF token")
    return cookie, urllib.parse.quote(token.group(1), safe="")


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
        self, url: str, script: str, args: Sequence[str], headers: Sequence[str], seconds: int
    ) -> list[str]:
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError("load goes to 127.0.0.1 only")
        command = ["wrk", "-t1", f"-c{self.connections}", f"-d{seconds}s", "--timeout", "10s"]
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
    ) -> WrkResult:
        seconds = duration or self.duration
        done = run_child(self.command(url, script, args, headers, seconds), timeout=seconds + 30)
        result = parse_wrk_output(done.stdout)
        if result is None:
            raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
        return result
