"""`flask --app wsgi letters approve CASE_SLUG [--all | --id N …]`: the moderation queue's
approval from the command line (the same service as petitions/manage/letters.py), and
`letters batch CASE_SLUG --out FILE [--size A4|A5]`: the approved letters not printed yet."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from petitions.bundles.pdf import FontsMissing
from petitions.cases import services as cases
from petitions.letters import batches, moderation
from petitions.letters.models import PaperSize


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


@letters_group.command("batch")
@click.argument("case_slug")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--size", type=click.Choice(["A4", "A5"], case_sensitive=False), default="A4", show_default=True
)
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def letters_batch_command(case_slug: str, out_path: str, size: str, by: str) -> None:
    """Print a case's approved letters not printed yet as one PDF, and mark them printed."""
    case = cases.public_case(case_slug)
    if case is None:
        raise click.ClickException(f"There is no case {case_slug!r}.")
    target = Path(out_path)
    # Printed into a file beside the target first, so that a folder that cannot be written
    # fails before any letter is marked printed; moved into place once the batch is recorded
    # (a rename in one folder), and removed if printing fails: never a half-written PDF.
    try:
        spool = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
            dir=target.parent or Path("."), prefix=f".{target.name}.", delete=False
        )
    except OSError as error:
        raise click.ClickException(f"Cannot write {out_path}: {error.strerror}.") from None
    try:
        with spool:
            batch = batches.print_batch(case, PaperSize(size.upper()), spool, by)  # type: ignore[arg-type]
    except batches.NothingToPrint:
        Path(spool.name).unlink(missing_ok=True)
        raise click.ClickException(
            f"No approved letter of {case_slug!r} is waiting to be printed; no file was written."
        ) from None
    except batches.BatchChanged:
        Path(spool.name).unlink(missing_ok=True)
        raise click.ClickException(
            "Letters changed while printing; run the command again."
        ) from None
    except FontsMissing as missing:
        Path(spool.name).unlink(missing_ok=True)
        raise click.ClickException(str(missing)) from None
    except BaseException:
        Path(spool.name).unlink(missing_ok=True)
        raise
    Path(spool.name).replace(target)
    click.echo(f"printed {batch.letter_count} letters, fingerprint {batch.fingerprint}")
