"""Hanna removes a sheet entered in error: it stops counting at once, everywhere, and stays
listed as removed with her reason; the twins' online signatures keep counting."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from petitions.bundles import services as bundles
from petitions.extensions import db
from petitions.paper import removal
from petitions.paper.models import PaperPair, PaperRow, PaperSheet
from petitions.signing.models import Signature, SignatureOrigin, SignatureState
from tests.conftest import csrf_token
from tests.factories import confirmed_signature, detained_case, open_petition, organizer
from tests.helpers import count_in_api, count_on_page, one, parse, words
from tests.paper.conftest import HANNA, PaperDesk
from tests.paper.test_bundles_and_exports import bundle, one_line

ROWS = [
    {"full_name": "Anna Kowalska", "city": "Gdańsk", "country": "PL", "email": "anna@example.pl"},
    # Signed online too, same city: set aside as the twin, the online one counts.
    {"full_name": "jan de vries", "city": "UTRECHT", "country": "NL"},
    # Same name as an online signer in another city: a doubtful pair, both count.
    {"full_name": "Ihar Losik", "city": "Brest", "country": "BY"},
]
REASON = "Entered twice: this is sheet 3 again"


def sheet_row(desk: PaperDesk, number: int) -> object:
    page = parse(desk.page())
    return one(page, f'[data-testid="sheet"][data-sheet="{number}"]')


def sheet_id(number: int) -> int:
    return db.session.execute(
        select(PaperSheet.id).where(PaperSheet.number == number, PaperSheet.removed_at.is_(None))
    ).scalar_one()


def sheet_of_7() -> int:
    return db.session.execute(select(PaperSheet.id).where(PaperSheet.number == 7)).scalar_one()


def press_remove(desk: PaperDesk, number: int) -> TestResponse:
    """Press the sheet's "Remove…" button on the paper page (a POST with its token)."""
    page = parse(desk.page())
    form = one(page, f'[data-testid="sheet"][data-sheet="{number}"] form')
    token = one(form, 'input[name="csrf_token"]')["value"]
    return desk.client.post(str(form["action"]), data={"csrf_token": token}, follow_redirects=True)


def confirm(desk: PaperDesk, number: int, reason: str) -> TestResponse:
    """On the confirm page, write the reason and press the button."""
    shown = press_remove(desk, number)
    assert shown.status_code == 200
    form = one(parse(shown), '[data-testid="remove-sheet"] form')
    return desk.client.post(
        str(form["action"]),
        data={"csrf_token": csrf_token(shown.get_data(as_text=True)), "reason": reason},
    )


@pytest.fixture
def entered(desk: PaperDesk) -> PaperDesk:
    confirmed_signature(desk.petition, full_name="Jan de Vries", city="Utrecht")
    confirmed_signature(desk.petition, full_name="Ihar Losik", city="Minsk")
    assert desk.type_sheet(ROWS).status_code == 303
    return desk


def test_the_confirm_page_says_what_happens(entered: PaperDesk) -> None:
    shown = press_remove(entered, 7)

    assert shown.status_code == 200
    said = words(one(parse(shown), '[data-testid="what-happens"]'))
    # Three rows, one of them the twin of an online signer (not counted): two stop counting.
    assert said == "Sheet 7: 2 signatures will no longer count."
    assert not parse(shown).select('[data-testid="delivered-warning"]')


def test_removing_drops_the_public_count_at_once(entered: PaperDesk, client: FlaskClient) -> None:
    slug = entered.petition.slug
    # Read first, so a cached count would show if the removal did not announce itself.
    assert count_on_page(client, slug) == 4
    assert count_in_api(client, slug) == 4

    answer = confirm(entered, 7, REASON)

    assert answer.status_code == 303
    assert count_on_page(client, slug) == 2
    assert count_in_api(client, slug) == 2
    assert client.get(f"/api/v1/petitions/{slug}").get_json()["paper_count"] == 0
    flashed = [words(p) for p in parse(entered.page()).select("p.flash")]
    assert flashed == ["Sheet 7 removed: 2 signatures no longer count."]


def test_the_sheet_stays_listed_as_removed_with_its_reason(entered: PaperDesk) -> None:
    confirm(entered, 7, REASON)

    row = sheet_row(entered, 7)
    removed = words(one(row, '[data-testid="removed"]'))  # type: ignore[arg-type]
    assert removed.startswith(f"Removed by {HANNA} on ")
    assert removed.endswith(f"UTC: {REASON}")
    assert not row.select("form")  # type: ignore[attr-defined]
    assert words(one(parse(entered.page()), '[data-testid="paper-count"]')) == "0"


def test_the_signatures_are_erased_and_their_pairs_undone(entered: PaperDesk) -> None:
    confirm(entered, 7, REASON)

    paper = db.session.execute(
        select(Signature.full_name, Signature.city, Signature.email, Signature.state).where(
            Signature.origin == SignatureOrigin.PAPER
        )
    ).all()
    assert paper == [("", "", None, SignatureState.INVALIDATED)] * 3
    keys = db.session.execute(
        select(PaperRow.name_key, PaperRow.city_key, PaperRow.email, PaperRow.email_normalized)
    ).all()
    assert keys == [("", "", None, None)] * 3
    assert db.session.scalar(select(func.count()).select_from(PaperPair)) == 0
    online = db.session.execute(
        select(Signature.full_name, Signature.state)
        .where(Signature.origin == SignatureOrigin.ONLINE)
        .order_by(Signature.full_name)
    ).all()
    assert online == [
        ("Ihar Losik", SignatureState.CONFIRMED),
        ("Jan de Vries", SignatureState.CONFIRMED),
    ]
    assert "Maybe the same person" in words(parse(entered.page()))
    assert not parse(entered.page()).select('[data-testid="pair"]')


def test_the_bundle_and_the_export_no_longer_list_them(entered: PaperDesk) -> None:
    before = one_line("\n".join(bundle(entered)))
    assert "Anna Kowalska" in before

    confirm(entered, 7, REASON)

    text = one_line("\n".join(bundle(entered)))
    assert "Anna Kowalska" not in text
    assert "On paper, sheet 7" not in text
    assert "2 signatures" in text
    exported = entered.client.get(f"/organizer/petitions/{entered.petition.slug}/signatures.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(row[1] for row in rows[1:]) == ["Ihar Losik", "Jan de Vries"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(entered: PaperDesk, client: FlaskClient, reason: str) -> None:
    answer = confirm(entered, 7, reason)

    assert answer.status_code == 422
    error = words(one(parse(answer), ".field.has-error .error"))
    assert error == "Please say why the sheet is removed: the reason stays on its record."
    assert count_in_api(client, entered.petition.slug) == 4
    assert db.session.execute(select(PaperSheet.removed_at)).scalar_one() is None
    assert db.session.scalar(select(func.count()).select_from(PaperPair)) == 2


def test_removing_twice_is_refused_clearly(entered: PaperDesk, client: FlaskClient) -> None:
    shown = press_remove(entered, 7)
    form = one(parse(shown), '[data-testid="remove-sheet"] form')
    data = {"csrf_token": csrf_token(shown.get_data(as_text=True)), "reason": REASON}
    assert entered.client.post(str(form["action"]), data=data).status_code == 303

    again = entered.client.post(str(form["action"]), data={**data, "reason": "again"})

    assert again.status_code == 303
    flashed = [words(p) for p in parse(entered.page()).select("p.flash")]
    assert flashed[-1] == "Sheet 7 was removed already; nothing changed."
    assert count_in_api(client, entered.petition.slug) == 2
    assert db.session.execute(select(PaperSheet.removal_reason)).scalar_one() == REASON
    # Two organizers pressing at the same moment: the second finds it claimed.
    with pytest.raises(removal.AlreadyRemoved):
        removal.remove_sheet(entered.petition, sheet_of_7(), "again", by=HANNA, organizer_id=None)
    assert count_in_api(client, entered.petition.slug) == 2
    # The confirm page of a removed sheet sends back too.
    assert entered.client.get(str(form["action"]).replace("/removal", "/remove")).status_code == 303


def test_a_removed_sheet_frees_its_number(entered: PaperDesk, client: FlaskClient) -> None:
    confirm(entered, 7, REASON)

    answer = entered.type_sheet([{"full_name": "Maria Nowak", "city": "Kraków", "country": "PL"}])

    assert answer.status_code == 303
    assert count_in_api(client, entered.petition.slug) == 3
    assert len(parse(entered.page()).select('[data-testid="sheet"][data-sheet="7"]')) == 2


def test_a_sheet_in_a_delivered_bundle_can_be_removed_with_a_warning(entered: PaperDesk) -> None:
    bundle(entered)
    printed = bundles.bundles_of(entered.petition.id)[0]
    bundles.record_delivery(
        entered.petition, printed, "Embassy of Belarus", dt.date(2026, 12, 1), "", None
    )

    shown = press_remove(entered, 7)

    warning = words(one(parse(shown), '[data-testid="delivered-warning"]'))
    assert "stays as it was delivered" in warning
    assert confirm(entered, 7, REASON).status_code == 303


def test_another_petitions_sheet_is_not_found(entered: PaperDesk) -> None:
    theirs = open_petition(slug="other", case=detained_case(slug="other-case"))
    organizer("other@example.org", cases=(theirs.case,))
    mine = sheet_id(7)
    token = csrf_token(entered.page().get_data(as_text=True))

    # Hanna does not run the other petition; and her sheet is not under another petition.
    assert (
        entered.client.get(f"/organizer/petitions/other/paper/sheets/{mine}/remove").status_code
        == 404
    )
    wrong = f"/organizer/petitions/{entered.petition.slug}/paper/sheets/{mine + 100}/removal"
    assert entered.client.post(wrong, data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert db.session.execute(select(PaperSheet.removed_at)).scalar_one() is None
