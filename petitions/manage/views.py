"""The organizer area: cases, timelines, petitions, their dashboards, comment moderation,
and the bundles printed from a dashboard and their deliveries.

Every view is behind login_required, and every case or petition is looked up through
cases.access, which answers 404 for other organizers' cases.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms import Field

from petitions.accounts import services as accounts
from petitions.accounts.access import current_organizer, organizers_only
from petitions.bundles import services as bundles
from petitions.bundles.forms import BundleForm, DeliveryForm
from petitions.bundles.pdf import FontsMissing
from petitions.cases import access, translations
from petitions.cases import services as cases
from petitions.cases.access import case_or_404, petition_or_404
from petitions.cases.forms import (
    AssignOrganizerForm,
    CaseEditForm,
    CaseForm,
    DetentionPeriodForm,
    PetitionForm,
    TimelineEntryForm,
)
from petitions.cases.models import Case, CaseStatus, IllegalTransition, Petition, PetitionStatus
from petitions.cases.portraits import PortraitRefused
from petitions.clock import utcnow
from petitions.counting.chart import daily_chart
from petitions.counting.services import petition_stats
from petitions.exports.forms import ExportFilterForm
from petitions.signing import moderation, trending

bp = organizers_only(Blueprint("manage", __name__, url_prefix="/organizer"))


def _add_error(field: Field, message: str) -> None:
    field.errors = [*field.errors, message]


def _uploaded_portrait(form: CaseForm) -> bytes | None:
    upload = form.portrait.data
    return upload.read() if isinstance(upload, FileStorage) and upload.filename else None


def _choose_again(form: CaseForm, refused: PortraitRefused) -> None:
    # A browser cannot be given a file back: the other fields are kept, the file is chosen again.
    _add_error(form.portrait, str(refused))


def _slug_unavailable(field: Field, model: type[Case] | type[Petition]) -> None:
    # Addresses are unique across the service, so one in use must be refused; the message says
    # no more than that (not "taken", not whose), the same for a public petition as for another
    # case's draft, and offers a free address.
    _add_error(
        field,
        _(
            "This address cannot be used. Please choose another, for example %(suggestion)s.",
            suggestion=cases.free_slug(model, str(field.data)),
        ),
    )


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    """List the cases the organizer runs, with their petitions."""
    organizer = current_organizer()
    runs = [(case, cases.petitions_of(case)) for case in access.cases_run_by(organizer)]
    trends = trending.trending(
        petition.id
        for _case, petitions in runs
        for petition in petitions
        if petition.status is PetitionStatus.OPEN
    )
    return render_template("manage/dashboard.html", runs=runs, organizer=organizer, trends=trends)


# --- cases -----------------------------------------------------------------------------------


def _case_form(
    form: CaseForm, found: Case | None, save: Callable[[], Case], done: str
) -> ResponseReturnValue:
    """Show the case form; on a valid POST save the case and go to it, else show why not."""
    if request.method != "POST":
        return render_template("manage/case_form.html", form=form, case=found)
    if form.validate():
        try:
            saved = save()
        except cases.SlugTaken:
            _slug_unavailable(form.slug, Case)
        except PortraitRefused as refused:
            _choose_again(form, refused)
        else:
            flash(done)
            return redirect(url_for("manage.case", slug=saved.slug), code=303)
    return render_template("manage/case_form.html", form=form, case=found), 422


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case() -> ResponseReturnValue:
    """Create a case; its creator may run it."""
    form = CaseForm()

    def save() -> Case:
        return cases.create_case(
            form.data,
            CaseStatus(form.status.data),
            current_organizer(),
            portrait=_uploaded_portrait(form),
        )

    return _case_form(form, None, save, _("The case is created."))


def _case_page(slug: str, **forms: object) -> str:
    case = case_or_404(slug)
    return render_template(
        "manage/case.html",
        case=case,
        petitions=cases.petitions_of(case),
        entry_form=forms.get("entry_form") or TimelineEntryForm(formdata=None),
        period_form=forms.get("period_form") or DetentionPeriodForm(formdata=None),
        assign_form=forms.get("assign_form") or AssignOrganizerForm(formdata=None),
        organizer=current_organizer(),
        translation_status=translations.status_of([case, *case.detentions, *case.timeline]),
    )


@bp.get("/cases/<slug>")
def case(slug: str) -> ResponseReturnValue:
    """Show a case with its timeline, petitions and organizers."""
    return _case_page(slug)


@bp.route("/cases/<slug>/edit", methods=["GET", "POST"])
def edit_case(slug: str) -> ResponseReturnValue:
    """Change a case's details."""
    found = case_or_404(slug)
    form = CaseEditForm(obj=found, status=found.status.value)

    def save() -> Case:
        cases.update_case(
            found,
            form.data,
            CaseStatus(form.status.data),
            portrait=_uploaded_portrait(form),
            remove_portrait=bool(form.remove_portrait.data),
        )
        return found

    return _case_form(form, found, save, _("The case is saved."))


@bp.post("/cases/<slug>/timeline")
def add_timeline_entry(slug: str) -> ResponseReturnValue:
    """Add a solidarity action to the case's timeline."""
    found = case_or_404(slug)
    form = TimelineEntryForm()
    if not form.validate():
        return _case_page(slug, entry_form=form), 422
    cases.add_timeline_entry(found, form.data)
    flash(_("The timeline entry is added."))
    return redirect(url_for("manage.case", slug=slug), code=303)


@bp.post("/cases/<slug>/timeline/<int:entry_id>/delete")
def delete_timeline_entry(slug: str, entry_id: int) -> ResponseReturnValue:
    """Remove a timeline entry."""
    found = case_or_404(slug)
    if not cases.delete_timeline_entry(found, entry_id):
        abort(404)
    flash(_("The timeline entry is removed."))
    return redirect(url_for("manage.case", slug=slug), code=303)


@bp.post("/cases/<slug>/organizers")
def assign_organizer(slug: str) -> ResponseReturnValue:
    """Let another organizer run this case (admins only)."""
    found = case_or_404(slug)
    if not current_organizer().is_admin:
        abort(403)
    form = AssignOrganizerForm()
    if form.validate():
        try:
            access.assign(str(form.email.data), found.slug)
        except accounts.AccountError as error:
            _add_error(form.email, str(error))
        else:
            flash(_("%(email)s may now run this case.", email=form.email.data))
            return redirect(url_for("manage.case", slug=slug), code=303)
    return _case_page(slug, assign_form=form), 422


# --- petitions -------------------------------------------------------------------------------


@bp.route("/cases/<slug>/petitions/new", methods=["GET", "POST"])
def new_petition(slug: str) -> ResponseReturnValue:
    """Create a draft petition for a case."""
    found = case_or_404(slug)
    form = PetitionForm()
    if request.method == "POST":
        if form.validate():
            try:
                petition = cases.create_petition(found, form.data)
            except cases.SlugTaken:
                _slug_unavailable(form.slug, Petition)
            else:
                flash(_("The petition is created as a draft. Open it when it is ready."))
                return redirect(url_for("manage.petition", slug=petition.slug), code=303)
        return render_template("manage/petition_form.html", form=form, case=found), 422
    return render_template("manage/petition_form.html", form=form, case=found)


@bp.route("/petitions/<slug>/edit", methods=["GET", "POST"])
def edit_petition(slug: str) -> ResponseReturnValue:
    """Change a petition's text and details."""
    found = petition_or_404(slug)
    form = PetitionForm(obj=found)
    if request.method == "POST":
        if form.validate():
            try:
                cases.update_petition(found, form.data)
            except cases.SlugTaken:
                _slug_unavailable(form.slug, Petition)
            else:
                flash(_("The petition is saved."))
                return redirect(url_for("manage.petition", slug=found.slug), code=303)
        return (
            render_template(
                "manage/petition_form.html", form=form, case=found.case, petition=found
            ),
            422,
        )
    return render_template("manage/petition_form.html", form=form, case=found.case, petition=found)


@bp.post("/petitions/<slug>/<any(open, close, reopen):action>")
def change_status(slug: str, action: str) -> ResponseReturnValue:
    """Open a draft, close an open petition (after a confirmation), or undo a close."""
    found = petition_or_404(slug)
    try:
        if action == "open":
            cases.open_petition(found)
            flash(_("The petition is open for signatures."))
        elif action == "reopen":
            cases.reopen_petition(found)
            flash(_("The petition is open again."))
        elif request.form.get("confirmed") != "yes":
            return render_template("manage/confirm_close.html", petition=found)
        else:
            cases.close_petition(found)
            flash(
                _("The petition is closed. Its page and count stay. You can undo this for a day.")
            )
    except IllegalTransition:
        flash(_("That change is not possible from the petition's current state."), "error")
    return redirect(url_for("manage.petition", slug=slug), code=303)


def render_dashboard(petition: Petition, **forms: object) -> str:
    """Render a petition's dashboard, with a form's errors where a POST failed."""
    stats = petition_stats(petition.id)
    bundle_list = bundles.bundles_of(petition.id)
    delivery_form = forms.get("delivery_form") or DeliveryForm(formdata=None)
    assert isinstance(delivery_form, DeliveryForm)
    delivery_form.bundle_id.choices = [
        (
            bundle.id,
            f"{bundle.generated_at:%Y-%m-%d} · {bundle.recipient_name} · "
            f"{bundle.signature_count} · {bundle.fingerprint[:12]}",
        )
        for bundle in bundle_list
    ]
    return render_template(
        "manage/petition.html",
        petition=petition,
        stats=stats,
        chart=daily_chart(stats.per_day),
        latest=moderation.latest_signatures(petition.id),
        comments=moderation.comments_for_moderation(petition.id),
        bundles=bundle_list,
        unnamed=bundles.unnamed_count(petition.id),
        export_form=ExportFilterForm(formdata=None),
        bundle_form=forms.get("bundle_form")
        or BundleForm(formdata=None, recipient_name=petition.addressee),
        delivery_form=delivery_form,
        translation_status=translations.status_of([petition]),
        reopen_until=petition.reopen_until(utcnow()),
    )


@bp.get("/petitions/<slug>")
def petition(slug: str) -> ResponseReturnValue:
    """Show a petition's dashboard: totals, chart, countries, sources, latest signatures."""
    return render_dashboard(petition_or_404(slug))


@bp.get("/petitions/<slug>/chart.svg")
def chart(slug: str) -> ResponseReturnValue:
    """Draw confirmed signatures per day as an SVG bar chart."""
    found = petition_or_404(slug)
    svg = render_template("manage/chart.svg", chart=daily_chart(petition_stats(found.id).per_day))
    return Response(svg, mimetype="image/svg+xml")


@bp.post("/petitions/<slug>/comments/<int:signature_id>/<any(hide, show):action>")
def moderate_comment(slug: str, signature_id: int, action: str) -> ResponseReturnValue:
    """Hide a comment from public pages and bundles, or show it again."""
    found = petition_or_404(slug)
    if not moderation.set_comment_hidden(
        found.id, signature_id, action == "hide", current_organizer().id
    ):
        abort(404)
    flash(_("The comment is hidden.") if action == "hide" else _("The comment is shown again."))
    return redirect(url_for("manage.petition", slug=slug, _anchor="comments"), code=303)


@bp.post("/petitions/<slug>/deliveries")
def record_delivery(slug: str) -> ResponseReturnValue:
    """Record a handover of a bundle; it appears on the case's timeline and verify page."""
    found = petition_or_404(slug)
    form = DeliveryForm()
    form.bundle_id.choices = [(bundle.id, "") for bundle in bundles.bundles_of(found.id)]
    if not form.validate():
        return render_dashboard(found, delivery_form=form), 422
    bundle = bundles.bundle_of(found.id, int(form.bundle_id.data))
    if bundle is None:
        abort(404)
    bundles.record_delivery(
        found,
        bundle,
        str(form.recipient.data),
        form.delivered_on.data or utcnow().date(),
        str(form.note.data or ""),
        current_organizer().id,
    )
    flash(_("The delivery is recorded and shown on the case's timeline."))
    return redirect(url_for("manage.petition", slug=slug), code=303)


@bp.post("/petitions/<slug>/bundle")
def download_bundle(slug: str) -> ResponseReturnValue:
    """Print the petition's confirmed signatures as a PDF bundle and send it."""
    petition = petition_or_404(slug)
    form = BundleForm()
    if not form.validate():
        return render_dashboard(petition, bundle_form=form), 422
    bundle_request = bundles.BundleRequest(
        petition=petition,
        recipient_name=str(form.recipient_name.data),
        recipient_address=str(form.recipient_address.data or ""),
        countries=tuple(sorted(form.countries.data or ())),
    )
    # Spooled: small bundles stay in memory, large ones go to a temporary file, never both.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    try:
        bundles.build_bundle(bundle_request, out, current_organizer().id)  # type: ignore[arg-type]
    except FontsMissing as missing:
        out.close()
        heading = _("The PDF cannot be printed on this server")
        return render_template("errors/error.html", heading=heading, message=str(missing)), 503
    out.seek(0)
    return send_file(
        out,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{petition.slug}-bundle-{utcnow():%Y%m%d}.pdf",
        max_age=0,
    )
