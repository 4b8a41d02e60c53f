"""The ``tiergate`` command: Flask's CLI on the app factory (see app.commands)."""
from flask.cli import FlaskGroup

from app.factory import create_app

cli = FlaskGroup(create_app=create_app, help="Tiergate administration.")
