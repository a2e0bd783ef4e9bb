"""Where a request spends its time: py-spy samples of the gunicorn workers and the mail worker.

py-spy (when installed: `.venv/bin/pip install py-spy`) records collapsed stacks; each busy
sample goes to the first part of a list whose frame it contains, so the shares add up to 100 %.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.delivery import OUTBOX_ONCE, queue_mail
from bench.load import Wrk, etag_of, sign_post
from bench.servers import Backend, Gunicorn, kill_group, pdeathsig
from bench.settings import BIN, ROOT, SLUG, log

Match = Callable[[str], bool]
Parts = list[tuple[str, Match]]


def _has(*parts: str) -> Match:
    return lambda frame: any(part in frame for part in parts)


#: What wraps every request, after the parts of the view itself.
_AROUND_THE_VIEW: Parts = [
    ("rate-limit check per IP (Flask-Limiter, limits)", _has("flask_limiter/", "limits/")),
    ("session cookie (open, save)", _has("open_session (", "save_session (", "flask/sessions.py")),
    ("locale selection (Flask-Babel)", _has("flask_babel/", "select_locale (")),
    ("security and CORS headers (Talisman, flask-cors)", _has("flask_talisman/", "flask_cors/")),
    ("SQLAlchemy outside the view (session teardown)", _has("sqlalchemy/")),
    (
        "logging (app log, access log, redaction filter)",
        _has("logging/", "petitions/privacy/redaction.py", "gunicorn/glogging.py"),
    ),
    ("Flask and Werkzeug (routing, request, response)", _has("flask/", "werkzeug/")),
    ("gunicorn (accept, parse, write, close)", _has("gunicorn/")),
]

#: Parts of a sign request, each recognised by a frame anywhere in a sampled stack: the parts
#: inside the view come first, then what wraps it (limiter, Flask, gunicorn).
SIGN_PARTS: Parts = [
    ("email-validator", _has("email_validator/")),
    ("CSRF token check (Flask-WTF)", _has("flask_wtf/csrf.py")),
    ("SignForm() construction (fields, CSRF token)", _has("FormMeta.__call__ (")),
    ("form validation, other (WTForms)", _has("wtforms/", "flask_wtf/form.py")),
    ("COMMIT (on SQLite: the fsync of the WAL)", _has("do_commit (")),
    (
        "services.sign: INSERT…SELECT signature, INSERT outbox row",
        _has("sign (petitions/signing/services.py"),
    ),
    (
        "rest of the view (SignerDetails, get_locale, redirect)",
        _has("sign (petitions/signing/views.py"),
    ),
    *_AROUND_THE_VIEW,
]

COUNTER_PARTS: Parts = [
    ("count recomputed after the cache expired (SQL)", _has("_details (petitions/counting")),
    (
        "cache lookup (Flask-Caching get: unpickle, Redis round trip)",
        _has("flask_caching/", "cachelib/", "redis/"),
    ),
    ("badge template rendering (Jinja, context processors)", _has("jinja2/", "render_template (")),
    ("JSON encoding (jsonify)", _has("jsonify (", "flask/json/")),
    (
        "rest of the view (ETag check, headers)",
        _has(
            "conditional_response (",
            "badge (petitions/counting/views.py",
            "petition (petitions/api/views.py",
        ),
    ),
    *_AROUND_THE_VIEW,
]

MAIL_PARTS: Parts = [
    (
        "SMTP conversation (smtplib: MAIL, RCPT, DATA; a connection per 20 mails)",
        _has("smtplib.py"),
    ),
    ("rendering the mail (2 templates, 2 tokens, in the signer's language)", _has("render (")),
    (
        "per-address mail limit (allow_mail_to_each: limiter storage, a round trip per window)",
        _has("allow_mail_to_each (", "allow_mail_to ("),
    ),
    ("building the MIME message (build_message, email package)", _has("build_message (")),
    (
        "claiming batches and deciding sign attempts (UPDATEs, COMMIT)",
        _has("_claim_batch (", "_decide_attempts ("),
    ),
    (
        "writing outcomes (UPDATE + COMMIT per 25 mails or 0.5 s)",
        _has("write (petitions/mail/outcomes.py"),
    ),
    ("renewing the claim when it runs low (UPDATE + COMMIT)", _has("_restamp (")),
    ("reading each chunk's rows and signatures (SELECTs)", _has("drain_once (")),
    ("imports and app start-up", _has("_find_and_load", "create_app (")),
]

#: The runs profiled on SQLite besides sign: label, path, the frame of the view.
COUNTER_RUNS = (
    ("/livez (reference)", "/livez", "livez (petitions/health.py"),
    ("JSON 200", f"/api/v1/petitions/{SLUG}", "petition (petitions/api/views.py"),
    ("badge 200", f"/badge/{SLUG}.svg", "badge (petitions/counting/views.py"),
)

BACKGROUND = "background threads in the workers (e.g. limits' memory-storage expiry timer)"
BETWEEN_REQUESTS = "gunicorn worker loop (between requests)"
_IDLE_LEAVES = ("wait (threading.py", "Condition.wait (", "Event.wait (", "select (", "sleep (")
_IN_DATABASE = _has("sqlalchemy/", "psycopg/", "sqlite3/")
#: A frame of a worker's request handling: a sync worker's, or a gthread pool thread's.
_HANDLING = _has("SyncWorker.handle (", "ThreadWorker.handle (")


def _no_line(frame: str) -> str:
    return re.sub(r":\d+\)$", ")", frame)


@dataclass
class Summary:
    """Busy samples of one recording, in total and by what they were doing."""

    parts: Parts
    view: str | None
    workers_only: bool
    samples: int = 0
    in_view: int = 0
    sql: int = 0
    commit: int = 0
    shares: Counter[str] = field(default_factory=Counter)
    functions: Counter[str] = field(default_factory=Counter)
    leaf: Counter[str] = field(default_factory=Counter)

    def frames_of(self, stack: str) -> list[str] | None:
        """The frames of a stack worth counting, or None for the gunicorn master's."""
        frames = [frame.strip() for frame in stack.split(";")]
        if self.workers_only and sum(frame.startswith("process ") for frame in frames) < 2:
            return None  # the master (a worker's stacks sit under master and worker frames)
        return [frame for frame in frames if not frame.startswith("process ")] or None

    def add(self, frames: list[str], count: int) -> None:
        # A worker's thread is occupied from taking a connection to closing it (the lingering
        # close included): SyncWorker.handle, or ThreadWorker.handle in gthread's pool threads.
        # Other threads of a worker are background work.
        in_request = not self.workers_only or any(map(_HANDLING, frames))
        background = (
            self.workers_only
            and not in_request
            and any(f.startswith("Thread._bootstrap (") for f in frames)
        )
        if frames[-1].startswith(_IDLE_LEAVES) and not in_request:
            return
        self.samples += count
        self.leaf[_no_line(frames[-1])] += count
        if background:
            self.shares[BACKGROUND] += count
        elif not in_request:
            self.shares[BETWEEN_REQUESTS] += count
        else:
            self._add_request(frames, count)

    def _add_request(self, frames: list[str], count: int) -> None:
        view = self.view
        self.in_view += count * bool(view and any(f.startswith(view) for f in frames))
        self.sql += count * any(map(_IN_DATABASE, frames))
        self.commit += count * any("do_commit (" in frame for frame in frames)
        for frame in {_no_line(frame) for frame in frames}:
            self.functions[frame] += count
        label = next((label for label, match in self.parts if any(map(match, frames))), "other")
        self.shares[label] += count

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "in_view": self.in_view,
            "sql": self.sql,
            "commit": self.commit,
            "parts": self.shares,
            "functions": self.functions,
            "leaf": self.leaf,
        }


def summarise(text: str, parts: Parts, view: str | None, workers_only: bool) -> dict[str, Any]:
    """Summarise py-spy's collapsed stacks (``stack count`` lines): busy samples, by part.

    :param view: a frame that marks the view function, for its inclusive share.
    :param workers_only: skip the gunicorn master; samples outside a request are background.
    """
    summary = Summary(parts, view, workers_only)
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = summary.frames_of(stack)
        if frames:
            summary.add(frames, int(count_text))
    return summary.as_dict()


def parse_pyspy(raw: Path, parts: Parts, view: str | None, workers_only: bool) -> dict[str, Any]:
    return summarise(raw.read_text(errors="replace"), parts, view, workers_only)


def pyspy_binary() -> Path | None:
    if (BIN / "py-spy").exists():
        return BIN / "py-spy"
    found = shutil.which("py-spy")
    return Path(found) if found else None


def record(
    target: list[str],
    raw: Path,
    seconds: int | None,
    load: Callable[[], Any] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[bool, Any]:
    """Run py-spy record on ``target`` (``--pid …`` or ``-- command``) while ``load`` runs."""
    pyspy = pyspy_binary()
    if pyspy is None:
        return False, None
    command = [str(pyspy), "record", "--rate", "250", "--format", "raw", "--output", str(raw)]
    if seconds:
        command += ["--duration", str(seconds)]
    process = subprocess.Popen(  # noqa: S603
        pdeathsig([*command, *target]),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    loaded = None
    try:
        if load is not None:
            time.sleep(0.7)  # py-spy attaches
            loaded = load()
        _, err = process.communicate(timeout=(seconds or 120) + 30)
    except BaseException:
        kill_group(process, grace=2)
        raise
    if process.returncode != 0 or not raw.exists():
        log(f"py-spy failed ({process.returncode}): {err.strip()[-500:]}")
        return False, loaded
    return True, loaded


def profile_http(
    server: Gunicorn,
    wrk: Wrk,
    raw: Path,
    path: str,
    parts: Parts,
    view: str,
    script: str = "get",
    args: Sequence[str] = (),
    status: int = 200,
) -> dict[str, Any] | None:
    """py-spy on both gunicorn workers during one wrk run."""
    assert server.process is not None
    target = ["--pid", str(server.process.pid), "--subprocesses"]
    ok, run = record(
        target, raw, wrk.duration + 1, lambda: wrk.run(f"{server.base}{path}", script, args)
    )
    if not ok:
        return None
    summary = parse_pyspy(raw, parts, view, workers_only=True)
    summary.update(
        rate=run.per_second(status), raw=raw, path=path, answers=sum(run.statuses.values())
    )
    return summary


def profile_backend(backend: Backend, server: Gunicorn, wrk: Wrk, folder: Path) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    if pyspy_binary() is None:
        return profiles
    post = sign_post(server.base)
    nonce = f"pf{uuid.uuid4().hex[:8]}"
    profiles["sign"] = profile_http(
        server,
        wrk,
        folder / f"pyspy-{backend.name}-sign.txt",
        f"/p/{SLUG}/sign",
        SIGN_PARTS,
        "sign (petitions/signing/views.py",
        "sign",
        [SLUG, post.cookie, post.fields, nonce],
        status=303,
    )
    if backend.name != "sqlite":
        return profiles
    for label, path, view in COUNTER_RUNS:
        if path != "/livez":
            etag_of(server.base, path)  # a warm cache
        raw = folder / f"pyspy-{backend.name}-{label.split()[0].strip('/').lower()}.txt"
        profiles[label] = profile_http(server, wrk, raw, path, COUNTER_PARTS, view)
    return profiles


def profile_mail(backend: Backend, folder: Path, messages: int) -> dict[str, Any] | None:
    """py-spy around one `flask outbox send --once` (it starts the command itself)."""
    if pyspy_binary() is None:
        return None
    queue_mail(backend, messages, f"pm{uuid.uuid4().hex[:8]}")
    raw = folder / f"pyspy-{backend.name}-mail.txt"
    command = ["--", str(BIN / "flask"), "--app", "wsgi", *OUTBOX_ONCE]
    started = time.perf_counter()
    ok, _ = record(command, raw, None, env=backend.app_env())
    seconds = time.perf_counter() - started
    if not ok:
        return None
    summary = parse_pyspy(raw, MAIL_PARTS, None, workers_only=False)
    summary.update(rate=messages / seconds, raw=raw, path="flask outbox send --once")
    return summary
