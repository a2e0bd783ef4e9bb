"""py-spy's collapsed stacks are summarised: the master skipped, idle time left out, parts."""

from __future__ import annotations

from pathlib import Path

from bench.sampling import BACKGROUND, BETWEEN_REQUESTS, MAIL_PARTS, SIGN_PARTS, parse_pyspy

MASTER = 'process 10:"gunicorn: master"'
WORKER = f'{MASTER};process 11:"gunicorn: worker"'
REQUEST = (
    f"{WORKER};run (gunicorn/workers/sync.py:10);SyncWorker.handle (gunicorn/workers/sync.py:135)"
)
STACKS = f"""\
{MASTER};run (gunicorn/arbiter.py:200);manage_workers (gunicorn/arbiter.py:300) 90
{REQUEST};sign (petitions/signing/views.py:40);sign (petitions/signing/services.py:80);\
do_commit (sqlalchemy/engine/default.py:700) 30
{REQUEST};sign (petitions/signing/views.py:41);validate_email (email_validator/validate.py:10) 10
{WORKER};run (gunicorn/workers/sync.py:10);wait (threading.py:300) 50
{WORKER};run (gunicorn/workers/sync.py:12);accept (gunicorn/workers/sync.py:30) 5
{WORKER};Thread._bootstrap (threading.py:1000);expire (limits/storage/memory.py:5) 4
{WORKER};Thread._bootstrap (threading.py:1000);wait (threading.py:300) 7
not a stack line
"""

VIEW = "sign (petitions/signing/views.py"


def test_worker_stacks_are_counted_by_part(tmp_path: Path) -> None:
    raw = tmp_path / "stacks.txt"
    raw.write_text(STACKS)
    summary = parse_pyspy(raw, SIGN_PARTS, VIEW, workers_only=True)
    assert summary["samples"] == 49
    assert (summary["in_view"], summary["sql"], summary["commit"]) == (40, 30, 30)
    assert dict(summary["parts"]) == {
        "COMMIT (on SQLite: the fsync of the WAL)": 30,
        "email-validator": 10,
        BETWEEN_REQUESTS: 5,
        BACKGROUND: 4,
    }
    assert summary["functions"]["sign (petitions/signing/views.py)"] == 40  # lines folded
    assert summary["leaf"]["do_commit (sqlalchemy/engine/default.py)"] == 30


def test_a_command_counts_every_stack(tmp_path: Path) -> None:
    raw = tmp_path / "mail.txt"
    raw.write_text(
        "main (cli.py:1);drain_once (petitions/mail/worker.py:9);sendmail (smtplib.py:5) 8\n"
        "main (cli.py:1);drain_once (petitions/mail/worker.py:9);get (sqlalchemy/orm.py:3) 2\n"
        "main (cli.py:1);wait (threading.py:300) 1\n"
    )
    summary = parse_pyspy(raw, MAIL_PARTS, None, workers_only=False)
    assert summary["samples"] == 11
    assert summary["in_view"] == 0
    assert dict(summary["parts"]) == {
        "SMTP conversation (smtplib: MAIL, RCPT, DATA; a connection per 20 mails)": 8,
        "reading each chunk's rows and signatures (SELECTs)": 2,
        "other": 1,
    }


def test_a_gthread_pool_thread_handling_a_request_is_the_request_not_background(
    tmp_path: Path,
) -> None:
    pool = (
        f"{WORKER};Thread._bootstrap (threading.py:1000);_worker (concurrent/futures/thread.py:83)"
        ";ThreadWorker.handle (gunicorn/workers/gthread.py:280)"
    )
    raw = tmp_path / "stacks.txt"
    raw.write_text(
        f"{pool};sign (petitions/signing/views.py:40);"
        "do_commit (sqlalchemy/engine/default.py:700) 12\n"
        f"{WORKER};Thread._bootstrap (threading.py:1000);expire (limits/storage/memory.py:5) 3\n"
    )
    summary = parse_pyspy(raw, SIGN_PARTS, VIEW, workers_only=True)
    assert (summary["samples"], summary["in_view"], summary["commit"]) == (15, 12, 12)
    assert dict(summary["parts"]) == {
        "COMMIT (on SQLite: the fsync of the WAL)": 12,
        BACKGROUND: 3,
    }
