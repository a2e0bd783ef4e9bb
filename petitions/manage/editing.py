"""Editing cases and petitions: the case form, the case page with its timeline and organizers,
and the petition form.

The routes are in views.py's table; every case or petition is looked up through cases.access,
which answers 404 for other organizers' cases.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms import Field

from petitions.accounts import services as accounts
from petitions.accounts.access import current_organizer
from petitions.cases import access, translation_status
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
from petitions.cases.models import Case, CaseStatus, Petition
from petitions.cases.portraits import PortraitRefused


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
        translation_status=translation_status.status_of([case, *case.detentions, *case.timeline]),
    )


def case(slug: str) -> ResponseReturnValue:
    """Show a case with its timeline, petitions and organizers."""
    return _case_page(slug)


def edit_case(slug: str) -> ResponseReturnValue:
    """Change a case's details."""
    found = case_or_404(slug)
    form = CaseEditForm(obj=found)

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


def delete_timeline_entry(slug: str, entry_id: int) -> ResponseReturnValue:
    """Remove a timeline entry."""
    found = case_or_404(slug)
    if not cases.delete_timeline_entry(found, entry_id):
        abort(404)
    flash(_("The timeline entry is removed."))
    return redirect(url_for("manage.case", slug=slug), code=303)


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
