"""Command-line interface: `flask --app wsgi …` and the `petitions` console script."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

import click
from flask import Flask
from flask.cli import FlaskGroup

from petitions.accounts import services as accounts
from petitions.bundles import services as bundles
from petitions.bundles.delivery_language import LanguageRefused, checked_language, default_language
from petitions.bundles.pdf import FontsMissing
from petitions.cases import access
from petitions.cases import services as cases
from petitions.cases.demo import load_demo_data
from petitions.clock import utcnow
from petitions.embeds import services as embeds
from petitions.i18n import COUNTRY_CODES
from petitions.mail import worker
from petitions.manage import (
    commands,
    email_rules,
    invalidate_commands,
    letters_commands,
    paper_commands,
)
from petitions.retention import commands as retention_commands
from petitions.retention import services as retention
from petitions.signing import evidence, invalidations
from petitions.updates import services as updates


@click.command("demo-data")
def demo_data_command() -> None:
    """Load the demo campaign (Ales Bialiatski) into an empty database."""
    if load_demo_data():
        click.echo("Loaded the demo case and its open petition.")
    else:
        click.echo("The database already has cases; demo data not loaded.")


@click.group("outbox")
def outbox_group() -> None:
    """Send queued mail."""


@outbox_group.command("send")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def outbox_send_command(once: bool) -> None:
    """Drain the outbox; without --once keep going until stopped (Ctrl-C or SIGTERM)."""
    if once:
        report = worker.drain_once()
        click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Finish the message in hand, then leave: nothing claimed is abandoned mid-send.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo("Outbox worker started; stop it with Ctrl-C.")
    worker.run_forever(
        stop,
        chores=[
            (24 * 3600, commands.log_count_drift),
            (3600, evidence.erase_expired),
            (24 * 3600, retention.run_daily),
            # Each round runs INVALIDATION_SECONDS_PER_ROUND of batches at most, then mails.
            (1, invalidations.run_due),
            # A batch of each due update at a time, at UPDATE_MAILS_PER_MINUTE.
            (1, updates.queue_due),
        ],
    )


@click.group("updates")
def updates_group() -> None:
    """Updates to consenting signers."""


@updates_group.command("queue")
def updates_queue_command() -> None:
    """Queue one batch of each due update now (the outbox worker does it every second)."""
    click.echo(f"queued {updates.queue_due()} recipients")


@click.group("organizer")
def organizer_group() -> None:
    """Manage organizer accounts."""


def _read_password() -> str:
    # A password on the command line would sit in the shell history and in `ps`; read it from
    # a hidden prompt, or from standard input when piped in by a script.
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@organizer_group.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="May see and run every case.")
def organizer_create_command(email: str, admin: bool) -> None:
    """Create an organizer account; the password is read from a prompt or standard input."""
    try:
        organizer = accounts.create_organizer(email, _read_password(), admin=admin)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {'admin' if organizer.is_admin else 'organizer'} {organizer.email}.")


@organizer_group.command("password")
@click.argument("email")
def organizer_password_command(email: str) -> None:
    """Set an organizer's new password (prompt or standard input) and log them out everywhere."""
    try:
        organizer = accounts.change_password(email, _read_password())
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Changed the password of {organizer.email}; every session of it has ended.")


@organizer_group.command("assign")
@click.argument("email")
@click.argument("case_slug")
def organizer_assign_command(email: str, case_slug: str) -> None:
    """Let an organizer run a case."""
    try:
        access.assign(email, case_slug)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{email} may now run {case_slug}.")


@click.command("bundle")
@click.argument("slug")
@click.option(
    "--country", "countries", multiple=True, help="ISO code of a signer country; repeatable."
)
@click.option("--recipient", help="Who receives it (default: the petition's addressee).")
@click.option("--address", default="", help="The recipient's postal address (use \\n for lines).")
@click.option(
    "--language",
    help="The language it is printed in, a code of LANGUAGES "
    "(default: the addressee's country's, else the petition's).",
)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True))
def bundle_command(
    slug: str,
    countries: tuple[str, ...],
    recipient: str | None,
    address: str,
    language: str | None,
    out_path: str,
) -> None:
    """Print a petition's confirmed signatures as a PDF bundle."""
    petition = cases.petition_by_slug(slug)
    if petition is None:
        raise click.ClickException(f"There is no petition {slug!r}.")
    unknown = sorted(set(code.upper() for code in countries) - COUNTRY_CODES)
    if unknown:
        raise click.ClickException(
            f"Unknown country codes: {', '.join(unknown)} (use ISO codes like NL)."
        )
    try:
        printed_in = checked_language(language or default_language(petition))
    except LanguageRefused as refused:
        raise click.ClickException(str(refused)) from None
    request = bundles.BundleRequest(
        petition=petition,
        # The addressee is printed in the bundle's language (delivery_language.printed_texts).
        recipient_name=recipient or petition.addressee,
        recipient_address=address.replace("\\n", "\n"),
        countries=tuple(sorted({code.upper() for code in countries})),
        language=printed_in,
    )
    _fingerprint, total = bundles.fingerprint(petition.id, request.countries, utcnow())
    try:
        with open(out_path, "wb") as out, click.progressbar(length=total, label="Printing") as bar:
            done = 0

            def advance(rows_drawn: int) -> None:
                nonlocal done
                bar.update(rows_drawn - done)
                done = rows_drawn

            bundle = bundles.build_bundle(request, out, organizer_id=None, progress=advance)
    except FontsMissing as missing:
        raise click.ClickException(str(missing)) from None
    click.echo(
        f"Wrote {out_path} in {bundle.language}: {bundle.signature_count} signatures, "
        f"fingerprint {bundle.fingerprint}."
    )


@click.group("partner")
def partner_group() -> None:
    """Manage partners that embed a petition's form."""


@partner_group.command("add")
@click.argument("petition_slug")
@click.option("--code", required=True, help="Short code recorded as the signatures' source.")
@click.option("--name", required=True, help="The partner's name as signers see it.")
@click.option("--origin", "origins", multiple=True, required=True, help="e.g. https://amnesty.nl")
def partner_add_command(petition_slug: str, code: str, name: str, origins: tuple[str, ...]) -> None:
    """Let a partner embed the petition's sign form from the given origins."""
    petition = cases.petition_by_slug(petition_slug)
    if petition is None:
        raise click.ClickException(f"There is no petition {petition_slug!r}.")
    try:
        partner = embeds.add_partner(petition, name, code, origins)
    except embeds.PartnerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{partner.name} ({partner.code}) may embed {petition_slug} from {partner.allowed_origins}."
    )


def register(app: Flask) -> None:
    """Add the project's commands to the app's CLI."""
    app.cli.add_command(demo_data_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(updates_group)
    app.cli.add_command(organizer_group)
    app.cli.add_command(bundle_command)
    app.cli.add_command(partner_group)
    app.cli.add_command(commands.quarantine_group)
    app.cli.add_command(email_rules.email_rules_group)
    app.cli.add_command(letters_commands.letters_group)
    app.cli.add_command(commands.counts_group)
    app.cli.add_command(invalidate_commands.invalidate_command)
    app.cli.add_command(invalidate_commands.invalidations_group)
    app.cli.add_command(invalidate_commands.evidence_group)
    app.cli.add_command(retention_commands.retention_group)
    app.cli.add_command(paper_commands.paper_group)


def main() -> None:
    """Run the `petitions` console script (the same commands as `flask --app wsgi`)."""
    from petitions import create_app  # here, not at the top: petitions imports this module

    FlaskGroup(create_app=create_app)()
