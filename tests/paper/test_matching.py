"""One person who signed on paper and online counts once, either order; doubtful pairs asked."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from petitions.extensions import db
from petitions.paper.matching import fold
from petitions.paper.models import PairStatus, PaperPair
from petitions.signing.models import Signature, SignatureOrigin, SignatureState
from petitions.signing.services import ConfirmOutcome, confirm
from tests.factories import confirmed_signature, pending_signature
from tests.helpers import one, parse, words
from tests.paper.conftest import HANNA, PaperDesk


def api(client: FlaskClient, slug: str) -> dict[str, object]:
    answer = client.get(f"/api/v1/petitions/{slug}")
    assert answer.status_code == 200
    data: dict[str, object] = answer.get_json()
    return data


def counts(client: FlaskClient, slug: str) -> tuple[object, object, object]:
    data = api(client, slug)
    return data["signature_count"], data["online_count"], data["paper_count"]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("José  Pérez", "jose perez"),
        ("  ALEŚ\tBIALIATSKI ", "ales bialiatski"),
        ("Müller", "muller"),
        ("Straße", "strasse"),
        ("Алесь Бяляцкі", "алесь бяляцкі"),
    ],
)
def test_names_are_compared_without_case_accents_or_extra_spaces(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_online_first_then_the_same_person_on_paper_counts_once(
    desk: PaperDesk, client: FlaskClient
) -> None:
    online = confirmed_signature(desk.petition, full_name="José Pérez", city="Málaga")
    slug = desk.petition.slug
    assert counts(client, slug) == (1, 1, 0)

    answer = desk.type_sheet(
        [
            {"full_name": "JOSE  perez", "city": "malaga", "country": "ES"},
            {"full_name": "Anna Kowalska", "city": "Gdańsk", "country": "PL"},
        ]
    )

    assert answer.status_code == 303
    assert counts(client, slug) == (2, 1, 1)
    paper_twin = db.session.execute(
        select(Signature.state, Signature.set_aside_reason).where(
            Signature.origin == SignatureOrigin.PAPER, Signature.full_name == "JOSE  perez"
        )
    ).one()
    assert paper_twin == (SignatureState.INVALIDATED, "paper-twin")
    assert api(client, slug)["set_aside"] == {
        "quarantined": 0,
        "invalidated": 1,
        "by_reason": {"paper-twin": 1},
    }
    pair = db.session.execute(select(PaperPair)).scalar_one()
    assert (pair.online_signature_id, pair.status) == (online.id, PairStatus.MATCHED)


def test_paper_first_then_the_same_person_confirming_online_counts_once(
    desk: PaperDesk, client: FlaskClient
) -> None:
    slug = desk.petition.slug
    desk.type_sheet([{"full_name": "José Pérez", "city": "Málaga", "country": "ES"}])
    pending = pending_signature(desk.petition, full_name="jose PEREZ", city=" Malaga")
    assert counts(client, slug) == (1, 0, 1)

    assert confirm(pending.id) is ConfirmOutcome.CONFIRMED

    assert counts(client, slug) == (1, 1, 0)
    public = parse(client.get(f"/p/{slug}"))
    assert words(one(public, '[data-testid="signature-count"]')) == "1"


def test_the_same_email_is_one_person_whatever_the_name(
    desk: PaperDesk, client: FlaskClient
) -> None:
    confirmed_signature(
        desk.petition, full_name="A. Kowalska", city="Gdansk", email="Anna.K@example.org"
    )

    desk.type_sheet(
        [
            {
                "full_name": "Anna Kowalska",
                "city": "Sopot",
                "country": "PL",
                "email": "anna.k@EXAMPLE.org",
            }
        ]
    )

    assert counts(client, desk.petition.slug) == (1, 1, 0)


def test_another_person_of_another_name_counts_apart(desk: PaperDesk, client: FlaskClient) -> None:
    confirmed_signature(desk.petition, full_name="José Pérez", city="Málaga")
    desk.type_sheet([{"full_name": "José Péres", "city": "Málaga", "country": "ES"}])
    assert counts(client, desk.petition.slug) == (2, 1, 1)
    assert db.session.execute(select(PaperPair)).first() is None


def doubtful_rows(desk: PaperDesk) -> list[str]:
    return [words(row) for row in parse(desk.page()).select('[data-testid="pair"]')]


def press(desk: PaperDesk, decision: str) -> None:
    form = one(parse(desk.page()), f'[data-testid="pair"] form[action$="/{decision}"]')
    token = one(form, 'input[name="csrf_token"]')["value"]
    answer = desk.client.post(str(form["action"]), data={"csrf_token": token})
    assert answer.status_code == 303


@pytest.fixture
def doubtful(desk: PaperDesk, client: FlaskClient) -> PaperDesk:
    """The same name on a sheet and online, in two cities."""
    confirmed_signature(desk.petition, full_name="Ihar Losik", city="Baranavichy")
    desk.type_sheet([{"full_name": "Ihar Losik", "city": "Baranovichi", "country": "BY"}])
    return desk


def test_a_doubtful_pair_counts_both_until_decided(
    doubtful: PaperDesk, client: FlaskClient
) -> None:
    assert counts(client, doubtful.petition.slug) == (2, 1, 1)
    assert doubtful_rows(doubtful) == [
        "Ihar Losik, Baranovichi (sheet 7, line 1) Ihar Losik, Baranavichy "
        "Same person Different people"
    ]
    overview = parse(doubtful.client.get(f"/organizer/petitions/{doubtful.petition.slug}"))
    assert "1 pair of paper and online signers waits for a decision." in words(
        one(overview, '[data-testid="summary-paper"]')
    )


def test_same_person_counts_once_and_the_decision_is_recorded(
    doubtful: PaperDesk, client: FlaskClient
) -> None:
    press(doubtful, "same")

    assert counts(client, doubtful.petition.slug) == (1, 1, 0)
    page = parse(doubtful.page())
    assert page.select('[data-testid="pair"]') == []
    decision = words(one(page, '[data-testid="decisions"]'))
    assert decision.startswith(
        f"Ihar Losik, Baranovichi / Ihar Losik, Baranavichy: same person (decided by {HANNA} on "
    )
    pair = db.session.execute(select(PaperPair)).scalar_one()
    assert (pair.status, pair.decided_by) == (PairStatus.SAME, HANNA)
    assert pair.decided_at is not None


def test_different_people_both_count(doubtful: PaperDesk, client: FlaskClient) -> None:
    press(doubtful, "different")

    assert counts(client, doubtful.petition.slug) == (2, 1, 1)
    assert "different people" in words(one(parse(doubtful.page()), '[data-testid="decisions"]'))


def test_a_pair_is_decided_once(doubtful: PaperDesk, client: FlaskClient) -> None:
    pair = db.session.execute(select(PaperPair)).scalar_one()
    path = f"{doubtful.path}pairs/{pair.id}/same"
    press(doubtful, "different")

    again = doubtful.client.post(path, data={"csrf_token": doubtful._token()})

    assert again.status_code == 404
    assert counts(client, doubtful.petition.slug) == (2, 1, 1)


def test_the_public_counter_shows_the_split(desk: PaperDesk, client: FlaskClient) -> None:
    confirmed_signature(desk.petition, full_name="Online Person")
    desk.type_sheet(
        [
            {"full_name": "Paper One", "city": "Minsk", "country": "BY"},
            {"full_name": "Paper Two", "city": "Minsk", "country": "BY"},
        ]
    )

    page = parse(client.get(f"/p/{desk.petition.slug}"))

    assert words(one(page, '[data-testid="signature-count"]')) == "3"
    assert words(one(page, '[data-testid="count-split"]')) == "1 online, 2 on paper"


def test_no_split_is_shown_without_paper(desk: PaperDesk, client: FlaskClient) -> None:
    confirmed_signature(desk.petition, full_name="Online Person")
    page = parse(client.get(f"/p/{desk.petition.slug}"))
    assert page.select('[data-testid="count-split"]') == []


def test_erasing_a_paper_signer_erases_what_the_sheet_row_keeps(desk: PaperDesk) -> None:
    from petitions.paper.models import PaperRow
    from petitions.signing import signals

    desk.type_sheet(
        [
            {
                "full_name": "Anna Kowalska",
                "city": "Gdańsk",
                "country": "PL",
                "email": "a@example.org",
            }
        ]
    )
    row = db.session.execute(select(PaperRow)).scalar_one()

    signals.announce_erasing([row.signature_id])
    db.session.commit()

    kept = db.session.execute(
        select(PaperRow.name_key, PaperRow.city_key, PaperRow.email, PaperRow.email_normalized)
    ).one()
    assert tuple(kept) == ("", "", None, None)


def test_the_partners_counter_shows_the_split(desk: PaperDesk, client: FlaskClient) -> None:
    from petitions.embeds.services import add_partner

    add_partner(desk.petition, "Amnesty NL", "amnesty-nl", ["https://amnesty.example"])
    confirmed_signature(desk.petition, full_name="Online Person")
    desk.type_sheet([{"full_name": "Paper One", "city": "Minsk", "country": "BY"}])

    answer = client.get(
        f"/embed/{desk.petition.slug}/counter?partner=amnesty-nl&origin=https://amnesty.example"
    )

    assert answer.status_code == 200
    page = parse(answer)
    assert words(one(page, '[data-testid="signature-count"]')) == "2"
    assert words(one(page, '[data-testid="count-split"]')) == "1 online, 1 on paper"


def test_the_count_matches_its_rows_after_pairs_in_both_orders(
    doubtful: PaperDesk, client: FlaskClient
) -> None:
    from petitions.counting.services import count_drift

    pending = pending_signature(doubtful.petition, full_name="Olga Paper", city="Vilnius")
    doubtful.type_sheet(
        [{"full_name": "Olga Paper", "city": "Vilnius", "country": "LT"}], number="8"
    )
    confirm(pending.id)
    press(doubtful, "same")

    assert counts(client, doubtful.petition.slug) == (2, 2, 0)
    assert count_drift() == []


def test_a_quarantined_twin_released_by_a_reviewer_counts_once(
    desk: PaperDesk, client: FlaskClient
) -> None:
    from petitions.signing import review
    from petitions.signing.models import ReviewAction
    from tests.factories import quarantined_signature

    desk.type_sheet([{"full_name": "José Pérez", "city": "Málaga", "country": "ES"}])
    quarantined_signature(desk.petition, "client-burst", full_name="Jose Perez", city="Malaga")
    assert counts(client, desk.petition.slug) == (1, 0, 1)

    review.decide(desk.petition, ReviewAction.RELEASE, review.Filter(), by=HANNA)

    assert counts(client, desk.petition.slug) == (1, 1, 0)


def test_the_list_of_open_petitions_gives_the_split_too(
    desk: PaperDesk, client: FlaskClient
) -> None:
    confirmed_signature(desk.petition, full_name="Online Person")
    desk.type_sheet([{"full_name": "Paper One", "city": "Minsk", "country": "BY"}])

    listed = client.get("/api/v1/petitions").get_json()["petitions"]

    ours = next(each for each in listed if each["slug"] == desk.petition.slug)
    assert (ours["signature_count"], ours["online_count"], ours["paper_count"]) == (2, 1, 1)
