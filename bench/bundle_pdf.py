"""Benchmark the signature-bundle PDF: time, peak memory and size for 10,000 and 100,000 rows.

Run from the project root:  .venv/bin/python bench/bundle_pdf.py [--sizes 10000 100000]

Each size renders in a fresh subprocess, so the peak resident memory (the child's own
``ru_maxrss``, read with ``os.wait4``) belongs to that size alone. Rows are synthetic but
realistic: mixed scripts (Latin, Belarusian Cyrillic, Greek, Arabic, Hebrew, Georgian,
Armenian, Devanagari, CJK), a fifth of them with a comment, a few long. They are generated on
the fly, the same on each pass, so the benchmark itself holds no list of rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from petitions.bundles.pdf import BundleHeader, BundleRow, load_fonts, render_bundle

ROOT = Path(__file__).resolve().parent.parent

FIRST = [
    "Алесь", "Ўладзімір", "Марыя", "Ірына", "Σωκράτης", "Ελένη", "Anna", "Jan", "Marie",
    "Łukasz", "Jürgen", "Nguyễn", "محمد", "فاطمة", "דוד", "שרה", "ნინო", "Արամ", "अनिल",
    "王", "김", "Sofía", "Ahmet", "Olena",
]  # fmt: skip
LAST = [
    "Бяляцкі", "Лабковіч", "Калеснікава", "Παπαδόπουλος", "Jansen", "Dupont", "Żółkiewski",
    "Groß", "Văn An", "عبد الله", "כהן", "ბერიძე", "Պետրոսյան", "शर्मा", "小明", "민준",
    "García", "Yılmaz", "Kovalenko", "de Vries",
]  # fmt: skip
PLACES = [
    ("Мінск", "Беларусь"), ("Гродна", "Беларусь"), ("Vilnius", "Lithuania"),
    ("Warszawa", "Poland"), ("Αθήνα", "Greece"), ("Den Haag", "Netherlands"),
    ("Berlin", "Germany"), ("القاهرة", "Egypt"), ("תל אביב", "Israel"), ("თბილისი", "Georgia"),
    ("東京", "Japan"), ("Paris", "France"),
]  # fmt: skip
COMMENT_WORDS = [
    "Свабоду", "палітвязням!", "Free", "all", "political", "prisoners.", "Ελευθερία.",
    "Solidarity", "from", "the", "Netherlands.", "Жыве", "Беларусь!", "We", "will", "not",
    "forget", "you.", "الحرية", "لجميع", "المعتقلين",
]  # fmt: skip


def synthetic_rows(count: int, seed: int = 2011) -> Iterator[BundleRow]:
    """Yield ``count`` rows, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    start = date(2026, 1, 1)
    for number in range(1, count + 1):
        city, country = rng.choice(PLACES)
        roll = rng.random()
        comment = None
        if roll < 0.02:
            comment = " ".join(rng.choices(COMMENT_WORDS, k=rng.randint(45, 70)))
        elif roll < 0.2:
            comment = " ".join(rng.choices(COMMENT_WORDS, k=rng.randint(3, 18)))
        yield BundleRow(
            number=number,
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            city=city,
            country=country,
            signed_on=start + timedelta(days=number * 200 // count),
            comment=comment,
        )


def child(count: int, path: str) -> None:
    """Render one bundle and print what the parent needs as one JSON line."""
    import resource

    fonts = load_fonts()
    fonts_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fingerprint = hashlib.sha256(f"bench {count}".encode()).hexdigest()
    header = BundleHeader(
        petition_title="Free Ales Bialiatski and all political prisoners in Belarus",
        petition_text=(
            "Your Excellency,\n\nWe call on the authorities of **Belarus** to:\n\n"
            "1. release *Ales Bialiatski*;\n2. release all political prisoners;\n"
            "3. end the persecution of human-rights defenders.\n\nRespectfully."
        ),
        prisoner_name="Алесь Бяляцкі (Ales Bialiatski)",
        recipient_name="Embassy of the Republic of Belarus, The Hague",
        recipient_address="Anna Paulownastraat 34\n2518 BE Den Haag\nThe Netherlands",
        signature_count=count,
        generated_at=datetime(2026, 8, 4, 12, 0),
        fingerprint=fingerprint,
        verify_url=f"https://petitions.example.org/verify/{fingerprint}",
        countries=(),
    )
    started = time.perf_counter()
    with open(path, "wb") as out:
        pages = render_bundle(out, header, lambda: synthetic_rows(count), fonts)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "pages": pages,
                "bytes": os.path.getsize(path),
                "fonts_mb": fonts_mb,
            }
        )
    )


def measure(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bundle-{count}.pdf")
        process = subprocess.Popen(  # noqa: S603 - this interpreter, this script
            [sys.executable, __file__, "--child", str(count), path],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"rendering {count} rows failed (exit {process.returncode})")
        result: dict[str, float] = json.loads(output.decode().strip().splitlines()[-1])
        result["rows"] = count
        result["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=2, metavar=("ROWS", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1])
        return

    results = []
    print(f"{'rows':>8} {'seconds':>8} {'peak MB':>8} {'fonts MB':>9} {'pages':>6} {'file MB':>8}")
    for size in args.sizes:
        r = measure(size)
        results.append(r)
        print(
            f"{int(r['rows']):>8,} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
            f"{r['fonts_mb']:>9.0f} {int(r['pages']):>6,} {r['bytes'] / 2**20:>8.1f}",
            flush=True,
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        ratio = large["peak_mb"] / small["peak_mb"]
        growth = large["peak_mb"] - small["peak_mb"]
        output_growth = (large["bytes"] - small["bytes"]) / 2**20
        print(
            f"peak memory {int(large['rows']):,}/{int(small['rows']):,} rows: {ratio:.2f}x "
            f"(+{growth:.0f} MB for +{output_growth:.1f} MB of PDF; "
            f"{growth / max(output_growth, 0.01):.1f} MB per MB of output)"
        )
        print(f"rows per second at {int(large['rows']):,}: {large['rows'] / large['seconds']:,.0f}")
        print("'fonts MB': peak after importing the app and loading the fonts, before rendering.")


if __name__ == "__main__":
    main()
