"""The partners section of a petition's dashboard: register partners, copy their snippets, preview
the embed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from petitions.accounts.access import organizers_only
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.embeds import services as embeds
from petitions.embeds.forms import PartnerForm

bp = organizers_only(
    Blueprint("partners", __name__, url_prefix="/organizer/petitions/<slug>/partners")
)


def _page(petition: Petition, form: PartnerForm) -> str:
    return render_template(
        "manage/partners.html",
        section="partners",
        petition=petition,
        partners=embeds.partners_of(petition.id),
        form=form,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """List the petition's partners with their snippets and a live preview."""
    return _page(petition_or_404(slug), PartnerForm(formdata=None))


@bp.post("/")
def add(slug: str) -> ResponseReturnValue:
    """Register a partner and the origins allowed to embed the form."""
    petition = petition_or_404(slug)
    form = PartnerForm()
    if form.validate():
        try:
            partner = embeds.add_partner(
                petition, str(form.name.data), str(form.code.data), str(form.origins.data).split()
            )
        except embeds.PartnerError as error:
            form.origins.errors = [*form.origins.errors, str(error)]
        else:
            flash(_("%(name)s may now embed the form.", name=partner.name))
            return redirect(url_for("partners.index", slug=slug), code=303)
    return _page(petition, form), 422
