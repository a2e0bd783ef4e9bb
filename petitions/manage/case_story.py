"""Organizers tell a case's story: its periods of detention, and its timeline's entries with
their kinds and photos (the services are cases/periods.py and cases/services.py).

The case's organizer page (manage/views.py) shows the lists and the forms to add; the pages
here edit one period or entry, and take the forms' posts.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms import Field

from petitions.accounts.access import organizers_only
from petitions.cases import periods
from petitions.cases import services as cases
from petitions.cases.access import case_or_404
from petitions.cases.forms import DetentionPeriodForm, TimelineEntryForm
from petitions.cases.models import Case
from petitions.cases.portraits import PortraitRefused
from petitions.manage.editing import _case_page

bp = organizers_only(Blueprint("case_story", __name__, url_prefix="/organizer"))


def _back(case: Case) -> ResponseReturnValue:
    return redirect(url_for("manage.case", slug=case.slug), code=303)


def _refused(form: DetentionPeriodForm, refused: periods.PeriodRefused) -> None:
    field: Field = form[refused.field]
    field.errors = [*field.errors, str(refused)]


def _uploaded(form: TimelineEntryForm) -> bytes | None:
    upload = form.photo.data
    return upload.read() if isinstance(upload, FileStorage) and upload.filename else None


# --- periods of detention --------------------------------------------------------------------


@bp.post("/cases/<slug>/detentions")
def add_period(slug: str) -> ResponseReturnValue:
    """Add a period of detention; a period that does not fit comes back with the reason."""
    found = case_or_404(slug)
    form = DetentionPeriodForm()
    if form.validate():
        try:
            periods.add(found, form.data)
        except periods.PeriodRefused as refused:
            _refused(form, refused)
        else:
            flash(_("The period of detention is added."))
            return _back(found)
    return _case_page(slug, period_form=form), 422


@bp.route("/cases/<slug>/detentions/<int:period_id>", methods=["GET", "POST"])
def edit_period(slug: str, period_id: int) -> ResponseReturnValue:
    """Change a period of detention (its end, once the prisoner is released)."""
    found = case_or_404(slug)
    period = periods.period_of(found, period_id) or abort(404)
    form = DetentionPeriodForm(obj=period)
    if form.is_submitted():
        if form.validate():
            try:
                periods.update(found, period, form.data)
            except periods.PeriodRefused as refused:
                _refused(form, refused)
            else:
                flash(_("The period of detention is saved."))
                return _back(found)
        return render_template("manage/period_form.html", case=found, form=form), 422
    return render_template("manage/period_form.html", case=found, form=form)


@bp.post("/cases/<slug>/detentions/<int:period_id>/delete")
def delete_period(slug: str, period_id: int) -> ResponseReturnValue:
    """Remove a period of detention entered by mistake."""
    found = case_or_404(slug)
    period = periods.period_of(found, period_id) or abort(404)
    periods.remove(found, period)
    flash(_("The period of detention is removed."))
    return _back(found)


# --- timeline entries ------------------------------------------------------------------------


@bp.post("/cases/<slug>/timeline/new")
def add_entry(slug: str) -> ResponseReturnValue:
    """Add a dated event to the case's timeline, with its kind and an optional photo."""
    found = case_or_404(slug)
    form = TimelineEntryForm()
    if form.validate():
        try:
            cases.add_timeline_entry(found, form.data, photo=_uploaded(form))
        except PortraitRefused as refused:
            # A browser cannot be given a file back: the rest is kept, the file chosen again.
            form.photo.errors = [*form.photo.errors, str(refused)]
        else:
            flash(_("The timeline entry is added."))
            return _back(found)
    return _case_page(slug, entry_form=form), 422


@bp.route("/cases/<slug>/timeline/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(slug: str, entry_id: int) -> ResponseReturnValue:
    """Change a timeline entry: its day, kind, words and photo."""
    found = case_or_404(slug)
    entry = cases.timeline_entry_of(found, entry_id) or abort(404)
    form = TimelineEntryForm(obj=entry)
    if form.is_submitted():
        if form.validate():
            try:
                cases.update_timeline_entry(
                    entry,
                    form.data,
                    photo=_uploaded(form),
                    remove_photo=bool(form.remove_photo.data),
                )
            except PortraitRefused as refused:
                form.photo.errors = [*form.photo.errors, str(refused)]
            else:
                flash(_("The timeline entry is saved."))
                return _back(found)
        page = render_template("manage/entry_form.html", case=found, entry=entry, form=form)
        return page, 422
    return render_template("manage/entry_form.html", case=found, entry=entry, form=form)
