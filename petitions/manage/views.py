"""The organizer area's blueprint: its route table and the organizer's home page.

Every view is behind login_required (organizers_only), and every case or petition is looked up
through cases.access, which answers 404 for other organizers' cases. The views live in modules
named for their job (editing.py: cases and petitions; dashboard.py: a petition's dashboard, a
page per section; dashboard_actions.py: what its forms do); this table gives each its address.
A table rather than ``@bp.route`` in each module (Flask's "centralized URL map" pattern): those
modules would otherwise have to be imported for their side effect before the blueprint is
registered. The endpoint is the view's name (``manage.case``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases import access
from petitions.cases import services as cases
from petitions.cases.models import PetitionStatus
from petitions.manage import dashboard as petition_dashboard
from petitions.manage import dashboard_actions, editing
from petitions.signing import trending

bp = organizers_only(Blueprint("manage", __name__, url_prefix="/organizer"))


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


GET, POST, FORM = ("GET",), ("POST",), ("GET", "POST")

#: Every page of the area: (address under /organizer, view, methods).
ROUTES: tuple[tuple[str, Callable[..., ResponseReturnValue], tuple[str, ...]], ...] = (
    ("/", dashboard, GET),
    # cases
    ("/cases/new", editing.new_case, FORM),
    ("/cases/<slug>", editing.case, GET),
    ("/cases/<slug>/edit", editing.edit_case, FORM),
    ("/cases/<slug>/timeline/<int:entry_id>/delete", editing.delete_timeline_entry, POST),
    ("/cases/<slug>/organizers", editing.assign_organizer, POST),
    # petitions
    ("/cases/<slug>/petitions/new", editing.new_petition, FORM),
    ("/petitions/<slug>/edit", editing.edit_petition, FORM),
    # a petition's dashboard, a page per section (the partners section is partners.py)
    ("/petitions/<slug>", petition_dashboard.petition, GET),
    ("/petitions/<slug>/signatures", petition_dashboard.signatures, GET),
    ("/petitions/<slug>/chart.svg", petition_dashboard.chart, GET),
    ("/petitions/<slug>/comments", petition_dashboard.comments, GET),
    ("/petitions/<slug>/bundles", petition_dashboard.bundles_section, GET),
    # what the dashboard's forms do
    ("/petitions/<slug>/<any(open, close, reopen):action>", dashboard_actions.change_status, POST),
    (
        "/petitions/<slug>/comments/<int:signature_id>/<any(hide, show):action>",
        dashboard_actions.moderate_comment,
        POST,
    ),
    ("/petitions/<slug>/deliveries", dashboard_actions.record_delivery, POST),
    ("/petitions/<slug>/bundle", dashboard_actions.download_bundle, POST),
)

for _rule, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=list(_methods))
