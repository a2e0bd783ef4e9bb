"""gunicorn settings for production.

A checkout's gunicorn.conf.py imports this module, so `gunicorn wsgi:app` picks it up from the
project root; an installed package names it: `gunicorn -c python:petitions.gunicorn_conf
petitions.wsgi:app`. Every value can be overridden from the environment (GUNICORN_CMD_ARGS) or
the command line.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

#: Listen where the reverse proxy forwards to (TRUSTED_PROXY_COUNT must match the proxies).
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

#: Sync workers: requests are short database transactions; two per core keeps the CPU busy
#: while one waits on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# Threads, not one request per process: a worker waiting on a COMMIT's flush, on Redis or on the
# database's lock serves the next reader meanwhile, so readers of kept pages do not queue behind
# signers on the record day, and concurrent commits share a flush (PostgreSQL's group commit).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Eight, not four: on the record day's mix a thread waiting on a write lock or a flush holds its
# place, and with four the readers queued behind the writers (readers' p99 under the mix fell
# from 130–180 ms to 55–135 ms with eight, one run each). The database pool (5 + 10 overflow)
# covers eight.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

#: PDF bundles of 100,000 signatures take ~15 s to print; leave room for them.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

#: Restart workers now and then so a slow leak can never grow without bound. Each replacement is
#: a fork of the warmed master (see when_ready), so it costs readers no cold start.
#: 100,000 is a day and more of a quiet campaign, and minutes of a record day: every replacement
#: sends a worker's kept connections and in-process copies away, which readers feel as a p99
#: several times higher in the second after it (10,000 replaced each worker every 5–10 s under a
#: crowd, and made readers' p99 300 ms against 15–30 ms without replacements).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10

#: Import the app once in the master: workers fork with it loaded (less memory, faster start).
preload_app = True

#: Logs to stderr. The access log leaves out the query string and the client address, and its
#: lines go through the same redaction as the app's (tokens in /confirm/… paths are as good as
#: the signer's click).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: Any) -> None:
    """Refuse to start with per-worker rate-limit counters in production (see config.py)."""
    # Here, not at import: only now is the worker count final (-w and GUNICORN_CMD_ARGS win).
    from petitions.config import ConfigError, refuse_per_process_limits

    try:
        refuse_per_process_limits(server.cfg.workers)
    except ConfigError as refused:
        server.log.error("%s", refused)
        sys.exit(1)


def when_ready(server: Any) -> None:
    """Warm the preloaded app once in the master, so every worker forked from it starts warm."""
    if server.cfg.preload_app:
        from petitions.warmup import before_fork

        before_fork(server.app.wsgi())


def post_worker_init(worker: Any) -> None:
    """Redact gunicorn's own log lines as the app's are."""
    from petitions.privacy.redaction import RedactingFilter

    for logger in (worker.log.access_log, worker.log.error_log):
        for handler in logger.handlers:
            handler.addFilter(RedactingFilter())
