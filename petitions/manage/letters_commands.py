"""`flask --app wsgi letters approve CASE_SLUG [--all | --id N …]`: the moderation queue's
approval from the command line (the same service as petitions/manage/letters.py)."""

from __future__ import annotations

import click

from petitions.cases import services as cases
from petitions.letters import moderation


@click.group("letters")
def letters_group() -> None:
    """Moderate the letters supporters write to a case's prisoner."""


@letters_group.command("approve")
@click.argument("case_slug")
@click.option("--all", "everything", is_flag=True, help="Approve every letter waiting.")
@click.option("--id", "ids", type=int, multiple=True, help="A letter's id (repeatable).")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def letters_approve_command(
    case_slug: str, everything: bool, ids: tuple[int, ...], by: str
) -> None:
    """Approve a case's confirmed letters: all of them, or those named by --id."""
    case = cases.public_case(case_slug)
    if case is None:
        raise click.ClickException(f"There is no case {case_slug!r}.")
    if everything == bool(ids):
        raise click.UsageError("Name what to approve: --all, or one or more --id.")
    changed = moderation.decide(case, None if everything else list(ids), True, "", by)
    click.echo(f"approved {changed}")
    if ids and changed < len(set(ids)):
        raise click.ClickException(
            f"{len(set(ids)) - changed} of the ids named no waiting letter of {case_slug!r}."
        )
