"""Several real processes over one PostgreSQL and one Redis, as in a deployment on two machines.

Two gunicorn instances (two sync workers each) share the database, the rate-limit store and the
count cache; several `flask outbox send` workers share the outbox. Everything runs on loopback,
every wait is bounded (tests/instances_helpers.py), and every process started here is stopped by
its own id when the test ends, passed or failed.

Only meaningful with real shared stores: SQLite and in-memory limits are per machine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from aiosmtpd.controller import Controller
from flask import Flask

from petitions import create_app
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxStatus
from petitions.mail.outcomes import LEDGER_SIZE
from petitions.signing.counts import count_of
from petitions.signing.mailing import MailKind
from petitions.signing.models import SignatureState
from petitions.tokens import confirm_token, withdraw_token
from tests.conftest import (
    BACKEND,
    VALID_SIGNER,
    Backend,
    Press,
    SmtpServer,
    assert_presses_agree,
    csrf_token,
)
from tests.conftest import (
    signature_states as states,
)
from tests.factories import open_petition, pending_signature
from tests.helpers import (
    HTTP_TIMEOUT,
    count_in_api,
    count_on_page,
    main_text,
    outbox,
    run_all,
    wait_for,
)
from tests.instances_helpers import (
    AppInstance,
    OutboxWorkerProcess,
    clean_environment,
    wait_healthy,
)
from tests.servers import SmtpHandler, free_port

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres",
    reason="needs PostgreSQL and Redis shared by several processes "
    "(run with PETITIONS_TEST_BACKEND=postgres)",
)

#: Threads pressing links at once; the four gunicorn workers queue the rest.
THREADS = 16


# --- starting processes -------------------------------------------------------------------


def instance_environment(
    app: Flask, backend: Backend, smtp: SmtpServer, **settings: str
) -> dict[str, str]:
    """The environment of an app instance on the test's database and the shared Redis."""
    assert backend.redis is not None
    return clean_environment(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_STORAGE_URI=backend.redis.url,
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=backend.redis.url,
        SECRET_KEY=app.config["SECRET_KEY"],
        MAIL_URL=smtp.url,
        EMAIL_CHECK_DELIVERABILITY="false",
        GUNICORN_ACCESS_LOG="0",
        **settings,
    )


def worker_environment(app: Flask, mail_url: str, **settings: str) -> dict[str, str]:
    """The environment of an outbox worker on the test's database and the given SMTP server."""
    return clean_environment(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app.config["SECRET_KEY"],
        MAIL_URL=mail_url,
        MAIL_FROM=app.config["MAIL_FROM"],
        BASE_URL=app.config["BASE_URL"],
        EMAIL_CHECK_DELIVERABILITY="false",
        OUTBOX_POLL_SECONDS="1",
        OUTBOX_RETRY_BASE_SECONDS="0",
        **{"MAIL_TIMEOUT_SECONDS": "5", **settings},
    )


@pytest.fixture
def two_instances(
    app: Flask, backend: Backend, smtp: SmtpServer, tmp_path: Path
) -> Iterator[Callable[..., tuple[AppInstance, AppInstance]]]:
    """Start two gunicorn instances "on two machines" with the given settings; stop them after."""
    started: list[AppInstance] = []

    def start(**settings: str) -> tuple[AppInstance, AppInstance]:
        environment = instance_environment(app, backend, smtp, **settings)
        for name in ("A", "B"):
            started.append(
                AppInstance(
                    f"instance {name}",
                    free_port(),
                    2,
                    environment,
                    tmp_path / f"gunicorn-{name}.log",
                )
            )
        first, second = started[-2:]
        wait_healthy([first, second])
        return first, second

    yield start
    for instance in started:
        instance.close()


@pytest.fixture
def start_worker(app: Flask, tmp_path: Path) -> Iterator[Callable[..., OutboxWorkerProcess]]:
    """Start `flask outbox send` processes (not waiting for them); all are stopped after."""
    started: list[OutboxWorkerProcess] = []

    def start(mail_url: str, **settings: str) -> OutboxWorkerProcess:
        number = len(started) + 1
        worker = OutboxWorkerProcess(
            f"worker {number}",
            worker_environment(app, mail_url, **settings),
            tmp_path / f"worker-{number}.log",
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close(grace=5)


# --- reading the database afresh ---------------------------------------------------------


def counted(petition_id: int) -> int:
    db.session.rollback()
    return int(
        db.session.execute(
            db.select(Petition.signature_count).where(Petition.id == petition_id)
        ).scalar_one()
    )


def queue_confirmations(app: Flask, petition: Petition, how_many: int) -> list[str]:
    """Queue confirmation mails for new pending signatures; return their Message-IDs."""
    with app.test_request_context():
        for _ in range(how_many):
            signature = pending_signature(petition)
            messages.queue(MailKind.CONFIRMATION, signature.id)
        db.session.commit()
    ids = [row.message_id for row in outbox()]
    assert len(ids) == how_many
    return ids


# --- acting over HTTP ----------------------------------------------------------------------


def sign(page_from: AppInstance, post_to: AppInstance, slug: str, email: str) -> requests.Response:
    """Open the petition on one instance and sign on another, as one browser behind a balancer.

    The session cookie and its CSRF token are signed with the shared SECRET_KEY, so either
    instance accepts what the other issued.
    """
    with requests.Session() as browser:
        page = browser.get(f"{page_from.url}/p/{slug}", timeout=HTTP_TIMEOUT)
        assert page.status_code == 200, page.status_code
        data = {**VALID_SIGNER, "email": email, "csrf_token": csrf_token(page.text)}
        return browser.post(
            f"{post_to.url}/p/{slug}/sign", data=data, allow_redirects=False, timeout=HTTP_TIMEOUT
        )


def no_traceback(*processes: AppInstance | OutboxWorkerProcess) -> None:
    for process in processes:
        assert "Traceback" not in process.output(), f"{process.name}:\n{process.output()}"


# --- 1. two instances, one limit, one count ------------------------------------------------


def test_a_rate_limit_holds_across_instances(
    two_instances: Callable[..., tuple[AppInstance, AppInstance]],
) -> None:
    petition = open_petition()
    a, b = two_instances(SIGN_RATE_LIMIT="10 per minute")

    answers = []
    for number in range(10):
        # The page from one instance, the POST to the other; the POSTs alternate A, B, A, ...
        here, there = (a, b) if number % 2 == 0 else (b, a)
        answers.append(sign(there, here, petition.slug, f"limit{number}@example.org"))

    assert [answer.status_code for answer in answers] == [303] * 10
    # One counter in Redis, counted down by both instances' four workers together: each
    # instance took only five, yet the 11th POST is refused wherever it lands.
    assert sign(b, a, petition.slug, "limit10@example.org").status_code == 429
    assert sign(a, b, petition.slug, "limit11@example.org").status_code == 429
    assert states(petition.id) == {SignatureState.PENDING: 10}
    assert len(outbox()) == 10  # no worker runs here, so the smtp fixture gets nothing
    no_traceback(a, b)


def test_a_confirmation_on_one_instance_counts_on_the_other_at_once(
    app: Flask,
    backend: Backend,
    two_instances: Callable[..., tuple[AppInstance, AppInstance]],
) -> None:
    petition = open_petition()
    signature = pending_signature(petition)
    with app.test_request_context():
        confirm_url = f"/confirm/{confirm_token(signature.id)}"
    a, b = two_instances()
    assert backend.redis is not None
    store = redis.Redis.from_url(backend.redis.url)

    # B computes the numbers once and caches them in Redis (for COUNT_CACHE_SECONDS, 5 s).
    assert count_in_api(b.url, petition.slug) == 0
    assert count_on_page(b.url, petition.slug) == 0
    assert store.keys(f"*petition-public:*{petition.slug}"), "the count was not cached in Redis"

    with requests.Session() as browser:
        page = browser.get(f"{a.url}{confirm_url}", timeout=HTTP_TIMEOUT)
        assert page.status_code == 200
        answer = browser.post(
            f"{a.url}{confirm_url}",
            data={"csrf_token": csrf_token(page.text)},
            timeout=HTTP_TIMEOUT,
        )
    assert answer.status_code == 200
    assert "Thank you: your signature is confirmed" in main_text(answer)

    # A's confirm() dropped the shared entry: B answers with the new count once its own
    # one-second memo has passed, well within the 5 s it would otherwise have served the old one.
    assert not store.keys(f"*petition-public:*{petition.slug}")
    time.sleep(1.1)  # each of B's workers may answer from its own memo for up to a second
    assert count_in_api(b.url, petition.slug) == 1
    assert count_on_page(b.url, petition.slug) == 1
    assert count_in_api(a.url, petition.slug) == 1
    assert counted(petition.id) == 1
    no_traceback(a, b)


# --- 2. exact counts with four processes racing -------------------------------------------


def test_links_pressed_at_once_on_both_instances_leave_an_exact_count(
    app: Flask, two_instances: Callable[..., tuple[AppInstance, AppInstance]]
) -> None:
    petition = open_petition()
    signatures = [pending_signature(petition) for _ in range(40)]
    rng = random.Random(20240612)  # a fixed shuffle, so a failure can be replayed
    withdrawing = set(rng.sample([s.id for s in signatures], k=12))
    # Every client is 127.0.0.1: the per-IP limit would otherwise be what is tested.
    a, b = two_instances(LINK_RATE_LIMIT="10000 per minute")
    both = (a, b)

    presses: list[Press] = []
    with app.test_request_context():
        for position, signature in enumerate(signatures):
            # Each link is pressed on both instances: three confirms, two withdrawals.
            for turn in range(3):
                instance = both[(position + turn) % 2]
                url = f"{instance.url}/confirm/{confirm_token(signature.id)}"
                presses.append(Press("confirm", signature.id, url))
            if signature.id in withdrawing:
                for turn in range(2):
                    instance = both[(position + turn) % 2]
                    url = f"{instance.url}/withdraw/{withdraw_token(signature.id)}"
                    presses.append(Press("withdraw", signature.id, url))
    assert len(presses) == 40 * 3 + 12 * 2

    # Everybody opens their page first (every page still shows its button), then all the
    # buttons are pressed at once, in a shuffled order, over four gunicorn workers.
    rng.shuffle(presses)
    run_all([press.open for press in presses], THREADS, HTTP_TIMEOUT * 2)
    rng.shuffle(presses)
    run_all([press.press for press in presses], THREADS, HTTP_TIMEOUT * 2)

    final = states(petition.id)
    assert final == {SignatureState.CONFIRMED: 28, SignatureState.WITHDRAWN: 12}
    assert counted(petition.id) == final[SignatureState.CONFIRMED]
    # Four processes counted into the signatures' shards; the petition row took no write.
    base = db.session.execute(db.select(Petition.count_base).where(Petition.id == petition.id))
    assert base.scalar_one() == 0
    assert count_of(petition.id) == 28
    for instance in both:
        assert count_in_api(instance.url, petition.slug) == 28, instance.name
        assert count_on_page(instance.url, petition.slug) == 28, instance.name

    assert_presses_agree(presses, [s.id for s in signatures], withdrawing)
    no_traceback(a, b)


# --- 3. several outbox workers at once -----------------------------------------------------


def test_three_workers_at_once_send_every_message_exactly_once(
    app: Flask, smtp: SmtpServer, start_worker: Callable[..., OutboxWorkerProcess]
) -> None:
    petition = open_petition()
    # Three batches' worth (BATCH_SIZE is 50), so every worker has a batch to fight over.
    queued = 150
    message_ids = queue_confirmations(app, petition, queued)

    workers = [start_worker(smtp.url) for _ in range(3)]
    wait_for(lambda: all(worker.started() for worker in workers), 20, "three workers to start")
    wait_for(lambda: len(smtp.untaken()) >= queued, 20, f"{queued} mails to arrive")
    wait_for(
        lambda: all(row.status is OutboxStatus.SENT for row in outbox()),
        10,
        "every row to be marked sent",
    )
    for worker in workers:
        assert worker.signal(signal.SIGTERM) == 0, worker.output()

    mails = smtp.take(queued)  # no more than that arrived, even after the workers stopped
    arrived = Counter(mail.message["Message-ID"] for mail in mails)
    assert set(arrived) == set(message_ids)
    assert max(arrived.values()) == 1
    rows = outbox()
    assert all(row.status is OutboxStatus.SENT for row in rows)
    assert all(row.attempts == 1 and row.claimed_until is None for row in rows)
    no_traceback(*workers)


# --- 4. a worker killed mid-batch, a batch that outlasts its claim ---------------------------


class _AcceptThenStall(SmtpHandler):
    """Keeps each message first, then takes ``delay`` seconds to say so (250)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        assert isinstance(self.server, StallingSmtpServer)
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.server.delay)
        return answer


@dataclass
class StallingSmtpServer(SmtpServer):
    """A slow server as a busy relay is slow: the message is queued, the 250 comes late.

    Unlike `slow_smtp` (which waits before it keeps the message), a client that dies while
    waiting here leaves a delivered message behind, which is the case SMTP cannot rule out.
    """

    delay: float = 0.2

    def start(self) -> None:
        self.controller = Controller(_AcceptThenStall(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()


@pytest.fixture
def stalling_smtp() -> Iterator[StallingSmtpServer]:
    server = StallingSmtpServer(delay=0.2)
    server.start()
    yield server
    server.stop()


def test_a_worker_killed_mid_batch_loses_nothing(
    app: Flask, stalling_smtp: StallingSmtpServer, start_worker: Callable[..., OutboxWorkerProcess]
) -> None:
    petition = open_petition()
    queued = 30  # at 0.2 s each, six seconds of sending
    message_ids = queue_confirmations(app, petition, queued)
    # The send timeout must stay below the claim (the app refuses otherwise). Six seconds: the
    # second worker must be up before the claims lapse, and a worker's start took over 3 s on a
    # loaded machine.
    claim = {"OUTBOX_CLAIM_SECONDS": "6", "MAIL_TIMEOUT_SECONDS": "2"}

    first = start_worker(stalling_smtp.url, **claim)
    # The third mail is kept by the server, whose 250 the worker is still waiting for.
    wait_for(lambda: len(stalling_smtp.untaken()) >= 3, 20, "the first mails")
    assert first.signal(signal.SIGKILL) == -signal.SIGKILL
    killed_at = utcnow()
    second = start_worker(stalling_smtp.url, **claim)  # starts while the first one's claims hold

    rows = outbox()
    delivered_at_kill = Counter(mail.message["Message-ID"] for mail in stalling_smtp.untaken())
    sent_by_first = {row.message_id for row in rows if row.status is OutboxStatus.SENT}
    stranded = [row for row in rows if row.status is OutboxStatus.PENDING]
    # The first worker claimed the whole batch; what it did not finish is still claimed by it.
    assert stranded, "the first worker sent everything before it was killed"
    assert all(row.claimed_until is not None and row.claimed_until > killed_at for row in stranded)
    lapse = min(row.claimed_until for row in stranded if row.claimed_until is not None)
    claims = {row.id: row.claimed_until for row in stranded}
    # Delivered but not marked sent: the message in flight and those whose outcomes were noted
    # but not yet written (mail/outcomes.py: at most LEDGER_SIZE, or those of LEDGER_SECONDS).
    in_flight = set(delivered_at_kill) - sent_by_first
    assert sent_by_first <= set(delivered_at_kill)
    assert len(in_flight) <= LEDGER_SIZE, in_flight

    # The second worker leaves the claimed messages alone while the claims hold ...
    wait_for(second.started, 20, "the second worker to start")
    assert utcnow() < lapse - dt.timedelta(seconds=0.3), (
        "the second worker started only after the claims lapsed; nothing was shown"
    )
    while utcnow() < lapse - dt.timedelta(seconds=0.1):
        assert len(stalling_smtp.untaken()) == sum(delivered_at_kill.values())
        time.sleep(0.05)
    assert {row.id: row.claimed_until for row in outbox() if row.id in claims} == claims

    # ... then takes them over and sends them.
    wait_for(
        lambda: (
            set(message_ids) <= {mail.message["Message-ID"] for mail in stalling_smtp.untaken()}
        ),
        20,
        "every message to arrive",
    )
    wait_for(
        lambda: all(row.status is OutboxStatus.SENT for row in outbox()),
        5,
        "every row to be marked sent",
    )
    assert second.signal(signal.SIGTERM) == 0, second.output()

    mails = stalling_smtp.take(len(stalling_smtp.untaken()))
    arrived = Counter(mail.message["Message-ID"] for mail in mails)
    assert set(arrived) == set(message_ids)
    # Duplicates only of what was delivered but not recorded at the kill, each once. SMTP
    # cannot rule out the one in flight: the worker hands over the message, the server accepts
    # it, and the worker dies before it reads the 250; the others were delivered and their
    # outcomes noted but not yet written. Nothing recorded the deliveries, so they are sent
    # again; each keeps its Message-ID, so the recipient's mail software can drop the copy.
    duplicates = {message_id for message_id, times in arrived.items() if times > 1}
    assert sum(arrived.values()) - len(arrived) <= len(in_flight), arrived
    assert duplicates <= in_flight
    assert all(row.status is OutboxStatus.SENT for row in outbox())
    no_traceback(second)


def test_a_batch_that_outlasts_its_claim_is_sent_once_and_marked_sent(
    app: Flask, stalling_smtp: StallingSmtpServer, start_worker: Callable[..., OutboxWorkerProcess]
) -> None:
    # Nobody is killed here: a slow relay alone makes one batch (4 s) outlast its claim (1 s),
    # and the second worker takes over the tail the first has not sent yet. With the defaults
    # the same happens to a batch of 50 once the relay takes over 6 s a message
    # (OUTBOX_CLAIM_SECONDS 300; MAIL_TIMEOUT_SECONDS allows 20 s a message). A worker that
    # sent every message of its batch without asking whether its claim still held sent 12 of
    # these 20 twice, and marked some it found already sent (recipient erased) as failed.
    petition = open_petition()
    queued = 20
    message_ids = queue_confirmations(app, petition, queued)
    claim = {"OUTBOX_CLAIM_SECONDS": "2", "MAIL_TIMEOUT_SECONDS": "1"}

    first = start_worker(stalling_smtp.url, **claim)
    wait_for(lambda: len(stalling_smtp.untaken()) >= 1, 20, "the first worker to claim and send")
    second = start_worker(stalling_smtp.url, **claim)
    wait_for(second.started, 20, "the second worker to start")
    if len(stalling_smtp.untaken()) >= queued - 2:
        pytest.fail("the first worker was done before the second started; nothing was shown")
    wait_for(
        lambda: (
            set(message_ids) <= {mail.message["Message-ID"] for mail in stalling_smtp.untaken()}
        ),
        20,
        "every message to arrive",
    )
    wait_for(
        lambda: all(row.status is not OutboxStatus.PENDING for row in outbox()),
        10,
        "every row to be settled (sent or failed)",
    )
    for worker in (first, second):
        if worker.signal(signal.SIGTERM) != 0:
            pytest.fail(worker.output())

    arrived = Counter(
        mail.message["Message-ID"] for mail in stalling_smtp.take(len(stalling_smtp.untaken()))
    )
    if set(arrived) != set(message_ids):
        pytest.fail("a message was lost")
    twice = [message_id for message_id, times in arrived.items() if times > 1]
    # Delivered, yet recorded as failed: the row was re-sent after the other worker had erased
    # its recipient, and the empty recipient list was refused for good.
    failed = [row.message_id for row in outbox() if row.status is OutboxStatus.FAILED]
    assert (len(twice), len(failed)) == (0, 0), (
        f"of {queued} messages, {len(twice)} were sent more than once and {len(failed)} were "
        "delivered but marked failed"
    )


# --- 5. health checks against unreachable stores -------------------------------------------


def test_health_reports_unreachable_redis_and_postgresql(
    backend: Backend, database_url: str
) -> None:
    assert backend.redis is not None
    healthy = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": backend.redis.url}
    closed = free_port()  # nothing listens here
    cases = [
        ({}, 200, {"database": True, "rate_limit_storage": True}),
        (
            {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed}"},
            503,
            {"database": True, "rate_limit_storage": False},
        ),
        (
            {"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{closed}/x"},
            503,
            {"database": False, "rate_limit_storage": True},
        ),
    ]
    for overrides, status, checks in cases:
        instance = create_app({**healthy, **overrides})
        started = time.monotonic()
        answer = instance.test_client().get("/healthz")
        assert time.monotonic() - started < 5, "the health check hung on a closed port"
        assert answer.status_code == status, overrides
        assert answer.get_json() == {
            "status": "ok" if status == 200 else "unavailable",
            "checks": checks,
        }
        assert instance.test_client().get("/livez").status_code == 200
        with instance.app_context():
            db.engine.dispose()
