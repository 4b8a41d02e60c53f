"""The `tiergate` command: organisations, users, API clients, secrets, bootstrap."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiClient, Organisation, User

# The commands migrate the schema and commit on connections of their own.
pytestmark = pytest.mark.commits


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    return run


def credentials(output):
    return (re.search(r"client_id:\s+(\S+)", output).group(1),
            re.search(r"client_secret:\s+(\S+)", output).group(1))


def test_setup_bootstraps_once(cli, client):
    client_id, secret = credentials(cli("setup"))
    assert "client_secret" not in cli("setup")
    assert cli("bootstrap-client-id").strip() == client_id
    admin = db.session.scalar(select(User))
    assert admin.admin and admin.root
    token = client.post("/oauth/token", data={"grant_type": "client_credentials",
                                               "client_id": client_id, "client_secret": secret})
    assert token.status_code == 200


@pytest.mark.config(BOOTSTRAP_CLIENT_ID="fixed-id", BOOTSTRAP_CLIENT_SECRET="fixed-secret-value")
def test_setup_uses_configured_credentials(cli):
    assert credentials(cli("setup")) == ("fixed-id", "fixed-secret-value")


def test_setup_demo_seeds_a_tree(cli):
    cli("setup", "--demo")
    depths = db.session.scalars(select(Organisation.depth)).all()
    assert max(depths) >= 5


def test_create_org_user_client_and_rotate(cli, client):
    cli("setup")
    out = cli("create-org", "Reseller", "--parent", "1")
    org_id = int(re.search(r"organisation (\d+)", out).group(1))
    out = cli("create-user", "--org", str(org_id), "--name", "Rita", "--email", "rita@example.com",
              "--permission", "users:view:parent", "--permission", "organisations:view")
    user_id = int(re.search(r"user (\d+)", out).group(1))
    user = db.session.get(User, user_id)
    assert user.permissions == [{"permission": "users:view", "parent": True},
                                {"permission": "organisations:view", "parent": False}]
    client_id, secret = credentials(cli("create-client", "--user", str(user_id), "--name", "Rita's"))
    _, new_secret = credentials(cli("rotate-secret", client_id))
    grant = {"grant_type": "client_credentials", "client_id": client_id}
    assert client.post("/oauth/token", data={**grant, "client_secret": secret}).status_code == 401
    assert client.post("/oauth/token", data={**grant, "client_secret": new_secret}).status_code == 200
    cli("disable-client", client_id)
    db.session.expire_all()
    assert db.session.scalar(select(ApiClient.active).where(ApiClient.client_id == client_id)) is False


def refused(app, *args) -> str:
    """The one line a refused command prints."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 or lines[0].startswith("Usage:"), result.output
    return result.output


def test_unknown_permission_is_refused_with_the_valid_names(app, cli):
    cli("setup")
    output = refused(app, "create-user", "--org", "1", "--name", "x", "--email", "x@example.com",
                     "--permission", "god")
    assert "permissions.0.permission" in output and "customers:view" in output


@pytest.mark.parametrize("args,says", [
    (("create-org", "Orphan"), "--parent ID, or --root"),
    (("create-org", "", "--parent", "1"), "name:"),
    (("create-user", "--org", "1", "--name", "x", "--email", "notanemail"), "email:"),
    (("create-user", "--org", "1", "--name", "x", "--email", "x@example.com", "--role", "boss"),
     "role: Must be one of: administrator, manager, staff, readonly."),
    (("create-client", "--user", "1", "--name", "x", "--scope", "customers:view"),
     "Unknown scope: customers:view"),
])
def test_the_cli_checks_what_the_api_checks(app, cli, args, says):
    cli("setup")
    assert says in refused(app, *args)


def test_a_duplicate_email_is_one_line(app, cli):
    cli("setup")
    args = ("create-user", "--org", "1", "--name", "x", "--email", "x@example.com")
    cli(*args)
    assert "already exists" in refused(app, *args)


def test_a_scope_the_user_cannot_hold_is_refused(app, cli):
    cli("setup")
    user = cli("create-user", "--org", "1", "--name", "x", "--email", "x@example.com",
               "--permission", "users:view")
    user_id = re.search(r"user (\d+)", user).group(1)
    assert "does not hold" in refused(app, "create-client", "--user", user_id, "--name", "x",
                                      "--scope", "customers:read")


def test_a_role_from_the_command_line_counts_for_the_client(app, cli):
    cli("setup")
    user = cli("create-user", "--org", "1", "--name", "x", "--email", "x@example.com",
               "--role", "readonly")
    user_id = re.search(r"user (\d+)", user).group(1)
    assert "client" in cli("create-client", "--user", user_id, "--name", "x",
                           "--scope", "customers:read")


def test_a_new_root_is_asked_for_explicitly(cli):
    cli("setup")
    assert re.search(r"organisation \d+ /\d+/$", cli("create-org", "Other tree", "--root"))


def test_the_start_up_message_says_how_to_recover_a_lost_secret(cli):
    cli("setup")
    assert "tiergate rotate-secret" in cli("setup")


@pytest.mark.parametrize("args,says", [
    (("create-org", "X", "--parent", "0"), "parent:"),
    (("create-org", "X", "--parent", "99999999999999999999"), "parent:"),
    (("create-client", "--user", "1", "--name", "x", "--scope", ""), "at least one scope"),
])
def test_more_cli_refusals_in_one_line(app, cli, args, says):
    cli("setup")
    assert says in refused(app, *args)
