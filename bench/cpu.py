"""How busy the machine was with other work while a round ran.

Other sessions may share the machine; their load skews every figure, so each round reports the
share of the CPU that processes outside this run's process tree took. Read by hand from /proc:
psutil would read the same files, and nothing else here needs it (one dependency less).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

Snapshot = tuple[float, int, int]  # (monotonic seconds, busy ticks of the machine, ticks of ours)


def descendants(parents: dict[int, int], root: int) -> set[int]:
    """``root`` and every process below it, from a map of process id -> parent id."""
    mine = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                changed = True
    return mine


def foreign_share(before: Snapshot, after: Snapshot, ticks: int, cpus: int) -> float:
    """Share of the machine's CPU capacity used by others between two snapshots."""
    seconds = after[0] - before[0]
    others = (after[1] - before[1]) - (after[2] - before[2])
    return max(0.0, others / ticks / (seconds * cpus)) if seconds > 0 else 0.0


class CpuWatch:
    """CPU time the machine spent on processes outside this run's process tree.

    Compares busy time from /proc/stat with the CPU time of this process and all its descendants
    (live ones, plus what they reaped, so wrk's and gunicorn's exited workers count as ours).
    """

    def __init__(self) -> None:
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.cpus = os.cpu_count() or 1

    @staticmethod
    def _busy() -> int:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
        return user + nice + system + irq + softirq

    @staticmethod
    def _ours() -> int:
        parents: dict[int, int] = {}
        times: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            times[pid] = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        return sum(times.get(pid, 0) for pid in descendants(parents, os.getpid()))

    def snapshot(self) -> Snapshot:
        return time.monotonic(), self._busy(), self._ours()

    def foreign(self, before: Snapshot, after: Snapshot) -> float:
        """Share of the machine's CPU capacity used by others between two snapshots."""
        return foreign_share(before, after, self.ticks, self.cpus)
