"""The record day's result: what one mixed run measured, and the figures and checks taken from it.

Kept apart from bench/recordday.py (which starts the load), so the report and its tests use
this without starting or importing anything that runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bench.load import WrkResult

#: The readers: label -> (path under the base, wrk script). "etag" sends If-None-Match with the
#: last ETag an answer sent, as a browser reloading the page does.
READERS = {
    "petition page": ("/p/{slug}", "get"),
    "petition page, If-None-Match": ("/p/{slug}", "etag"),
    "count JSON": ("/api/v1/petitions/{slug}", "get"),
    "count JSON, If-None-Match": ("/api/v1/petitions/{slug}", "etag"),
}

#: wrk connections of each reader, of the signers and of the confirmers. Every signer of the
#: day confirms, so confirmers get as many as signers; readers together twice that.
READER_CONNECTIONS = 2
SIGNER_CONNECTIONS = 4
CONFIRMER_CONNECTIONS = 4

#: The stages a signature goes through, in order; each a count of the run's own signatures.
STAGES = ("signed", "mailed", "confirmed", "counted")

#: wrk's socket errors (its "status" error counts non-2xx/3xx answers, counted by status here).
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


@dataclass(frozen=True)
class Latency:
    """One wrk run's latency percentiles, in milliseconds."""

    p50: float
    p99: float

    @classmethod
    def of(cls, run: WrkResult) -> Latency:
        return cls(run.latency_us["p50"] / 1000, run.latency_us["p99"] / 1000)


def errors_of(who: str, run: WrkResult) -> dict[str, int]:
    """A run's errors: answers other than 2xx and 3xx by status, and socket errors by kind."""
    found = {f"{who}: {status}": n for status, n in run.statuses.items() if not 200 <= status < 400}
    found.update({f"{who}: socket {kind}": run.errors.get(kind, 0) for kind in SOCKET_ERRORS})
    return {what: n for what, n in found.items() if n}


def merge_errors(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for part in parts:
        for what, n in part.items():
            merged[what] = merged.get(what, 0) + n
    return merged


@dataclass
class RecordDay:
    """One record day on one back end.

    ``stages`` counts the run's own signatures: rows signed during the mix, confirmation mails
    the sink received for them, of those the rows confirmed, and how far the petition's public
    count (the JSON readers see) rose from the start to the end of the mix.
    """

    seconds: float  # length of the mix
    livez: float  # /livez per second of the same server just before
    alone: dict[str, Latency]  # readers' latency in the readers-only run
    mixed: dict[str, Latency]  # readers' latency under the mix
    readers_per_second: dict[str, float]  # readers' answers per second under the mix
    stages: dict[str, int]
    errors: dict[str, int]  # "who: status" or "who: socket kind" -> count, both runs
    count: int  # the petition's count (JSON) once its cache expired after the run
    confirmed_rows: int  # the petition's confirmed signatures in the database, then
    checks: list[str] = field(default_factory=list)  # problems found; empty when all is well
    notes: list[str] = field(default_factory=list)

    def rate(self, stage: str) -> float:
        return self.stages[stage] / self.seconds if self.seconds else 0.0

    @property
    def completed(self) -> float:
        """Signatures per second that went all the way: signed, mailed, confirmed and counted."""
        return min(self.rate(stage) for stage in STAGES)

    @property
    def completed_ratio(self) -> float:
        return self.completed / self.livez if self.livez else 0.0

    def p99_factor(self, reader: str) -> float:
        """How many times a reader's p99 under the mix is its p99 alone."""
        alone = self.alone[reader].p99
        return self.mixed[reader].p99 / alone if alone else float("inf")

    @property
    def worst_reader(self) -> str:
        return max(self.alone, key=self.p99_factor)

    @property
    def exact(self) -> bool:
        return self.count == self.confirmed_rows

    @property
    def error_total(self) -> int:
        return sum(self.errors.values())
