"""The SVG badge as an image reader sees it: formatted numbers and the real share of the goal."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree

from petitions.extensions import db
from tests.conftest import SmtpServer
from tests.factories import open_petition

SVG = "{http://www.w3.org/2000/svg}"


def badge(client: FlaskClient, slug: str, **headers: str) -> Any:
    answer = client.get(f"/badge/{slug}.svg", headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    return etree.fromstring(answer.get_data())


def _with_count(count: int, goal: int, title: str = "Free Ales Bialiatski") -> str:
    petition = open_petition(title=title, goal=goal)
    petition.count_base = count
    db.session.commit()
    return petition.slug


def test_the_title_tells_the_real_share_and_formats_the_numbers(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    slug = _with_count(20019, 5000)

    svg = badge(client, slug, **{"Accept-Language": "en"})

    title = svg.find(f"{SVG}title")
    assert title.text == "Free Ales Bialiatski: 20,019 signatures, 400% of the goal"
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["20,019", "of a goal of 5,000"]
    bars = svg.findall(f"{SVG}rect")
    assert float(bars[-1].get("width")) == 296.0, "the bar stops at the goal"


@pytest.mark.parametrize(
    ("count", "goal", "share", "width"),
    [(0, 1000, "0%", 0.0), (1, 3, "33%", 98.7), (999, 1000, "99%", 295.7)],
)
def test_the_bar_and_the_share_agree_below_the_goal(
    client: FlaskClient, smtp: SmtpServer, count: int, goal: int, share: str, width: float
) -> None:
    svg = badge(client, _with_count(count, goal), **{"Accept-Language": "en"})

    title = svg.find(f"{SVG}title").text
    assert title.endswith(f", {share} of the goal")
    assert float(svg.findall(f"{SVG}rect")[-1].get("width")) == width


def test_a_russian_badge_formats_numbers_the_russian_way(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    slug = _with_count(20019, 5000)

    svg = badge(client, slug, **{"Accept-Language": "ru"})

    # Russian groups thousands with a no-break space and writes "400 %".
    (number, goal) = [text.text for text in svg.iter(f"{SVG}text")]
    assert number == "20\xa0019"
    assert goal.endswith("5\xa0000")
    title = svg.find(f"{SVG}title").text
    assert "20\xa0019" in title
    assert "400\xa0%" in title
