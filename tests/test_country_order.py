"""Country lists read in the order of the reader's alphabet, not of Unicode code points."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import open_petition
from tests.helpers import parse


def countries_offered(client: FlaskClient, language: str) -> list[str]:
    petition = open_petition()
    page = parse(client.get(f"/p/{petition.slug}?lang={language}"))
    return [option.get_text(strip=True) for option in page.select("main select#country option")]


def before(names: list[str], first: str, second: str) -> bool:
    return names.index(first) < names.index(second)


@pytest.mark.parametrize(
    ("language", "pairs"),
    [
        # Accents sort with their letter: Åland with the A's, Côte d'Ivoire before Croatia.
        (
            "en",
            [
                ("Åland Islands", "Albania"),
                ("Côte d’Ivoire", "Croatia"),
                ("Réunion", "Romania"),
                ("São Tomé & Príncipe", "Saudi Arabia"),
                ("Türkiye", "Turkmenistan"),
            ],
        ),
        # Belarusian І comes between З and Й, not after Я.
        (
            "be",
            [("Злучаныя Штаты Амерыкі", "Іарданія"), ("Італія", "Казахстан"), ("Іран", "Японія")],
        ),
        ("nl", [("Réunion", "Roemenië"), ("Åland", "Albanië")]),
    ],
)
def test_countries_follow_the_readers_alphabet(
    client: FlaskClient, language: str, pairs: list[tuple[str, str]]
) -> None:
    names = countries_offered(client, language)

    for first, second in pairs:
        assert before(names, first, second), (first, second)
