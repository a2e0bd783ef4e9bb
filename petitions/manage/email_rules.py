"""The admins' command for mail domains' rules: `flask --app wsgi email-rules …`.

The same services as the page at /organizer/email-rules/ (petitions/manage/email_rules_views.py):
petitions/defence/addresses.py keeps the rules and reduces addresses by them.
"""

from __future__ import annotations

from collections.abc import Mapping

import click
from flask_babel import gettext as _

from petitions.defence import addresses
from petitions.defence.addresses import Rule

#: Said wherever a rule is changed: a rule reduces the addresses of signatures made after it.
GOING_FORWARD = (
    "Rules apply to signatures made from now on; signatures already stored keep the form they "
    "were stored with."
)


def summary(rule: Rule, in_force: Mapping[str, Rule]) -> str:
    """One rule as a line a person reads: what counts as one mailbox."""
    applied = addresses.applying(rule, in_force)
    dots = _("dots ignored") if applied.ignore_dots else _("dots kept")
    if applied.tag_separator is None:
        tags = _("no tags")
    else:
        tags = _("tags after %(separator)s dropped", separator=applied.tag_separator)
    if rule.alias_of is not None:
        return str(
            _(
                "alias of %(target)s (%(dots)s, %(tags)s)",
                target=rule.alias_of,
                dots=dots,
                tags=tags,
            )
        )
    return f"{dots}, {tags}"


def provenance(rule: Rule) -> str:
    """Where a rule comes from: built in, or who edited it and when."""
    if not rule.edited:
        return str(_("built-in"))
    when = f"{rule.updated_at:%Y-%m-%d %H:%M} UTC" if rule.updated_at else ""
    if rule.overrides_built_in:
        return str(_("edited by %(by)s, %(when)s, over the built-in rule", by=rule.by, when=when))
    return str(_("edited by %(by)s, %(when)s", by=rule.by, when=when))


@click.group("email-rules", epilog=GOING_FORWARD)
def email_rules_group() -> None:
    """How each mail domain spells a mailbox: the key of one signature per person.

    Every domain without a rule keeps dots and drops a +tag. Rules apply to signatures made
    from now on; signatures already stored keep the form they were stored with.
    """


@email_rules_group.command("list")
def email_rules_list_command() -> None:
    """Show every rule in force, built-in and edited."""
    listed = addresses.rules()
    in_force = {rule.domain: rule for rule in listed}
    for rule in listed:
        line = f"{rule.domain}: {summary(rule, in_force)} [{provenance(rule)}]"
        click.echo(f"{line} {rule.note}".rstrip())
    click.echo(_("Every other domain: dots kept, tags after + dropped."))


@email_rules_group.command("set", epilog=GOING_FORWARD)
@click.argument("domain")
@click.option(
    "--ignore-dots/--keep-dots",
    default=None,
    help="Whether a.b@ and ab@ are one mailbox (unchanged if not given).",
)
@click.option("--tag-separator", metavar="+|-|none", help="What starts a tag: +, - or none.")
@click.option("--alias-of", metavar="DOMAIN", help="The domain whose mailboxes these are.")
@click.option("--note", default="", help="Why, for the record.")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def email_rules_set_command(
    domain: str,
    ignore_dots: bool | None,
    tag_separator: str | None,
    alias_of: str | None,
    note: str,
    by: str,
) -> None:
    """Set how DOMAIN spells a mailbox; what is not given stays as the rule in force says."""
    if alias_of is not None and (ignore_dots is not None or tag_separator is not None):
        raise click.UsageError(
            "An alias takes the rule of the domain it is an alias of: give --alias-of alone, "
            "or --ignore-dots/--keep-dots and --tag-separator without it."
        )
    try:
        separator = addresses.parse_separator(tag_separator) if tag_separator else None
        current = {rule.domain: rule for rule in addresses.rules()}.get(
            addresses.parse_domain(domain)
        )
    except addresses.RuleRefused as refused:
        hint = "--tag-separator" if tag_separator and "separator" in str(refused) else "DOMAIN"
        raise click.BadParameter(str(refused), param_hint=hint) from None
    if alias_of is None and ignore_dots is None and tag_separator is None and current:
        alias_of = current.alias_of  # only the note changes
    base = current if current is not None and current.alias_of is None else addresses.DEFAULT
    try:
        rule = addresses.set_rule(
            domain,
            ignore_dots=base.ignore_dots if ignore_dots is None else ignore_dots,
            tag_separator=base.tag_separator if tag_separator is None else separator,
            alias_of=alias_of,
            note=note,
            by=by,
        )
    except addresses.RuleRefused as refused:
        raise click.ClickException(str(refused)) from None
    in_force = {listed.domain: listed for listed in addresses.rules()}
    click.echo(f"{rule.domain}: {summary(rule, in_force)}")
    click.echo(GOING_FORWARD)


@email_rules_group.command("remove", epilog=GOING_FORWARD)
@click.argument("domain")
def email_rules_remove_command(domain: str) -> None:
    """Remove DOMAIN's edited rule (a built-in rule of the domain comes back)."""
    try:
        back = addresses.remove_rule(domain)
    except addresses.RuleRefused as refused:
        raise click.ClickException(str(refused)) from None
    if back is None:
        click.echo(f"removed the rule for {addresses.parse_domain(domain)}")
    else:
        in_force = {rule.domain: rule for rule in addresses.rules()}
        click.echo(f"removed; built-in again: {back.domain}: {summary(back, in_force)}")
    click.echo(GOING_FORWARD)


@email_rules_group.command("test")
@click.argument("address")
def email_rules_test_command(address: str) -> None:
    """Print the canonical form of ADDRESS by the rules in force."""
    if "@" not in address:
        raise click.BadParameter(f"{address!r} is not an email address.", param_hint="ADDRESS")
    click.echo(addresses.canonical(address))
