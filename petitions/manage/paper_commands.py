"""`flask --app wsgi paper import SLUG FILE --sheet N --place P --collected YYYY-MM-DD`: a paper
sheet from a CSV file, checked and entered as the dashboard's import does (manage/paper.py)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

import click

from petitions.cases import services as cases
from petitions.i18n import COUNTRY_CODES
from petitions.paper import importing
from petitions.paper import services as paper
from petitions.paper.models import PairStatus


@click.group("paper")
def paper_group() -> None:
    """Enter the signatures collected on paper sheets."""


@paper_group.command("import")
@click.argument("slug")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--sheet", "number", type=click.IntRange(min=1), required=True, help="Its number.")
@click.option("--place", required=True, help="Where the sheet was collected.")
@click.option(
    "--collected", type=click.DateTime(["%Y-%m-%d"]), required=True, help="The day, YYYY-MM-DD."
)
@click.option("--country", default="", help="ISO code of rows that give no country, e.g. NL.")
@click.option("--by", default="command line", show_default=True, help="Recorded as who.")
def paper_import_command(
    slug: str,
    csv_file: BinaryIO,
    number: int,
    place: str,
    collected: dt.datetime,
    country: str,
    by: str,
) -> None:
    """Enter a sheet from a CSV file (columns name, city, country, email): all rows or none."""
    petition = cases.petition_by_slug(slug)
    if petition is None:
        raise click.ClickException(f"There is no petition {slug!r}.")
    country = country.strip().upper()
    if country and country not in COUNTRY_CODES:
        raise click.ClickException(f"Unknown country code {country!r} (use ISO codes like NL).")
    if collected.date() > dt.date.today():
        raise click.ClickException("The day the sheet was collected cannot be in the future.")
    found = importing.read_sheet(csv_file.read(importing.MAX_BYTES + 1), country)
    if found.problems:
        for row, reason in found.problems:
            click.echo(f"row {row}: {reason}" if row else reason, err=True)
        raise click.ClickException("Nothing of the sheet was entered.")
    details = paper.SheetDetails(number, place.strip()[:200], collected.date())
    try:
        entered = paper.enter_sheet(petition, details, found.signers, by=by, organizer_id=None)
    except paper.SheetTaken:
        raise click.ClickException(f"{slug} already has a sheet numbered {number}.") from None
    click.echo(
        f"sheet {number} entered: {len(found.signers)} signatures, "
        f"{entered.pairs.get(PairStatus.MATCHED, 0)} also online (counted once), "
        f"{entered.pairs.get(PairStatus.DOUBTFUL, 0)} doubtful pairs to decide"
    )
