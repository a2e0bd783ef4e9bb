"""Writing to a prisoner, confirming and withdrawing the letter, and the public wall.

Everything works without JavaScript: a ready text is picked by a link that fills the form.
The write form keeps what was typed whenever it is refused, so no letter is lost to a check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from petitions import public_pages, tokens
from petitions.cases import services as cases
from petitions.cases import status, translations
from petitions.cases.models import Case
from petitions.extensions import csrf
from petitions.letters import batches, deliveries, holding, mailing, services
from petitions.letters.forms import WriteForm
from petitions.letters.models import (
    CONFIRMED_STATES,
    Letter,
    LetterReply,
    LetterSettings,
    LetterState,
)
from petitions.letters.settings import ready_texts_of, settings_of, takes_letters
from petitions.limits import links_per_ip, sign_per_ip
from petitions.signing.busy import RETRY_AFTER_SECONDS, DatabaseBusy
from petitions.signing.forms import ButtonForm

bp = Blueprint("letters", __name__)

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")

#: What a form shown again after the database could not take it says (nothing was recorded).
_BUSY_LETTER = _l(
    "The service is busy and your letter was not recorded. It is kept here: please wait a few "
    "seconds and send it again."
)
_BUSY_BUTTON = _l(
    "The service is busy and nothing was recorded. "
    "Please wait a few seconds and press the button again."
)
# The outbox worker builds the writers' mails with what letters registers here.
bp.record_once(mailing.register_mails)
# A case's change of status or place holds its undelivered letters (letters/holding.py).
bp.record_once(holding.subscribe)


@dataclass(frozen=True)
class CaseLetters:
    """What the case page and the petition's thank-you page say about a case's letters."""

    is_open: bool
    approved: int
    wall: bool
    #: The prisoner's replies published with a recorded consent, newest first.
    replies: Sequence[LetterReply] = ()


def letters_of(case: Case) -> CaseLetters | None:
    """Return what a case's pages show of its letters (a template global), or None."""
    settings = settings_of(case)
    if settings is None:
        return None
    return CaseLetters(
        takes_letters(case, settings),
        services.approved_count(case.id),
        settings.wall,
        deliveries.replies_of(case.id, published_only=True),
    )


@bp.record_once
def _template_global(state: object) -> None:
    # The case page (cases) and the thank-you page (signing) sit below letters and cannot
    # import it: they ask this global, when letters is part of the app.
    state.app.jinja_env.globals["letters_of"] = letters_of  # type: ignore[attr-defined]


def _case_letters(slug: str) -> tuple[Case, LetterSettings | None]:
    """Return the public case by that slug (404 if none), and its settings if it takes letters
    now (else None)."""
    case = cases.named_case(slug) or abort(404)
    settings = settings_of(case)
    return case, settings if settings is not None and takes_letters(case, settings) else None


def _closed_page(case: Case, status_code: int, kept: str = "") -> tuple[str, int]:
    """Say the case takes no letters now, giving back the text of a letter sent anyway."""
    return render_template("letters/closed.html", case=case, kept=kept.strip()), status_code


def _write_page(
    case: Case,
    settings: LetterSettings,
    form: WriteForm,
    occasions: list[services.OccasionChoice],
    today: dt.date,
    status_code: int = 200,
    busy: str | None = None,
) -> tuple[str, int]:
    # The day is in the part's name: past midnight the countdown is a new part.
    about = public_pages.kept_part(
        f"write-about:{today.isoformat()}", lambda: _about_part(case, settings, today)
    )
    page = render_template(
        "letters/write.html",
        case=case,
        settings=settings,
        form=form,
        occasions=occasions,
        about=Markup(about),  # noqa: S704 - our own template's rendering, escaped there
        busy=busy,
    )
    return page, status_code


def _about_part(case: Case, settings: LetterSettings, today: dt.date) -> str:
    """Render the write page's occasions, rules and ready texts: the same for every writer of
    a language on a day, so kept as a part of the page (public_pages.kept_part) under a
    birthday's crowd. Any write they show (an approval, a ready text, a translation) drops it."""
    occasions = services.occasions_of(settings, today)
    ready_texts = [
        each for each in ready_texts_of(case.id) if each.language in settings.language_codes
    ]
    holidays = [each.holiday for each in occasions if each.holiday is not None]
    # Every name, rule and text the part shows in the reader's language, in one query.
    translations.preload([case, settings, *holidays, *ready_texts])
    return render_template(
        "letters/_write_about.html",
        case=case,
        settings=settings,
        occasions=occasions,
        ready_texts=ready_texts,
        today=today,
        locale=str(get_locale()),
    )


@bp.route("/cases/<slug>/write", methods=["GET", "POST"])
@sign_per_ip
def write(slug: str) -> ResponseReturnValue:
    """Show the write form (a ready text filled in with ?ready=ID); take a letter on POST."""
    case, settings = _case_letters(slug)
    if settings is None:
        # A page, not a 404 (the case is there) nor a 410 (gone for good): organizers open
        # letters again for a birthday or once a transfer is known, and the address stays.
        # A letter sent to it meanwhile conflicts with the case's state, as a signature sent
        # to a closed petition does (409); its text is given back.
        if request.method == "GET":
            return _closed_page(case, 200)
        return _closed_page(case, 409, request.form.get("body", ""))
    today = status.today()
    occasions = services.occasions_of(settings, today, counted=False)
    form = WriteForm(settings, occasions)
    if request.method == "GET":
        _prefill(form, settings, occasions)
        return _write_page(case, settings, form, occasions, today)
    if not form.validate():
        return _write_page(case, settings, form, occasions, today, 422)
    try:
        services.write(slug, form.details(locale=str(get_locale())), today)
    except services.LettersClosed:
        return _closed_page(case, 409, str(form.body.data or ""))
    except services.LetterRefused as refused:
        form.body.errors = list(refused.problems)
        return _write_page(case, settings, form, occasions, today, 422)
    except DatabaseBusy:
        page, code = _write_page(
            case, settings, form, occasions, today, 503, busy=str(_BUSY_LETTER)
        )
        return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return redirect(url_for("letters.check_inbox", slug=slug), code=303)


def _prefill(
    form: WriteForm, settings: LetterSettings, occasions: list[services.OccasionChoice]
) -> None:
    """Fill a fresh form: the occasion asked for (or the first), and a picked ready text."""
    asked = request.args.get("occasion", "")
    keys = [each.key for each in occasions]
    form.occasion.data = asked if asked in keys else keys[0]
    codes = settings.language_codes
    page_language = str(get_locale())
    form.language.data = page_language if page_language in codes else codes[0]
    picked = request.args.get("ready", "")
    if picked.isdigit():
        ready = next(
            (each for each in ready_texts_of(settings.case_id) if each.id == int(picked)),
            None,
        )
        if ready is not None and ready.language in codes:
            form.body.data = ready.text
            form.language.data = ready.language
            form.ready_text.data = str(ready.id)


@bp.get("/cases/<slug>/write/check-your-inbox")
def check_inbox(slug: str) -> str:
    """Tell the writer a confirmation link is on its way."""
    case = cases.named_case(slug) or abort(404)
    return render_template("letters/check_inbox.html", case=case)


def _invalid_link() -> tuple[str, int]:
    return render_template("letters/invalid_link.html"), 400


@bp.route("/confirm-letter/<token>", methods=["GET", "POST"])
@csrf.exempt
@links_per_ip
def confirm(token: str) -> ResponseReturnValue:
    """GET shows the letter and a button; only the POST confirms, so scanners confirm nothing."""
    try:
        letter_id = tokens.read_letter_confirm_token(token)
    except tokens.ExpiredLink:
        return render_template("letters/invalid_link.html", expired=True), 410
    except tokens.InvalidLink:
        return _invalid_link()
    letter = services.find(letter_id)
    if letter is None:
        return _invalid_link()
    if letter.state is LetterState.WITHDRAWN:
        return render_template("letters/withdrawn.html", case=letter.case), 410
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate():
            return _confirm_page(letter, form, 400)
        try:
            services.confirm(letter_id)
        except DatabaseBusy:
            return _confirm_page(letter, form, 503, busy=str(_BUSY_BUTTON))
        letter = services.find(letter_id) or abort(404)
    if letter.state in CONFIRMED_STATES:
        return render_template("letters/confirmed.html", case=letter.case, letter=letter)
    return _confirm_page(letter, form, 200)


def _confirm_page(
    letter: Letter, form: ButtonForm, code: int, busy: str | None = None
) -> tuple[str, int]:
    page = render_template(
        "letters/confirm.html", letter=letter, case=letter.case, form=form, busy=busy
    )
    return page, code


@bp.route("/withdraw-letter/<token>", methods=["GET", "POST"])
@csrf.exempt
@links_per_ip
def withdraw(token: str) -> ResponseReturnValue:
    """GET shows a button; the POST withdraws the letter and erases it."""
    try:
        letter_id = tokens.read_letter_withdraw_token(token)
    except tokens.InvalidLink:
        return _invalid_link()
    letter = services.find(letter_id)
    if letter is None:
        return _invalid_link()
    case = letter.case
    if letter.state is LetterState.WITHDRAWN:
        return render_template("letters/withdrawn.html", case=case)
    form = ButtonForm()
    if request.method == "POST":
        # RFC 8058 one-click, as for signatures (signing/views.py): the token authorises it.
        if request.form.get("List-Unsubscribe") == "One-Click" or form.validate():
            try:
                services.withdraw(letter_id)
            except DatabaseBusy:
                page = render_template(
                    "letters/withdraw.html", case=case, form=form, busy=str(_BUSY_BUTTON)
                )
                return page, 503
            return render_template("letters/withdrawn.html", case=case)
        return render_template("letters/withdraw.html", case=case, form=form), 400
    return render_template("letters/withdraw.html", case=case, form=form)


@bp.get("/cases/<slug>/wall")
def wall(slug: str) -> Response:
    """Show the approved wishes of a case whose organizers keep a public wall.

    Kept for everybody as the case page is (petitions/public_pages.py): an approval, a
    rejection or a withdrawal writes a letter row, which drops the kept pages at its commit, so
    a decision shows at once in this process and within a second in the others.
    """

    def render() -> str:
        case = cases.named_case(slug) or abort(404)
        settings = settings_of(case)
        if settings is None or not settings.wall:
            abort(404)
        return render_template(
            "letters/wall.html",
            case=case,
            settings=settings,
            letters=services.wall_of(case.id),
            approved=services.approved_count(case.id),
        )

    return public_pages.cached_page(render)


@bp.get("/letter-batches/<fingerprint>")
def verify_batch(fingerprint: str) -> ResponseReturnValue:
    """Say what a printed batch of letters holds: anyone holding a page can check it here."""
    if not _FINGERPRINT.fullmatch(fingerprint):
        abort(404)
    batch = batches.batch_by_fingerprint(fingerprint)
    if batch is None:
        return render_template("letters/verify.html", fingerprint=fingerprint, batch=None), 404
    return render_template(
        "letters/verify.html",
        fingerprint=fingerprint,
        batch=batch,
        letters=batches.letters_of(batch),
        channel=batches.channel_label(batch.channel),
        deliveries=deliveries.deliveries_of([batch.id])[batch.id],
    )
