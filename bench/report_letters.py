"""The report's text of the letters' figures (issue #15, bench/letters.py): rows 9 of the table
and the per-round section.

Functions of the measurements alone, as the rest of bench/report.py. Issue #15 set no targets
for these pages: each row gives its ratio to /livez and no verdict. A run without letter
figures (older stored results) gets none of these lines.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.letters import LETTER_ROWS
from bench.report_day import LABELS, pct
from bench.rounds import Round

Lines = list[str]


def _measured(rounds: list[Round]) -> list[Round]:
    return [r for r in rounds if r.letters]


def letter_rows(name: str, rounds: list[Round]) -> Lines:
    """Row 9 of one back end: each letters page or POST measured in every round."""
    measured = _measured(rounds)
    if not measured:
        return []
    livez = f"{statistics.median(r.livez for r in measured):,.0f}/s"
    lines = []
    for key, what in LETTER_ROWS:
        if not all(key in r.letters for r in measured):
            continue
        ratio = statistics.median(r.letters[key] / r.livez for r in measured if r.livez)
        figure = statistics.median(r.letters[key] for r in measured)
        lines.append(
            f"| 9 | letters: {what} | {LABELS[name]} | {figure:,.0f}/s | {livez} "
            f"| {pct(ratio)} | – | – |"
        )
    return lines


def letters_section(http: list[tuple[str, dict[str, Any]]]) -> Lines:
    """Each round's letter figures, per back end."""
    lines: Lines = []
    for name, values in http:
        rounds = _measured(values["rounds"])
        if not rounds:
            continue
        keys = [key for key, _ in LETTER_ROWS if all(key in r.letters for r in rounds)]
        lines += [
            f"**{LABELS[name]}**",
            "",
            "| round | /livez | " + " | ".join(keys) + " |",
            "| --- | ---: | " + " | ".join("---:" for _ in keys) + " |",
            *(
                f"| {n} | {r.livez:,.0f} | "
                + " | ".join(f"{r.letters[k]:,.0f}" for k in keys)
                + " |"
                for n, r in enumerate(rounds, 1)
            ),
            "",
        ]
    if not lines:
        return []
    return [
        "## The letters (`bench/letters.py`)",
        "",
        "The demo case takes letters (to its family, in Belarusian or Russian), with its "
        "birthday, a holiday, three ready texts and a wall of approved wishes, the first of "
        "them printed in a batch. write: the writing page, a first visit; wall: the wall; "
        "letter: a valid birthday wish from a new address each time (303 to the "
        "check-your-inbox page; every 303 one new letter row, see the rounds' notes); verify: "
        "the batch's public verify page. No targets: the ratios are to /livez of the round.",
        "",
        *lines,
    ]
