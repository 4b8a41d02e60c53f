"""The administration commands of ``tiergate`` (app.cli), registered on every app."""
from pathlib import Path

import click
import marshmallow as ma
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import stamp, upgrade
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from app import audit, database, sandbox
from app import bootstrap as setup
from app.delivery.worker import Worker
from app.errors import flatten_messages
from app.extensions import db
from app.models import AccessToken, ApiClient, Organisation, Subscription, User
from app.models.organisation import MAX_DEPTH, TREE_LOCK
from app.schemas.api_client import ApiClientSchema
from app.schemas.organisation import OrganisationSchema
from app.schemas.subscription import SubscriptionSchema
from app.schemas.user import UserSchema
from oauth import scopes
from oauth.store import store
from openapi import SPEC_FILE, api, dump


def _print_credentials(credentials, heading: str) -> None:
    click.echo(heading)
    click.echo(f"  client_id:     {credentials.client_id}")
    click.echo(f"  client_secret: {credentials.client_secret}")
    click.echo("  The secret is shown this once; it is stored only as a hash.")


def _get(model, record_id):
    record = db.session.get(model, record_id)
    if record is None:
        raise click.BadParameter(f"{model.__name__} {record_id} does not exist")
    return record


def _client(client_id: str) -> ApiClient:
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if client is None:
        raise click.BadParameter(f"no API client {client_id}")
    return client


def _matches_the_models() -> bool:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata) == []


@click.command("setup")
@click.option("--demo/--no-demo", default=False, help="Seed a demo organisation tree when empty.")
def setup_command(demo):
    """Migrate the schema to the latest version; on an empty database, create the root
    organisation, its admin and an API client (and the demo tree with --demo)."""
    tables = set(inspect(db.engine).get_table_names())
    if "organisations" in tables and "alembic_version" not in tables:
        # Made without migrations: by `setup` before they existed (the first one's schema),
        # or from the models as they are now (create_all).
        stamp(revision="head" if _matches_the_models() else "0001")
    upgrade()
    credentials = setup.bootstrap(current_app.config["BOOTSTRAP_CLIENT_ID"],
                                  current_app.config["BOOTSTRAP_CLIENT_SECRET"])
    if credentials is None:
        client_id = setup.bootstrap_client_id()
        click.echo(f"Database ready; bootstrap client id: {client_id}")
        click.echo(f"  Its secret was shown once. Lost it? `tiergate rotate-secret {client_id}` "
                   "prints a new one.")
        return
    if demo:
        setup.seed_demo()
    _print_credentials(credentials, "Created the root organisation, its admin and an API client:")


def _load(schema, data: dict) -> dict:
    """``data`` checked by the API's own schema; its errors as one line."""
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        problems = flatten_messages(error.messages)
        raise click.ClickException("; ".join(f"{field}: {message}"
                                             for field, message in problems.items())) from None


def _create(record, duplicate: str) -> None:
    """Add ``record``, audited; ``duplicate`` is the one line if a unique key refuses it."""
    db.session.add(record)
    try:
        db.session.flush()
        audit.record_command(record, "create")
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(duplicate) from None


@click.command("create-org")
@click.argument("name")
@click.option("--parent", type=int, help="Parent organisation id.")
@click.option("--root", is_flag=True, help="A new root: a tree of its own, outside every other.")
def create_org(name, parent, root):
    """Create an organisation under --parent, or a new root with --root."""
    if (parent is None) == (not root):
        raise click.UsageError("Give --parent ID, or --root for a new tree of its own.")
    if "\x00" in name:
        raise click.ClickException("name: may not contain NUL characters.")
    fields = _load(OrganisationSchema(), {"name": name, "parent": parent})
    database.lock_for_transaction(TREE_LOCK)  # as the API's creates and moves do
    parent_org = _get(Organisation, fields.pop("parent_id")) if parent is not None else None
    if parent_org is not None and parent_org.depth + 1 > MAX_DEPTH:
        raise click.ClickException(f"The hierarchy is limited to {MAX_DEPTH} levels below a root.")
    organisation = setup.create_organisation(fields.pop("name"), parent_org, **fields)
    audit.record_command(organisation, "create")
    db.session.commit()
    click.echo(f"organisation {organisation.id} {organisation.path}")


@click.command("create-user")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--admin", is_flag=True)
@click.option("--permission", "permissions", multiple=True,
              help="A permission such as users:view; add :parent to extend it to descendants.")
@click.option("--role", default=None, help="A role: administrator, manager, staff or readonly.")
def create_user(organisation_id, name, email, admin, permissions, role):
    """Create a user."""
    grants = [{"permission": spec.removesuffix(":parent"), "parent": spec.endswith(":parent")}
              for spec in permissions]
    fields = _load(UserSchema(), {"name": name, "email": email, "admin": admin,
                                  "permissions": grants, "role": role})
    user = User(organisation=_get(Organisation, organisation_id), **fields)
    _create(user, "A user with this email already exists in that organisation.")
    click.echo(f"user {user.id}")


@click.command("create-client")
@click.option("--user", "user_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--scope", default=None, help="Space-separated scopes (default: no restriction).")
def create_client(user_id, name, scope):
    """Create an API client acting as a user; prints its secret once."""
    if scope is not None and not scope.split():
        raise click.ClickException("--scope: give at least one scope, or leave it out for all "
                                   "the user holds.")
    fields = _load(ApiClientSchema(), {"name": name, "scope": scope})
    user = _get(User, user_id)
    not_held = scopes.split(fields["scope"]) - user.held_scopes()
    if not_held:
        raise click.ClickException(
            f"User {user.id} does not hold the permission behind: {' '.join(sorted(not_held))} "
            "(its tokens could never carry them).")
    credentials = setup.create_client(user, fields["name"], fields["scope"])
    audit.record_command(_client(credentials.client_id), "create")
    db.session.commit()
    _print_credentials(credentials, "Created API client:")


@click.command("rotate-secret")
@click.argument("client_id")
def rotate_secret(client_id):
    """Give an API client a new secret; prints it once."""
    client = _client(client_id)
    secret = client.set_secret()
    audit.record_command(client, "update", ["secret_rotated_at"])
    db.session.commit()
    _print_credentials(setup.Credentials(client.client_id, secret), "New secret:")


@click.command("disable-client")
@click.argument("client_id")
def disable_client(client_id):
    """Disable an API client; its tokens are revoked at once."""
    client = _client(client_id)
    client.active = False
    store().revoke_tokens(AccessToken.client_pk == client.id)
    audit.record_command(client, "update", ["active"])
    db.session.commit()
    click.echo(f"disabled {client_id}")


@click.command("bootstrap-client-id")
def bootstrap_client_id():
    """Print the bootstrap API client's id."""
    client_id = setup.bootstrap_client_id()
    if client_id is None:
        raise click.ClickException("no bootstrap client yet: run `tiergate setup`")
    click.echo(client_id)


@click.command("spec")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write it (default: openapi/openapi.json of the source tree).")
def spec_command(output):
    """Write the OpenAPI document the service serves."""
    path = Path(output) if output else SPEC_FILE
    path.write_text(dump(api.spec_dict()))
    click.echo(f"wrote {path}")


@click.command("set-subscription")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--unit-price", required=True, help="The price per user, e.g. 12.50.")
@click.option("--end-date", required=True, help="When it ends or renews: YYYY-MM-DD.")
@click.option("--renewing/--not-renewing", default=True)
def set_subscription(organisation_id, unit_price, end_date, renewing):
    """Give an organisation its subscription, or change it (what a payment records)."""
    fields = _load(SubscriptionSchema(only=("unit_price", "end_date", "renewing")),
                   {"unit_price": unit_price, "end_date": end_date, "renewing": renewing})
    organisation = _get(Organisation, organisation_id)
    subscription = db.session.scalar(select(Subscription).where(
        Subscription.organisation_id == organisation.id).with_for_update())
    action = "update" if subscription else "create"
    subscription = subscription or Subscription(organisation_id=organisation.id)
    for field, value in fields.items():
        setattr(subscription, field, value)
    db.session.add(subscription)
    db.session.flush()
    audit.record_command(subscription, action, sorted(fields) if action == "update" else None)
    db.session.commit()
    click.echo(f"subscription of organisation {organisation.id}: {subscription.unit_price} per user "
               f"until {subscription.end_date}{', renewing' if subscription.renewing else ''}")


@click.group("sandbox")
def sandbox_group():
    """Sandbox trees: demo data to try the API on, restored on demand."""


@sandbox_group.command("create")
@click.option("--name", default="Sandbox", show_default=True)
@click.option("--if-missing", is_flag=True, help="Do nothing when a sandbox exists already.")
def sandbox_create(name, if_missing):
    """A new sandbox tree (a root of its own) with its admin, demo data and an API client,
    whose credentials are printed once."""
    existing = sandbox.roots()
    if if_missing and existing:
        click.echo(f"Sandbox organisation {existing[0].id} exists; its client's secret was shown "
                   "when it was created (`tiergate rotate-secret` prints a new one).")
        return
    root, credentials = sandbox.create(name)
    audit.record_command(root, "create")
    db.session.commit()
    _print_credentials(credentials, f"Created the sandbox organisation {root.id} (demo data) "
                                    "and an API client:")


@sandbox_group.command("reset")
@click.option("--org", "organisation_id", type=int, help="One sandbox root (default: all).")
def sandbox_reset(organisation_id):
    """Restore the demo data of the sandbox trees; their root's users and credentials stay."""
    roots = [root for root in sandbox.roots() if organisation_id in (None, root.id)]
    if organisation_id is not None and not roots:
        raise click.BadParameter(f"organisation {organisation_id} is not a sandbox root")
    for root in roots:
        sandbox.reset(root)
        audit.record_command(root, "sandbox_reset")
        db.session.commit()
        click.echo(f"Reset sandbox organisation {root.id}.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (tests, cron).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Deliveries sent at once (default WORKER_THREADS, 4).")
def worker_command(once, threads):
    """Deliver webhooks and invoice emails from the outbox (stops on SIGTERM)."""
    worker = Worker(threads)
    if once:
        click.echo(f"made {worker.run_once()} delivery attempts")
    else:
        worker.run()


def register(app):
    for command in (setup_command, create_org, create_user, create_client, rotate_secret,
                    disable_client, bootstrap_client_id, spec_command, set_subscription,
                    sandbox_group, worker_command):
        app.cli.add_command(command)
