"""The organizers' commands for honest counts: `flask --app wsgi quarantine …` and `counts …`.

The review queue, street stalls and the block-list from the command line (the same services as
the review page, petitions/manage/review.py), and the count check the worker runs nightly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import click

from petitions.cases import services as cases
from petitions.cases.models import Petition
from petitions.counting import services as counting
from petitions.defence import blocks
from petitions.defence import services as defence
from petitions.defence.reasons import SetAsideReason
from petitions.i18n import COUNTRY_CODES
from petitions.signing import review
from petitions.signing import services as signing
from petitions.signing.models import ReviewAction

log = logging.getLogger(__name__)


@click.group("quarantine")
def quarantine_group() -> None:
    """Review a petition's quarantined signatures (confirmed by mail, not counted)."""


def petition_named(slug: str) -> Petition:
    """The petition a command names, or a clear error saying there is none by that slug."""
    petition = cases.petition_by_slug(slug)
    if petition is None:
        raise click.ClickException(f"There is no petition {slug!r}.")
    return petition


@quarantine_group.command("list")
@click.argument("slug")
def quarantine_list_command(slug: str) -> None:
    """Show what waits for review, grouped by reason, domain, country and hour."""
    petition = petition_named(slug)
    found = review.waiting(petition.id)
    click.echo(f"{found.total} quarantined signatures on {slug}")
    for title, groups in (
        ("by reason", found.by_reason),
        ("by domain", found.by_domain),
        ("by country", found.by_country),
    ):
        if groups:
            click.echo(f"{title}:")
            for name, count in groups:
                click.echo(f"  {name}: {count}")
    for allowed in defence.allowed_clients_of(petition.id):
        click.echo(
            f"allowed until {allowed.until:%Y-%m-%d %H:%M} UTC: {allowed.network} {allowed.note}"
        )
    if found.by_hour:
        click.echo("by hour (UTC):")
        for hour, count in found.by_hour:
            click.echo(f"  {hour:%Y-%m-%d %H:00}: {count}")


_REASON_CODES = [reason.value for reason in SetAsideReason]


def _filters(command: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.option("--all", "everything", is_flag=True, help="Every quarantined signature."),
        click.option("--reason", type=click.Choice(_REASON_CODES), help="Set aside for this."),
        click.option("--domain", help="Email domain, e.g. flood.example."),
        click.option("--country", help="ISO 3166 code the signers gave, e.g. VA."),
        click.option("--from", "signed_from", type=click.DateTime(), help="Signed at or after."),
        click.option("--until", "signed_until", type=click.DateTime(), help="Signed before."),
        click.option(
            "--id", "ids", type=click.IntRange(min=1), multiple=True, help="One signature."
        ),
        click.option("--dry-run", is_flag=True, help="Say how many would change; change nothing."),
        click.option("--by", default="command line", show_default=True, help="Recorded as who."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _decide(action: ReviewAction, slug: str, everything: bool, **given: Any) -> None:
    petition = petition_named(slug)
    dry_run, by = given.pop("dry_run"), given.pop("by")
    country = given.get("country")
    if country is not None and country.upper() not in COUNTRY_CODES:
        raise click.BadParameter(
            f"{country!r} is not an ISO 3166 country code.", param_hint="--country"
        )
    given["ids"] = tuple(given["ids"])
    where = review.Filter(**given)
    if not everything and where.is_everything:
        raise click.UsageError("Name what to decide on: --all, or at least one filter.")
    if everything and not where.is_everything:
        raise click.UsageError("--all takes no filter beside it.")
    if dry_run:
        click.echo(
            f"would {action.value} {review.matching(petition.id, where)} ({where.describe()})"
        )
        return
    decision = review.decide(petition, action, where, by=by)
    click.echo(f"{action.value}d {decision.changed} ({decision.subject})")


@quarantine_group.command("release")
@click.argument("slug")
@_filters
def quarantine_release_command(slug: str, everything: bool, **given: Any) -> None:
    """Count quarantined signatures after all: --all, or those matching the filters."""
    _decide(ReviewAction.RELEASE, slug, everything, **given)


@quarantine_group.command("invalidate")
@click.argument("slug")
@_filters
def quarantine_invalidate_command(slug: str, everything: bool, **given: Any) -> None:
    """Set quarantined signatures aside for good: --all, or those matching the filters."""
    _decide(ReviewAction.INVALIDATE, slug, everything, **given)


@quarantine_group.command("allow")
@click.argument("slug")
@click.argument("network")
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True)
@click.option("--note", default="", help="What it is for, e.g. the stall's place and day.")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def quarantine_allow_command(slug: str, network: str, hours: int, note: str, by: str) -> None:
    """Let one connection (a street stall's) sign SLUG past the per-client limits for a while."""
    petition = petition_named(slug)
    try:
        allowed = defence.allow_client(petition, network, hours, note, by)
    except defence.AllowRefused as refused:
        raise click.BadParameter(str(refused), param_hint="NETWORK") from None
    click.echo(
        f"{allowed.network} may sign {slug} past the per-client limits "
        f"until {allowed.until:%Y-%m-%d %H:%M} UTC"
    )


@quarantine_group.command("block")
@click.option("--network", help="An IP address or network, e.g. 198.51.100.0/24.")
@click.option("--domain", help="A mail domain; its subdomains are blocked too.")
@click.option("--address", help="One email address.")
@click.option("--note", default="", help="Why, for the record.")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def quarantine_block_command(
    network: str | None, domain: str | None, address: str | None, note: str, by: str
) -> None:
    """Quarantine every future signature from a connection, mail domain or address."""
    named = zip(blocks.KINDS, (network, domain, address), strict=True)
    given = [(kind, text) for kind, text in named if text]
    if len(given) != 1:
        raise click.UsageError("Name one of --network, --domain or --address.")
    kind, text = given[0]
    try:
        entry = blocks.block(kind, text, note, by, normalize=signing.normalize_email)
    except blocks.BlockRefused as refused:
        raise click.BadParameter(str(refused), param_hint=f"--{kind}") from None
    shown = "(address)" if kind == "address" else entry.value
    click.echo(f"blocked #{entry.id}: {kind} {shown}")


@quarantine_group.command("unblock")
@click.argument("entry_id", type=click.IntRange(min=1))
def quarantine_unblock_command(entry_id: int) -> None:
    """Take an entry off the block-list (quarantined signatures stay until reviewed)."""
    if not blocks.unblock(entry_id):
        raise click.ClickException(f"There is no block-list entry #{entry_id}.")
    click.echo(f"unblocked #{entry_id}")


@quarantine_group.command("blocked")
def quarantine_blocked_command() -> None:
    """List the block-list (addresses show only as kept: a keyed hash)."""
    for entry in blocks.entries():
        shown = "(address)" if entry.kind == "address" else entry.value
        click.echo(f"#{entry.id} {entry.kind} {shown} {entry.note}".rstrip())


def log_count_drift() -> None:
    """The nightly count check, as the worker runs it: drift is logged, never fixed."""
    for drift in counting.count_drift():
        log.warning(
            "count drift on %s: counted %d, confirmed signatures %d",
            drift.slug,
            drift.counted,
            drift.confirmed,
        )


@click.group("counts")
def counts_group() -> None:
    """Check the public counts."""


@counts_group.command("check")
def counts_check_command() -> None:
    """Recount every petition from its signatures; exit 1 if any count drifted."""
    drifted = counting.count_drift()
    for drift in drifted:
        click.echo(
            f"{drift.slug}: counted {drift.counted}, confirmed signatures {drift.confirmed} "
            f"({drift.difference:+d})"
        )
    if drifted:
        raise click.ClickException(f"{len(drifted)} petition counts drifted.")
    click.echo("Every count equals its confirmed signatures.")
