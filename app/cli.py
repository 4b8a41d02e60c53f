"""The ``tiergate`` command: Flask's CLI on the app factory (see app.commands)."""
from importlib.metadata import version

import click
from flask.cli import FlaskGroup

from app.factory import create_app

cli = click.version_option(version("tiergate"), prog_name="Tiergate")(
    FlaskGroup(create_app=create_app, add_version_option=False, help="Tiergate administration."))
