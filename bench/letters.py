"""The letters of a round (issue #15): the writing page, the wall, a letter sent, a batch verified.

`seed` gives the demo case (`flask demo-data`) what a case taking letters has, through the
letters area's own services: letters open (to the family), the birthday and a holiday, three
ready texts, words to avoid, a public wall, and approved letters, the first of them printed in
a batch (whose fingerprint the verify page is asked for).

Each run is taken as a ratio to the round's /livez, as the public pages are (bench/pages.py):

- ``write``: repeated GETs of ``/cases/<slug>/write``, the writing page (occasions with their
  countdown and wishes so far, the ready texts, the form), each a first visit: no cookie.
- ``wall``: repeated GETs of ``/cases/<slug>/wall``, the approved wishes.
- ``letter``: POSTs of the writing page's form, each a valid birthday wish from a new address:
  303s to the check-your-inbox page. After the run every 303 must be exactly one new letter row
  (plus the requests wrk cut off at its stop), as for the sign run (bench/rounds.py).
- ``verify``: repeated GETs of ``/letter-batches/<fingerprint>``, the public verify page.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import urllib.parse
import uuid
from dataclasses import dataclass

from bench.load import Wrk, WrkResult, form_post
from bench.pages import case_slug
from bench.rounds import Round, check_answers
from bench.servers import Backend

#: The keys of Round.letters, in the order of the table, and what each row says.
LETTER_ROWS = (
    ("write", "writing page `/cases/<slug>/write` 200"),
    ("wall", "wall of wishes `/cases/<slug>/wall` 200"),
    ("letter", "letter POST `/cases/<slug>/write` 303"),
    ("verify", "batch verify page `/letter-batches/<fingerprint>` 200"),
)

#: Ales Bialiatski's birthday, the letters' occasion.
BIRTHDAY = dt.date(1962, 9, 25)

#: Letters on the wall: the first PRINTED of them in one batch, the rest approved since.
APPROVED = 120
PRINTED = 40

#: The ready texts: language, text, occasion (None: any).
READY_TEXTS = (
    ("be", "Шаноўны Алесь! Віншуем з днём нараджэння. Мы памятаем пра вас і чакаем.", "birthday"),
    ("ru", "Дорогой Алесь! С днём рождения. Мы помним о вас и ждём встречи.", "birthday"),
    ("ru", "Здравствуйте, Алесь! Пишу, чтобы сказать: вы не один. Берегите себя.", None),
)

#: What the wall's letters say, in turn (Belarusian and Russian, the case's languages).
WISHES = (
    ("be", "Дарагі Алесь, з днём нараджэння! Дзякуй за ўсё, што вы зрабілі для людзей. "),
    ("ru", "Дорогой Алесь, с днём рождения! Желаю здоровья, сил и скорой встречи с родными. "),
    ("ru", "Здравствуйте! Мы читаем о вас каждый день и гордимся вами. Держитесь, пожалуйста. "),
)

#: The letter each POST sends: a birthday wish in Russian, signed, with a city and a country.
LETTER = {
    "occasion": "birthday",
    "language": "ru",
    "body": "Дорогой Алесь! Поздравляю с днём рождения. Желаю здоровья и терпения, "
    "мы помним о вас и ждём вашего возвращения домой.",
    "writer_name": "Bench Writer",
    "show_name": "y",
    "city": "Den Haag",
    "country": "NL",
}


def _settings() -> dict[str, object]:
    from petitions.letters.models import Channel

    return {
        "is_open": True,
        "channel": Channel.FAMILY,
        "postal_address": "Family of the prisoner (bench data)\nPO Box 1\n220000 Minsk",
        "addressee_name": "Алесь Віктаравіч Бяляцкі",
        "birth_year": 1962,
        "languages": "be,ru",
        "max_length": 1500,
        "rules": "Write in Belarusian or Russian. Do not write about politics or the trial.",
        "words_to_avoid": "суд\nпалітыка\nполитика\nприговор",
        "birthday": BIRTHDAY,
        "wall": True,
    }


def _approve(case_id: int, first: int, last: int, year: int) -> None:
    """Insert letters ``first`` + 1 to ``last`` of the case, approved (Core, one statement):
    every other one a wish for the birthday of ``year`` (the next), the others for the last."""
    from sqlalchemy import insert

    from petitions.clock import utcnow
    from petitions.extensions import db
    from petitions.letters.models import Letter, LetterState, Occasion

    now = utcnow()
    rows = []
    for n in range(first, last):
        language, text = WISHES[n % len(WISHES)]
        rows.append(
            {
                "case_id": case_id,
                "number": n + 1,
                "state": LetterState.APPROVED,
                "occasion": Occasion.BIRTHDAY,
                "occasion_year": year - (n % 2),
                "language": language,
                "body": text * (1 + n % 3),
                "writer_name": f"Wall Writer {n + 1}",
                "show_name": n % 2 == 0,
                "city": "Vilnius" if n % 3 else "",
                "country": ("LT", "PL", "")[n % 3],
                "email": f"wall-{n + 1}@example.org",
                "email_normalized": f"wall-{n + 1}@example.org",
                "locale": language,
                "created_at": now,
                "confirmed_at": now,
                "decided_at": now,
                "decided_by": "bench",
            }
        )
    db.session.execute(insert(Letter), rows)
    db.session.commit()


def seed(backend: Backend) -> str:
    """Open letters on the demo case, with ready texts and approved letters, the first of them
    printed in a batch; return the batch's fingerprint."""
    from sqlalchemy import select, update

    from petitions.cases import status
    from petitions.cases.models import Case
    from petitions.letters import batches
    from petitions.letters import settings as letters
    from petitions.letters.models import LetterSettings, Occasion, PaperSize
    from petitions.letters.services import next_day

    slug = case_slug(backend)
    birthday = next_day(BIRTHDAY, status.today())
    with backend.session() as session:
        case = session.execute(select(Case).where(Case.slug == slug)).scalar_one()
        letters.save_settings(case, _settings(), by="bench")
        for language, text, occasion in READY_TEXTS:
            kind = Occasion(occasion) if occasion else None
            letters.add_ready_text(case, language, text, kind)
        letters.add_holiday(case, "Christmas", dt.date(2000, 12, 25))
        _approve(case.id, 0, PRINTED, birthday.year)
        session.execute(
            update(LetterSettings)
            .where(LetterSettings.case_id == case.id)
            .values(last_number=APPROVED)
        )
        session.commit()
        batch = batches.print_batch(case, PaperSize.A5, io.BytesIO(), by="bench")
        _approve(case.id, PRINTED, APPROVED, birthday.year)
        return str(batch.fingerprint)


def letter_fields() -> str:
    """The letter's own fields of every POST (the address is each request's own), URL-encoded."""
    return urllib.parse.urlencode(LETTER)


def letter_note(run: WrkResult, rows: int) -> str:
    """The round's note on its letter run: answers, rows, cut-off requests, latency."""
    cut_off = (
        f" ({run.unanswered} requests cut off by wrk's stop, processed)" if run.unanswered else ""
    )
    return (
        f"letter: {run.statuses.get(303, 0)} × 303, {rows} new letter rows{cut_off}"
        f", latency p50 {run.latency_us['p50'] / 1000:.1f} ms"
        f" p99 {run.latency_us['p99'] / 1000:.1f} ms"
    )


@dataclass
class LetterRuns:
    """The letter runs of a round, given the demo case's slug and its batch's fingerprint."""

    slug: str
    fingerprint: str

    @classmethod
    def of(cls, backend: Backend) -> LetterRuns:
        slug = case_slug(backend)
        fingerprint = backend.scalar(
            "SELECT b.fingerprint FROM letter_batches b JOIN cases c ON c.id = b.case_id "
            "WHERE c.slug = :s ORDER BY b.id",
            s=slug,
        )
        return cls(slug, str(fingerprint))

    def paths(self) -> tuple[tuple[str, str], ...]:
        """The GET runs: key, path."""
        return (
            ("write", f"/cases/{self.slug}/write"),
            ("wall", f"/cases/{self.slug}/wall"),
            ("verify", f"/letter-batches/{self.fingerprint}"),
        )

    def measure(self, result: Round, wrk: Wrk, base: str, backend: Backend) -> None:
        for key, path in self.paths():
            run = wrk.run(f"{base}{path}", duration=wrk.counter_duration)
            result.letters[key] = run.per_second(200)
            if set(run.statuses) != {200}:
                result.checks.append(f"{path} answered {run.status_text()}")
        self.post(result, wrk, base, backend)

    def post(self, result: Round, wrk: Wrk, base: str, backend: Backend) -> None:
        """Distinct valid writers; every 303 must be exactly one new letter row."""
        path = f"/cases/{self.slug}/write"
        nonce = f"{backend.name[:2]}{uuid.uuid4().hex[:8]}"
        count = "SELECT count(*) FROM letters WHERE email LIKE :p"
        pattern = f"letter-{nonce}-%"
        before = backend.scalar(count, p=pattern)
        form = form_post(base, path, path)
        run = wrk.run(
            f"{base}{path}", "letter", [self.slug, form.cookie, form.fields, letter_fields(), nonce]
        )
        time.sleep(0.3)  # let the last requests that wrk cut off finish on the server
        rows = backend.scalar(count, p=pattern) - before
        result.letters["letter"] = run.per_second(303)
        result.checks += check_answers(run, "letter", 303, rows, "new letter rows")
        result.notes.append(letter_note(run, rows))
        if note := run.error_note("letter"):
            result.notes.append(note)
