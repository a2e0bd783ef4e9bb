"""Command-line interface: `flask --app wsgi …` and the `petitions` console script."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask import Flask
from flask.cli import FlaskGroup

from petitions.cases.demo import load_demo_data
from petitions.mail import worker


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
    worker.run_forever(stop)


def register(app: Flask) -> None:
    """Add the project's commands to the app's CLI."""
    app.cli.add_command(demo_data_command)
    app.cli.add_command(outbox_group)


def main() -> None:
    """Run the `petitions` console script (the same commands as `flask --app wsgi`)."""
    from petitions import create_app  # here, not at the top: petitions imports this module

    FlaskGroup(create_app=create_app)()
