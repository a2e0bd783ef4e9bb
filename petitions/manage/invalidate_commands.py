"""Invalidations and evidence from the command line: `flask --app wsgi invalidate …`.

The same services as the invalidations page (petitions/manage/invalidating.py): a rule is
previewed, then run to its end here (the worker is not needed), and can be listed, cancelled and
undone.
"""

from __future__ import annotations

import datetime as dt

import click

from petitions.i18n import COUNTRY_CODES
from petitions.manage.commands import petition_named
from petitions.signing import evidence as signing_evidence
from petitions.signing import invalidations
from petitions.signing.invalidations import Rule, RuleRefused


@click.command("invalidate")
@click.argument("slug")
@click.option("--ip-range", help="IP address or range, e.g. 203.0.113.0/24 (recent days only).")
@click.option("--group", "client_group", help="A connection group as the review page names it.")
@click.option("--domain", help="Email domain (its subdomains too), e.g. flood.example.")
@click.option("--name", "name_pattern", help="Signer's name, * for any text, e.g. 'Test*'.")
@click.option("--country", help="ISO 3166 code the signers gave, e.g. VA.")
@click.option("--from", "signed_from", type=click.DateTime(), help="Signed at or after (UTC).")
@click.option("--until", "signed_until", type=click.DateTime(), help="Signed before (UTC).")
@click.option("--source", help="The signatures' source code (?ref= or a partner's).")
@click.option("--dry-run", is_flag=True, help="Say what the rule matches; change nothing.")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def invalidate_command(
    slug: str,
    dry_run: bool,
    by: str,
    country: str | None,
    domain: str | None,
    **given: str | dt.datetime | None,
) -> None:
    """Set aside every signature of a petition matching a rule: pending, counted or quarantined.

    Undo it with `flask invalidations undo SLUG ID`.
    """
    petition = petition_named(slug)
    if country is not None and country.upper() not in COUNTRY_CODES:
        raise click.BadParameter(
            f"{country!r} is not an ISO 3166 country code.", param_hint="--country"
        )
    rule = Rule(
        country=country.upper() if country else None,
        domain=domain.strip().lower() if domain else None,
        **given,  # type: ignore[arg-type]
    )
    try:
        found = invalidations.preview(petition.id, rule)
        if dry_run:
            click.echo(
                f"would invalidate {found.total} ({rule.describe()}): {found.counted} counted, "
                f"{found.quarantined} quarantined, {found.pending} pending"
            )
            return
        invalidation = invalidations.start(petition, rule, by=by)
    except RuleRefused as refused:
        raise click.UsageError(str(refused)) from None
    invalidations.run_to_end(invalidation.id)
    done = invalidations.find(petition.id, invalidation.id)
    assert done is not None
    click.echo(
        f"invalidation #{done.id}: invalidated {done.taken} ({done.subject}), "
        f"{done.uncounted} of them were counted"
    )


@click.group("invalidations")
def invalidations_group() -> None:
    """List, cancel and undo a petition's invalidations."""


@invalidations_group.command("list")
@click.argument("slug")
def invalidations_list_command(slug: str) -> None:
    """The petition's invalidations, the newest first."""
    for each in invalidations.of_petition(petition_named(slug).id):
        click.echo(
            f"#{each.id} {each.status.value}: {each.subject}; took {each.taken} of "
            f"{each.matched} previewed ({each.uncounted} counted), restored {each.restored}; "
            f"by {each.by} at {each.created_at:%Y-%m-%d %H:%M} UTC"
        )


@invalidations_group.command("cancel")
@click.argument("slug")
@click.argument("invalidation_id", type=click.IntRange(min=1))
def invalidations_cancel_command(slug: str, invalidation_id: int) -> None:
    """Stop an invalidation under way; what it took stays taken until undone."""
    if not invalidations.cancel(petition_named(slug).id, invalidation_id):
        raise click.ClickException(f"{slug} has no invalidation #{invalidation_id} under way.")
    click.echo(f"cancelled #{invalidation_id}")


@invalidations_group.command("undo")
@click.argument("slug")
@click.argument("invalidation_id", type=click.IntRange(min=1))
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def invalidations_undo_command(slug: str, invalidation_id: int, by: str) -> None:
    """Give back every signature an invalidation took the state it had."""
    undone = invalidations.undo(petition_named(slug).id, invalidation_id, by)
    if undone is None:
        raise click.ClickException(
            f"{slug} has no finished or cancelled invalidation #{invalidation_id} to undo."
        )
    click.echo(f"undid #{invalidation_id}: restored {undone.restored}")


@click.group("evidence")
def evidence_group() -> None:
    """The evidence of where signatures came from (kept EVIDENCE_RETENTION_DAYS)."""


@evidence_group.command("erase")
def evidence_erase_command() -> None:
    """Erase the evidence past its days now (the worker does it every hour)."""
    click.echo(f"erased the evidence of {signing_evidence.erase_expired()} signatures")
