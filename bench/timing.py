"""Does the sign answer's timing tell whether an address had signed already?

Sends alternating sign POSTs to 127.0.0.1, one by one: a fresh address, then an address that
signed this petition before, and so on, ``--pairs`` times each (after a warm-up), and reports
the median answer time of each kind and their difference. Part of `make bench` (bench/run.py
calls ``measure`` on its running gunicorn); alone, it starts its own SQLite back end and
gunicorn the same way: `.venv/bin/python bench/timing.py [--pairs 500]`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.load import FormPost


def _sign(port: int, slug: str, post: FormPost, email: str) -> float:
    """POST one valid signature; return the seconds until the whole answer was read."""
    body = f"{post.fields}&full_name=Timing+Signer&email={email}&country=NL&city=Den+Haag&comment="
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{port}",
        "Sec-Fetch-Site": "same-origin",
    }
    if post.cookie:
        headers["Cookie"] = post.cookie
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # Connected before the clock starts: only the request is timed, as an observer would.
        connection.connect()
        started = time.perf_counter()
        connection.request("POST", f"/p/{slug}/sign", body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if answer.status != 303:
        raise RuntimeError(f"a sign POST answered {answer.status}, not 303")
    return elapsed


def measure(
    base: str, slug: str, post: FormPost, pairs: int = 500, warm_up: int = 50
) -> dict[str, Any]:
    """Time ``pairs`` new and ``pairs`` known signs, alternating; return medians in ms.

    :param post: what the petition page's form posts back (its cookie and hidden inputs).
    """
    port = int(base.rsplit(":", 1)[1])
    nonce = uuid.uuid4().hex[:8]
    known = f"timing-known-{nonce}%40example.org"
    _sign(port, slug, post, known)
    times: dict[str, list[float]] = {"new": [], "known": []}
    for number in range(warm_up + pairs):
        fresh = _sign(port, slug, post, f"timing-{nonce}-{number}%40example.org")
        again = _sign(port, slug, post, known)
        if number >= warm_up:
            times["new"].append(fresh)
            times["known"].append(again)
    new = statistics.median(times["new"]) * 1000
    known_ms = statistics.median(times["known"]) * 1000
    # How often the slower of a (new, known) pair is the known one: 50 % tells nothing.
    slower_known = sum(k > n for n, k in zip(times["new"], times["known"], strict=True)) / pairs
    return {
        "pairs": pairs,
        "new_ms": new,
        "known_ms": known_ms,
        "difference_ms": known_ms - new,
        "known_slower_share": slower_known,
    }


def describe(result: dict[str, Any]) -> str:
    return (
        f"new {result['new_ms']:.2f} ms, known {result['known_ms']:.2f} ms (medians of "
        f"{result['pairs']} each, alternating): difference {result['difference_ms']:+.2f} ms; "
        f"the known one was the slower of a pair {result['known_slower_share']:.0%} of the time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/ -> the project root
    from bench.settings import SECRET, SLUG, log

    os.environ["SECRET_KEY"] = SECRET  # before the app is imported here: never write instance/
    from bench.load import sign_post
    from bench.servers import Gunicorn, SmtpSink, start_backend

    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="petitions-timing-"))
        stack.callback(shutil.rmtree, folder, True)
        sink = SmtpSink()
        sink.start()
        stack.callback(sink.stop)
        backend = start_backend(args.backend, folder, stack, sink)
        server = Gunicorn(backend, folder)
        stack.callback(server.stop)
        server.start()
        log(f"{args.backend}: timing {args.pairs} new and {args.pairs} known signs")
        print(describe(measure(server.base, SLUG, sign_post(server.base), args.pairs)))


if __name__ == "__main__":
    main()
