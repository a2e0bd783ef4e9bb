"""Organizers' page for a case's printed letters: print a batch, record its deliveries, and keep
the prisoner's replies with the consent to publish them.

Every route names the case in its URL and answers 404 for a case the organizer does not run,
and for a batch or reply of another case. The services are the letters area's.
"""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from petitions.accounts.access import current_organizer, organizers_only
from petitions.bundles.pdf import FontsMissing
from petitions.cases.access import case_or_404
from petitions.cases.models import Case
from petitions.letters import batches, deliveries
from petitions.letters.delivery_forms import BatchForm, ConsentForm, DeliveryForm, ReplyForm
from petitions.letters.models import Channel, Consent, Outcome, PaperSize

bp = organizers_only(
    Blueprint(
        "manage_letter_batches", __name__, url_prefix="/organizer/cases/<slug>/letters/batches"
    )
)


def _page(
    case: Case,
    batch_form: BatchForm | None = None,
    delivery_form: DeliveryForm | None = None,
    reply_form: ReplyForm | None = None,
    consent_form: ConsentForm | None = None,
    consent_reply: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    found = batches.batches_of(case.id)
    delivery_form = delivery_form or DeliveryForm(formdata=None, prefix="delivery")
    delivery_form.batch.choices = [
        (
            batch.id,
            _(
                "%(date)s: %(fingerprint)s",
                date=batch.created_at.strftime("%Y-%m-%d"),
                fingerprint=batch.fingerprint[:16],
            ),
        )
        for batch in found
    ]
    return (
        render_template(
            "manage/letter_batches.html",
            case=case,
            batches=found,
            deliveries=deliveries.deliveries_of([batch.id for batch in found]),
            waiting=len(batches.approved_not_printed(case.id)),
            batch_form=batch_form or BatchForm(formdata=None),
            delivery_form=delivery_form,
            reply_form=reply_form or ReplyForm(formdata=None, prefix="reply"),
            replies=deliveries.replies_of(case.id, published_only=False),
            consent_form=consent_form or ConsentForm(formdata=None, prefix="consent"),
            consent_reply=consent_reply,
        ),
        status,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """The batches printed, their deliveries, the replies, and the forms to add to them."""
    return _page(case_or_404(slug))


@bp.post("/")
def print_batch(slug: str) -> ResponseReturnValue:
    """Print the approved letters not printed yet and send the PDF."""
    case = case_or_404(slug)
    form = BatchForm()
    if not form.validate():
        return _page(case, batch_form=form, status=422)
    out = io.BytesIO()
    try:
        batch = batches.print_batch(case, PaperSize(form.size.data), out, current_organizer().email)
    except batches.NothingToPrint:
        form.size.errors = [_("No approved letter is waiting to be printed.")]
        return _page(case, batch_form=form, status=422)
    except batches.BatchChanged:
        form.size.errors = [_("Letters changed while the batch was printed: please print again.")]
        return _page(case, batch_form=form, status=409)
    except FontsMissing as missing:
        heading = _("The PDF cannot be printed on this server")
        return render_template("errors/error.html", heading=heading, message=str(missing)), 503
    out.seek(0)
    return send_file(
        out,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{case.slug}-letters-{batch.fingerprint[:8]}.pdf",
        max_age=0,
    )


@bp.post("/deliveries")
def record_delivery(slug: str) -> ResponseReturnValue:
    """Record what became of a batch."""
    case = case_or_404(slug)
    form = DeliveryForm(prefix="delivery")
    if not form.validate():
        return _page(case, delivery_form=form, status=422)
    batch = deliveries.batch_of(case, int(form.batch.data)) or abort(404)
    on = form.happened_on.data
    assert isinstance(on, dt.date)  # validated
    try:
        deliveries.record_delivery(
            batch,
            Channel(form.channel.data),
            Outcome(form.outcome.data),
            on,
            current_organizer().email,
        )
    except deliveries.AlreadyDelivered:
        form.outcome.errors = [
            _("This batch is recorded as delivered already: its letters count once.")
        ]
        return _page(case, delivery_form=form, status=409)
    flash(_("The delivery was recorded."))
    return redirect(url_for("manage_letter_batches.index", slug=slug), 303)


@bp.post("/replies")
def record_reply(slug: str) -> ResponseReturnValue:
    """Keep a reply from the prisoner, published only with a consent recorded."""
    case = case_or_404(slug)
    form = ReplyForm(prefix="reply")
    if not form.validate():
        return _page(case, reply_form=form, status=422)
    received = form.received_on.data
    assert isinstance(received, dt.date)  # validated
    deliveries.record_reply(
        case, str(form.text.data), received, Consent(form.consent.data), current_organizer().email
    )
    flash(_("The reply was kept."))
    return redirect(url_for("manage_letter_batches.index", slug=slug), 303)


@bp.post("/replies/<int:reply_id>/consent")
def set_consent(slug: str, reply_id: int) -> ResponseReturnValue:
    """Record (or take back) the consent to publish a reply."""
    case = case_or_404(slug)
    if deliveries.reply_of(case, reply_id) is None:
        abort(404)
    form = ConsentForm(prefix="consent")
    if not form.validate():
        return _page(case, consent_form=form, consent_reply=reply_id, status=422)
    deliveries.set_consent(case, reply_id, Consent(form.consent.data))
    flash(_("The consent was recorded."))
    return redirect(url_for("manage_letter_batches.index", slug=slug), 303)
