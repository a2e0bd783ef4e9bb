"""The paper section of a petition's dashboard: enter sheets (typed in or from a CSV), see them,
and decide the doubtful pairs of paper and online signers (petitions/paper/).

A sheet with one bad row is refused whole: the page lists each bad row with its number and
reason, keeps what was typed, and nothing of the sheet is written.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, select

from petitions.accounts.access import current_organizer, organizers_only
from petitions.bundles.models import Bundle, Delivery
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.forms import Form
from petitions.paper import importing, removal
from petitions.paper import services as paper
from petitions.paper.forms import (
    TYPED_ROWS,
    CsvImportForm,
    PaperRowForm,
    RemoveSheetForm,
    SheetHeadForm,
)
from petitions.paper.models import PairStatus, PaperSheet
from petitions.paper.services import PaperSigner
from petitions.signing.counts import paper_count_of

bp = organizers_only(Blueprint("paper", __name__, url_prefix="/organizer/petitions/<slug>/paper"))


def _typed_rows(formdata: bool = True) -> list[PaperRowForm]:
    if not formdata:
        return [PaperRowForm(formdata=None, prefix=f"row{n}") for n in range(1, TYPED_ROWS + 1)]
    return [PaperRowForm(prefix=f"row{n}") for n in range(1, TYPED_ROWS + 1)]


def _page(
    petition: Petition,
    sheet_form: SheetHeadForm | None = None,
    rows: list[PaperRowForm] | None = None,
    import_form: CsvImportForm | None = None,
    problems: list[tuple[int, str]] | None = None,
    focus: str = "",
) -> str:
    paper_count = paper_count_of(petition.id)
    return render_template(
        "manage/paper.html",
        section="paper",
        petition=petition,
        paper_count=paper_count,
        online_count=petition.signature_count - paper_count,
        sheets=paper.sheets_of(petition.id),
        doubtful=paper.pairs_of(petition.id, [PairStatus.DOUBTFUL]),
        decided=paper.pairs_of(petition.id, [PairStatus.SAME, PairStatus.DIFFERENT]),
        pair_counts=paper.pair_counts(petition.id),
        sheet_form=sheet_form or SheetHeadForm(formdata=None, prefix="sheet"),
        rows=rows or _typed_rows(formdata=False),
        import_form=import_form or CsvImportForm(formdata=None, prefix="csv"),
        problems=problems or [],
        focus=focus,
        button=Form(formdata=None),
        max_rows=importing.MAX_ROWS,
        max_kb=importing.MAX_BYTES // 1024,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """Show the petition's sheets, the pairs to decide, and the forms to enter a sheet."""
    return _page(petition_or_404(slug))


def _enter(
    petition: Petition, form: SheetHeadForm, signers: list[PaperSigner]
) -> ResponseReturnValue | None:
    """Write a checked sheet and say so; None (the error on the number) if the number is taken."""
    organizer = current_organizer()
    try:
        entered = paper.enter_sheet(
            petition, form.details(), signers, by=organizer.email, organizer_id=organizer.id
        )
    except paper.SheetTaken:
        form.number.errors = [
            *form.number.errors,
            _("This petition already has a sheet numbered %(num)s.", num=form.number.data),
        ]
        return None
    flash(
        ngettext(
            "Sheet %(sheet)s entered with %(num)s signature.",
            "Sheet %(sheet)s entered with %(num)s signatures.",
            len(signers),
            sheet=entered.sheet.number,
        )
    )
    doubtful = entered.pairs.get(PairStatus.DOUBTFUL, 0)
    matched = entered.pairs.get(PairStatus.MATCHED, 0)
    if matched:
        flash(
            ngettext(
                "%(num)s of them also signed online and is counted once.",
                "%(num)s of them also signed online and are counted once.",
                matched,
            )
        )
    if doubtful:
        flash(
            ngettext(
                "%(num)s pair of a paper and an online signature may be one person: please decide.",
                "%(num)s pairs of paper and online signatures may be one person: please decide.",
                doubtful,
            )
        )
    return redirect(url_for("paper.index", slug=petition.slug), code=303)


@bp.post("/sheets")
def enter_typed(slug: str) -> ResponseReturnValue:
    """Enter a sheet typed into the form, whole or not at all."""
    petition = petition_or_404(slug)
    form = SheetHeadForm(prefix="sheet")
    rows = _typed_rows()
    head_valid = form.validate()
    default_country = str(form.default_country.data or "") if head_valid else ""
    signers: list[PaperSigner] = []
    problems: list[tuple[int, str]] = []
    for line, row in enumerate(rows, 1):
        if row.is_blank():
            continue
        valid = row.validate()
        signer = row.signer(default_country)
        if valid and signer is not None:
            signers.append(signer)
        else:
            problems.extend((line, f"{f.label.text}: {f.errors[0]}") for f in row if f.errors)
    if not signers and not problems:
        problems.append((0, _("The sheet has no signatures: please fill in at least one row.")))
    if head_valid and not problems:
        done = _enter(petition, form, signers)
        if done is not None:
            return done
    return _page(petition, sheet_form=form, rows=rows, problems=problems, focus="typed"), 422


@bp.post("/import")
def import_csv(slug: str) -> ResponseReturnValue:
    """Enter a sheet from a CSV file: every row checked, nothing written if one is bad."""
    petition = petition_or_404(slug)
    form = CsvImportForm(prefix="csv")
    problems: list[tuple[int, str]] = []
    if form.validate():
        raw = form.csv_file.data.read(importing.MAX_BYTES + 1)
        found = importing.read_sheet(raw, str(form.default_country.data or ""))
        problems = found.problems
        if not problems:
            done = _enter(petition, form, found.signers)
            if done is not None:
                return done
    return _page(petition, import_form=form, problems=problems, focus="csv"), 422


@bp.post("/pairs/<int:pair_id>/<any(same, different):decision>")
def decide(slug: str, pair_id: int, decision: str) -> ResponseReturnValue:
    """Record that a doubtful pair is one person (counted once) or two (both count)."""
    petition = petition_or_404(slug)
    if not Form().validate():
        abort(400)
    organizer = current_organizer()
    if not paper.decide_pair(
        petition, pair_id, decision == "same", by=organizer.email, organizer_id=organizer.id
    ):
        abort(404)
    if decision == "same":
        flash(_("Recorded: one person, counted once."))
    else:
        flash(_("Recorded: two people, both counted."))
    return redirect(url_for("paper.index", slug=slug), code=303)


def _delivered_since(sheet: PaperSheet) -> bool:
    """Tell whether a bundle printed after the sheet was entered has been delivered."""
    return bool(
        db.session.execute(
            select(
                exists().where(
                    Bundle.petition_id == sheet.petition_id,
                    Bundle.generated_at >= sheet.entered_at,
                    Delivery.petition_id == sheet.petition_id,
                    Delivery.fingerprint == Bundle.fingerprint,
                )
            )
        ).scalar()
    )


def _confirm_page(petition: Petition, sheet: PaperSheet, form: RemoveSheetForm) -> str:
    return render_template(
        "manage/paper_remove.html",
        section="paper",
        petition=petition,
        sheet=sheet,
        form=form,
        counted=removal.counted_on(sheet.id),
        delivered=_delivered_since(sheet),
    )


def _live_sheet(petition: Petition, sheet_id: int) -> PaperSheet | ResponseReturnValue:
    """The petition's sheet (404 for another's), or the way back if it is removed already."""
    sheet = removal.sheet_of(petition, sheet_id)
    if sheet is None:
        abort(404)
    if sheet.removed_at is not None:
        flash(_("Sheet %(sheet)s was removed already; nothing changed.", sheet=sheet.number))
        return redirect(url_for("paper.index", slug=petition.slug), code=303)
    return sheet


@bp.route("/sheets/<int:sheet_id>/remove", methods=["GET", "POST"])
def confirm_removal(slug: str, sheet_id: int) -> ResponseReturnValue:
    """Say what removing a sheet does, and ask why.

    The sheets list's "Remove…" button posts here (with its token) and is sent on to this page.
    """
    petition = petition_or_404(slug)
    sheet = _live_sheet(petition, sheet_id)
    if not isinstance(sheet, PaperSheet):
        return sheet
    if request.method == "POST":
        if not Form().validate():
            abort(400)
        return redirect(url_for("paper.confirm_removal", slug=slug, sheet_id=sheet_id), code=303)
    return _confirm_page(petition, sheet, RemoveSheetForm(formdata=None))


@bp.post("/sheets/<int:sheet_id>/removal")
def remove(slug: str, sheet_id: int) -> ResponseReturnValue:
    """Remove a sheet entered in error: its signatures stop counting, the sheet stays listed."""
    petition = petition_or_404(slug)
    sheet = _live_sheet(petition, sheet_id)
    if not isinstance(sheet, PaperSheet):
        return sheet
    form = RemoveSheetForm()
    if not form.validate():
        return _confirm_page(petition, sheet, form), 422
    number = sheet.number
    organizer = current_organizer()
    try:
        uncounted = removal.remove_sheet(
            petition,
            sheet.id,
            form.reason.data or "",
            by=organizer.email,
            organizer_id=organizer.id,
        )
    except removal.AlreadyRemoved:
        flash(_("Sheet %(sheet)s was removed already; nothing changed.", sheet=number))
    else:
        flash(
            ngettext(
                "Sheet %(sheet)s removed: %(num)s signature no longer counts.",
                "Sheet %(sheet)s removed: %(num)s signatures no longer count.",
                uncounted,
                sheet=number,
            )
        )
    return redirect(url_for("paper.index", slug=slug), code=303)
