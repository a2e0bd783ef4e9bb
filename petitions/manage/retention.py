"""The Retention section of a petition's dashboard: what will be erased when, and the form that
puts off the anonymisation of its signers, with a reason on record (petitions/retention/)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.forms import Form
from petitions.retention import schedule

bp = organizers_only(
    Blueprint("manage_retention", __name__, url_prefix="/organizer/petitions/<slug>/retention")
)


class ExtensionForm(Form):
    """Keep the signers' data until a day, and why."""

    until = DateField(
        _l("Keep the signers' data until (UTC)"),
        validators=[InputRequired(_l("Give the day until which the data is kept."))],
    )
    reason = TextAreaField(
        _l("Why it must be kept longer"),
        validators=[
            DataRequired(_l("Say why the signers' data must be kept longer.")),
            Length(max=500),
        ],
    )


def _page(petition: Petition, form: ExtensionForm) -> str:
    return render_template(
        "manage/petition_retention.html",
        section="retention",
        petition=petition,
        schedule=schedule.schedule_of(petition),
        form=form,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """Show what the retention run will erase of this petition, and when."""
    return _page(petition_or_404(slug), ExtensionForm(formdata=None))


@bp.post("/extend")
def extend(slug: str) -> ResponseReturnValue:
    """Put off the anonymisation of the petition's signers, with the reason on record."""
    petition = petition_or_404(slug)
    form = ExtensionForm()
    if form.validate():
        organizer = current_organizer()
        assert form.until.data is not None
        try:
            extension = schedule.extend(
                petition, form.until.data, str(form.reason.data), organizer.id, organizer.email
            )
        except schedule.ExtensionRefused as refused:
            form.until.errors = [*form.until.errors, str(refused)]
        else:
            flash(
                _(
                    "The signers' data is kept until %(day)s.",
                    day=extension.until.isoformat(),
                )
            )
            return redirect(url_for("manage_retention.index", slug=slug), code=303)
    return _page(petition, form), 422
