"""Who signed both on paper and online: found, counted once, and the doubtful pairs asked about.

Names and cities are compared folded (:func:`fold`): case, accents and spacing do not matter,
so "José  Pérez, Málaga" on a sheet is "jose perez, malaga" online. An email written on a sheet
is compared reduced as online addresses are (signing.services.normalize_email).

- The same name and city, or the same email: one person (``matched``). The online signature
  counts for both; the paper one is set aside with the reason ``paper-twin``, which the public
  numbers publish with the other reasons. The online one is kept because its owner confirmed it
  by mail and may withdraw it; a sheet can do neither.
- The same name in another city (a typo, a suburb, a move): ``doubtful``. Both count until an
  organizer decides (manage/paper.py): "same person" sets the paper one aside, "different
  people" keeps both; the decision is recorded with who took it and when. Counting both while
  they wait keeps a real signer from being dropped on a guess; the page says how many wait.

Pairs are looked for when a sheet is entered (against the online signatures counted then) and
when an online signature is counted later, confirmed or released from quarantine by a
reviewer (signing's ``counted`` signal, in that transaction), so neither order leaves a person
counted twice. One whose invalidation is undone is not looked at again: that is rare, and the
nightly drift check is unaffected as both sides stay rows.
Withdrawing the online twin leaves its paper signature set aside: the person took their
signature back. A sheet entered in the very moment its twin confirms online (neither
transaction sees the other's rows) can leave both counted: the pair is then missed, a window
of milliseconds against an organizer's import.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select, update

from petitions.clock import utcnow
from petitions.defence.reasons import SetAsideReason
from petitions.extensions import db
from petitions.paper.models import ONE_PERSON, PairStatus, PaperPair, PaperRow
from petitions.signing import signals
from petitions.signing.counts import count_change
from petitions.signing.models import Signature, SignatureOrigin, SignatureState

#: Online signatures read at a time when a sheet is matched against them.
BATCH = 2000


def fold(text: str) -> str:
    """Return a name or city as compared: no accents, case folded, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class Candidate:
    """One side of a possible pair: a signature and what matching compares of it."""

    signature_id: int
    name_key: str
    city_key: str
    email_normalized: str | None


def kind_of_pair(paper: Candidate, online: Candidate) -> tuple[PairStatus, str] | None:
    """Say whether two signatures are one person, maybe one person, or nobody's business."""
    if paper.email_normalized and paper.email_normalized == online.email_normalized:
        return PairStatus.MATCHED, "email"
    if not paper.name_key or paper.name_key != online.name_key:
        return None
    if paper.city_key == online.city_key:
        return PairStatus.MATCHED, "name-city"
    return PairStatus.DOUBTFUL, "name"


def set_aside_twin(petition_id: int, paper_signature_id: int) -> bool:
    """Set a counted paper signature aside as the twin of an online one, and uncount it.

    A conditional UPDATE: a paper signature already set aside (by another twin, or a rule) is
    left alone and uncounted once only. In the caller's transaction.
    """
    changed = db.session.execute(
        update(Signature)
        .where(
            Signature.id == paper_signature_id,
            Signature.origin == SignatureOrigin.PAPER,
            Signature.state == SignatureState.CONFIRMED,
        )
        .values(state=SignatureState.INVALIDATED, set_aside_reason=SetAsideReason.PAPER_TWIN.value)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    count_change(petition_id, paper_signature_id, -1)
    return True


def _record(petition_id: int, paper: Candidate, online: Candidate) -> PairStatus | None:
    found = kind_of_pair(paper, online)
    if found is None:
        return None
    status, because = found
    db.session.add(
        PaperPair(
            petition_id=petition_id,
            paper_signature_id=paper.signature_id,
            online_signature_id=online.signature_id,
            status=status,
            because=because,
            found_at=utcnow(),
        )
    )
    if status in ONE_PERSON:
        set_aside_twin(petition_id, paper.signature_id)
    return status


def match_sheet(petition_id: int, rows: Sequence[Candidate]) -> dict[PairStatus, int]:
    """Pair a sheet's new paper signatures with the petition's counted online ones.

    Reads the online signatures a batch at a time (names are folded here, not in SQL, which
    cannot fold accents alike on both databases): one pass however long the sheet.

    :returns: how many pairs of each kind were found.
    """
    by_name: dict[str, list[Candidate]] = defaultdict(list)
    by_email: dict[str, list[Candidate]] = defaultdict(list)
    for row in rows:
        by_name[row.name_key].append(row)
        if row.email_normalized:
            by_email[row.email_normalized].append(row)
    found: dict[PairStatus, int] = defaultdict(int)
    query = (
        select(Signature.id, Signature.full_name, Signature.city, Signature.email_normalized)
        .where(
            Signature.petition_id == petition_id,
            Signature.origin == SignatureOrigin.ONLINE,
            Signature.state == SignatureState.CONFIRMED,
        )
        .order_by(Signature.id)
        .execution_options(yield_per=BATCH)
    )
    pairs: list[tuple[Candidate, Candidate]] = []
    for sid, name, city, email in db.session.execute(query):
        online = Candidate(sid, fold(name), fold(city), email)
        papers = {id(row): row for row in by_name.get(online.name_key, ())}
        papers.update({id(row): row for row in by_email.get(email or "", ())})
        pairs.extend((paper, online) for paper in papers.values())
    for paper, online in pairs:
        status = _record(petition_id, paper, online)
        if status is not None:
            found[status] += 1
    return dict(found)


#: Keys looked up at a time when many signatures are counted at once (a reviewer's release).
_KEYS_PER_QUERY = 500


def _paper_candidates(petition_id: int, online: Sequence[Candidate]) -> Iterable[Candidate]:
    """Yield the petition's paper signatures sharing a name or an email with any of these."""
    names = sorted({each.name_key for each in online})
    emails = sorted({each.email_normalized for each in online if each.email_normalized})
    for column, keys in ((PaperRow.name_key, names), (PaperRow.email_normalized, emails)):
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            query = select(
                PaperRow.signature_id,
                PaperRow.name_key,
                PaperRow.city_key,
                PaperRow.email_normalized,
            ).where(
                PaperRow.petition_id == petition_id,
                column.in_(keys[start : start + _KEYS_PER_QUERY]),
            )
            for sid, name_key, city_key, email in db.session.execute(query):
                yield Candidate(sid, name_key, city_key, email)


@signals.counted.connect
def _on_counted(
    sender: object, petition_id: int, signature_ids: list[int], **extra: object
) -> None:
    """Pair online signatures being counted with the paper signatures of their petition.

    One query for a petition without paper sheets (the signatures' fields, read only if the
    petition has a paper row), so confirmations elsewhere pay next to nothing.
    """
    rows = db.session.execute(
        select(Signature.id, Signature.full_name, Signature.city, Signature.email_normalized)
        .where(
            Signature.id.in_(signature_ids),
            Signature.origin == SignatureOrigin.ONLINE,
            exists().where(PaperRow.petition_id == petition_id),
        )
        .order_by(Signature.id)
    ).all()
    if not rows:
        return
    online = [Candidate(sid, fold(name), fold(city), email) for sid, name, city, email in rows]
    papers = {paper.signature_id: paper for paper in _paper_candidates(petition_id, online)}
    for each in online:
        for paper in papers.values():
            _record(petition_id, paper, each)


@signals.erasing.connect
def _on_erasing(sender: object, signature_ids: list[int], **extra: object) -> None:
    """Erase what a sheet's row keeps of a signer whose data is being erased or anonymised."""
    db.session.execute(
        update(PaperRow)
        .where(PaperRow.signature_id.in_(signature_ids))
        .values(name_key="", city_key="", email=None, email_normalized=None)
        .execution_options(synchronize_session=False)
    )
