"""The admins' page of mail domains' rules: which spellings of an address are one mailbox.

Admins only: to any other organizer the page does not exist (404), as another case's pages do
not. The same services as `flask email-rules` (petitions/manage/email_rules.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from petitions.accounts.access import current_organizer, organizers_only
from petitions.defence import addresses
from petitions.defence.forms import EmailRuleForm
from petitions.forms import Form
from petitions.manage.email_rules import provenance, summary

bp = organizers_only(Blueprint("email_rules", __name__, url_prefix="/organizer/email-rules"))


@bp.before_request
def _admins_only() -> None:
    """Answer 404 to organizers who are not admins (after the login guard has run)."""
    if not current_organizer().is_admin:
        abort(404)


def _page(form: EmailRuleForm, refused: str | None = None) -> str:
    listed = addresses.rules()
    in_force = {rule.domain: rule for rule in listed}
    return render_template(
        "manage/email_rules.html",
        rules=listed,
        summary=lambda rule: summary(rule, in_force),
        provenance=provenance,
        form=form,
        remove_form=Form(formdata=None),
        refused=refused,
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the rules in force, built-in and edited, with a form to set one."""
    return _page(EmailRuleForm(formdata=None))


@bp.post("/")
def set_rule() -> ResponseReturnValue:
    """Set one domain's rule, for signatures made from now on."""
    form = EmailRuleForm()
    if form.validate():
        alias_of = str(form.alias_of.data or "").strip() or None
        try:
            addresses.parse_domain(str(form.domain.data))
        except addresses.RuleRefused as refused:
            form.domain.errors = [*form.domain.errors, str(refused)]
            return _page(form), 422
        field = form.alias_of if alias_of else form.domain
        try:
            rule = addresses.set_rule(
                str(form.domain.data),
                ignore_dots=bool(form.ignore_dots.data),
                tag_separator=addresses.parse_separator(str(form.tag_separator.data)),
                alias_of=alias_of,
                note=str(form.note.data or ""),
                by=current_organizer().email,
            )
        except addresses.RuleRefused as refused:
            field.errors = [*field.errors, str(refused)]
        else:
            flash(
                _(
                    "The rule for %(domain)s is set. It applies to signatures made from now on.",
                    domain=rule.domain,
                )
            )
            return redirect(url_for("email_rules.index"), code=303)
    return _page(form), 422


@bp.post("/<domain>/remove")
def remove_rule(domain: str) -> ResponseReturnValue:
    """Remove an edited rule; a built-in rule of the domain is in force again."""
    if not Form().validate():
        abort(400)
    try:
        back = addresses.remove_rule(domain)
    except addresses.NoSuchRule:
        abort(404)
    except addresses.RuleRefused as refused:
        return _page(EmailRuleForm(formdata=None), refused=str(refused)), 422
    if back is None:
        flash(_("The rule for %(domain)s is removed.", domain=domain))
    else:
        flash(_("The rule for %(domain)s is removed; its built-in rule is back.", domain=domain))
    return redirect(url_for("email_rules.index"), code=303)
