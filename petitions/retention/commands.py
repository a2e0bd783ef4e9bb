"""`flask retention run [--dry-run]`: what the retention run erases, per petition and kind."""

from __future__ import annotations

import click

from petitions.retention import services


@click.group("retention")
def retention_group() -> None:
    """Erase what is past its retention period (the mail worker runs it daily)."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only say what would be erased; change nothing.")
def retention_run_command(dry_run: bool) -> None:
    """Erase unconfirmed signatures and letters, old evidence, writers' addresses of letters
    whose life is over, and anonymise the signers of petitions closed and delivered long ago.

    Prints counts per petition (or case) and kind, never personal data.
    """
    lines = services.run(dry_run=dry_run)
    verb = "would erase" if dry_run else "erased"
    for line in lines:
        click.echo(f"{line.subject}: {line.kind}: {verb} {line.count}")
    if not lines:
        click.echo(f"nothing is past its retention period; {verb} 0")
