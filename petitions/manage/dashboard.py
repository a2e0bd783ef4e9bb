"""A petition's dashboard, in sections a phone loads one at a time: the overview (status, counts,
trends, translations, a summary of each other section), signatures (chart, breakdowns, latest,
exports, review and invalidations), comments (moderation) and bundles (printing, deliveries).
The partners section is manage/partners.py; what the sections' forms do is dashboard_actions.py.

The routes are in views.py's table; every petition is looked up through cases.access, which
answers 404 for other organizers' cases.
"""

from __future__ import annotations

from flask import Response, render_template
from flask.typing import ResponseReturnValue

from petitions.bundles import services as bundles
from petitions.bundles.forms import BundleForm, DeliveryForm
from petitions.cases import translation_status
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition, PetitionStatus
from petitions.clock import utcnow
from petitions.counting.chart import daily_chart
from petitions.counting.services import petition_stats
from petitions.embeds import services as embeds
from petitions.exports.forms import ExportFilterForm
from petitions.paper import services as paper
from petitions.paper.models import PairStatus
from petitions.signing import moderation, review, trending
from petitions.signing.counts import paper_count_of


def _waiting_for_review(petition: Petition) -> int:
    return review.matching(petition.id, review.Filter())


def petition(slug: str) -> ResponseReturnValue:
    """Show a petition's overview: status, counts, trends, translations and each section's gist."""
    found = petition_or_404(slug)
    trends = (
        trending.trending([found.id]).get(found.id, [])
        if found.status is PetitionStatus.OPEN
        else []
    )
    return render_template(
        "manage/petition.html",
        section="overview",
        petition=found,
        stats=petition_stats(found.id),
        trends=trends,
        waiting=_waiting_for_review(found),
        comments=moderation.comment_counts(found.id),
        bundle_count=len(bundles.bundles_of(found.id)),
        delivery_count=len(bundles.deliveries_of(found.id)),
        partner_count=len(embeds.partners_of(found.id)),
        paper_count=paper_count_of(found.id),
        doubtful_pairs=paper.pair_counts(found.id).get(PairStatus.DOUBTFUL, 0),
        translation_status=translation_status.status_of([found]),
        reopen_until=found.reopen_until(utcnow()),
    )


def signatures(slug: str) -> ResponseReturnValue:
    """Show a petition's signatures: chart, countries, sources, latest, exports, review."""
    found = petition_or_404(slug)
    stats = petition_stats(found.id)
    return render_template(
        "manage/petition_signatures.html",
        section="signatures",
        petition=found,
        stats=stats,
        chart=daily_chart(stats.per_day),
        latest=moderation.latest_signatures(found.id),
        waiting=_waiting_for_review(found),
        export_form=ExportFilterForm(formdata=None),
    )


def comments(slug: str) -> ResponseReturnValue:
    """Show a petition's comments to hide or show again."""
    found = petition_or_404(slug)
    return render_template(
        "manage/petition_comments.html",
        section="comments",
        petition=found,
        comments=moderation.comments_for_moderation(found.id),
    )


def render_bundles(
    found: Petition,
    bundle_form: BundleForm | None = None,
    delivery_form: DeliveryForm | None = None,
) -> str:
    """Render a petition's bundles section, with a form's errors where a POST failed."""
    bundle_list = bundles.bundles_of(found.id)
    delivery_form = delivery_form or DeliveryForm(formdata=None)
    delivery_form.bundle_id.choices = [
        (
            bundle.id,
            f"{bundle.generated_at:%Y-%m-%d} · {bundle.recipient_name} · "
            f"{bundle.signature_count} · {bundle.fingerprint[:12]}",
        )
        for bundle in bundle_list
    ]
    return render_template(
        "manage/petition_bundles.html",
        section="bundles",
        petition=found,
        bundles=bundle_list,
        deliveries=bundles.deliveries_of(found.id),
        unnamed=bundles.unnamed_count(found.id),
        bundle_form=bundle_form or BundleForm.for_petition(found),
        delivery_form=delivery_form,
    )


def bundles_section(slug: str) -> ResponseReturnValue:
    """Show a petition's bundles: print one, those printed so far, and their deliveries."""
    return render_bundles(petition_or_404(slug))


def chart(slug: str) -> ResponseReturnValue:
    """Draw confirmed signatures per day as an SVG bar chart."""
    found = petition_or_404(slug)
    svg = render_template("manage/chart.svg", chart=daily_chart(petition_stats(found.id).per_day))
    return Response(svg, mimetype="image/svg+xml")
