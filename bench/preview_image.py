"""Time the drawing of one link preview image (in-process), for the README.

Run from the project root:  .venv/bin/python bench/preview_image.py [--rounds 30]

Three cases: a short Latin title without a portrait, a long Cyrillic-and-Latin title (200
characters, shrunk and wrapped) with a 1200×1600 JPEG portrait, and the same without one. Each
is drawn once to load the fonts, then ``--rounds`` times; the median and the fastest are
printed in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image

from petitions.counting.preview_image import PreviewContent, load_preview_fonts, render

LONG_TITLE = (
    "Освободите Марию Колесникову, Максима Знака и всех политических заключённых Беларуси: "
    "Free Maria Kalesnikava, Maxim Znak and every political prisoner held in Belarus today "
)[:200]


def _portrait() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1200, 1600), 64).convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    fonts = load_preview_fonts()
    portrait = _portrait()
    cases = {
        "short title, no portrait": PreviewContent(
            "Free Ales Bialiatski", "57 signatures", "Solidarity petitions"
        ),
        "200-character title, no portrait": PreviewContent(
            LONG_TITLE, "Больше 12 000 подписей", "Solidarity petitions"
        ),
        "200-character title, portrait": PreviewContent(
            LONG_TITLE, "Больше 12 000 подписей", "Solidarity petitions", portrait
        ),
    }
    for name, content in cases.items():
        png = render(content, fonts)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            render(content, fonts)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name}: median {statistics.median(times):.0f} ms, fastest {min(times):.0f} ms, "
            f"{len(png) // 1024} KiB"
        )


if __name__ == "__main__":
    main()
