"""Organizers' pages for updates: write one for a petition or a whole case, translate it,
preview it as the mail will be, mail it to themselves, see how many it reaches, schedule it.

Another organizer's petition, case or update is a 404. The number of recipients is all the page
shows of them: never an address. The services are the updates area's.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases.access import case_for, case_or_404, petition_or_404
from petitions.cases.models import Case, Petition
from petitions.clock import utcnow
from petitions.updates import mailing, services
from petitions.updates.forms import ScheduleForm, UpdateTextForm
from petitions.updates.models import Update

bp = organizers_only(Blueprint("manage_updates", __name__, url_prefix="/organizer"))


def _update_or_404(update_id: int) -> Update:
    """Return an update of a case the current organizer runs, else 404."""
    update = services.update_by_id(update_id)
    if update is None or case_for(current_organizer(), services.case_of(update).slug) is None:
        abort(404)
    return update


def _list(
    petition: Petition | None, case: Case | None, form: UpdateTextForm | None = None
) -> tuple[str, int]:
    fresh = form or UpdateTextForm(formdata=None)
    return (
        render_template(
            "manage/updates.html" if petition is not None else "manage/case_updates.html",
            petition=petition,
            case=case,
            section="updates",
            updates=services.updates_of(petition=petition, case=case),
            form=fresh,
        ),
        400 if form is not None else 200,
    )


def _create(petition: Petition | None, case: Case | None) -> ResponseReturnValue:
    form = UpdateTextForm()
    if not form.validate():
        return _list(petition, case, form)
    update = services.create(
        current_organizer(),
        str(form.locale.data),
        str(form.subject.data),
        str(form.body.data),
        petition=petition,
        case=case,
    )
    return redirect(url_for("manage_updates.update", update_id=update.id), 303)


def petition_updates(slug: str) -> ResponseReturnValue:
    """List a petition's updates; the POST writes a new draft."""
    petition = petition_or_404(slug)
    if _posted():
        return _create(petition, None)
    return _list(petition, None)


def case_updates(slug: str) -> ResponseReturnValue:
    """List a case's case-wide updates; the POST writes a new draft."""
    case = case_or_404(slug)
    if _posted():
        return _create(None, case)
    return _list(None, case)


def _posted() -> bool:
    return request.method == "POST"


def _page(
    update: Update,
    text_form: UpdateTextForm | None = None,
    schedule_form: ScheduleForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    previews = []
    for text in update.texts:
        mail = mailing.compose(update, text.locale, current_organizer().email, mailing.TEST_TOKEN)
        previews.append((text, mail))
    return (
        render_template(
            "manage/update.html",
            update=update,
            case=services.case_of(update),
            previews=previews,
            recipients=services.recipient_count(update),
            text_form=text_form or UpdateTextForm(formdata=None),
            schedule_form=schedule_form or ScheduleForm(formdata=None),
        ),
        status,
    )


def update(update_id: int) -> ResponseReturnValue:
    """Show an update: its previews, how many it reaches, and what may be done with it."""
    return _page(_update_or_404(update_id))


def set_text(update_id: int) -> ResponseReturnValue:
    """Write (or rewrite) the update in one language."""
    found = _update_or_404(update_id)
    form = UpdateTextForm()
    if not form.validate():
        return _page(found, text_form=form, status=400)
    try:
        services.set_text(found, str(form.locale.data), str(form.subject.data), str(form.body.data))
    except services.UpdateNotEditable:
        return _not_editable(found)
    flash(_("Saved."))
    return redirect(url_for("manage_updates.update", update_id=found.id), 303)


def send_test(update_id: int) -> ResponseReturnValue:
    """Mail the update to the organizer, once in each of its languages."""
    found = _update_or_404(update_id)
    services.send_test(found, current_organizer())
    flash(_("A test is on its way to your address, in each language written."))
    return redirect(url_for("manage_updates.update", update_id=found.id), 303)


def schedule(update_id: int) -> ResponseReturnValue:
    """Schedule the update (an empty time: send now)."""
    found = _update_or_404(update_id)
    form = ScheduleForm()
    if not form.validate():
        return _page(found, schedule_form=form, status=400)
    send_at: dt.datetime = form.send_at.data or utcnow()
    try:
        services.schedule(found, send_at)
    except services.UpdateNotEditable:
        return _not_editable(found)
    flash(_("Scheduled: it goes out from %(when)s UTC.", when=send_at.strftime("%Y-%m-%d %H:%M")))
    return redirect(url_for("manage_updates.update", update_id=found.id), 303)


def unschedule(update_id: int) -> ResponseReturnValue:
    """Make a scheduled update a draft again."""
    found = _update_or_404(update_id)
    try:
        services.unschedule(found)
    except services.UpdateNotEditable:
        return _not_editable(found)
    flash(_("It is a draft again: it goes to nobody."))
    return redirect(url_for("manage_updates.update", update_id=found.id), 303)


def _not_editable(found: Update) -> tuple[str, int]:
    flash(_("This update is being sent or was sent: it can no longer change."))
    return _page(found, status=409)


GET, POST, FORM = ("GET",), ("POST",), ("GET", "POST")
for _rule, _view, _methods in (
    ("/petitions/<slug>/updates", petition_updates, FORM),
    ("/cases/<slug>/updates", case_updates, FORM),
    ("/updates/<int:update_id>", update, GET),
    ("/updates/<int:update_id>/texts", set_text, POST),
    ("/updates/<int:update_id>/test", send_test, POST),
    ("/updates/<int:update_id>/schedule", schedule, POST),
    ("/updates/<int:update_id>/unschedule", unschedule, POST),
):
    bp.add_url_rule(_rule, view_func=_view, methods=list(_methods))
