"""Connections: asked for by one side, accepted or rejected by the other side's admins,
revoked by either side. Both sides hear of each step (``connection.requested``, ``.accepted``,
``.rejected``, ``.revoked``), each in an event of its own with the connection as it sees it."""
from sqlalchemy import select

from app import events, states, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Connection, Organisation
from app.schemas.connection import ConnectionSchema
from app.services import notifications

TRANSITIONS = states.StateMachine("connection", keeps_history=False, moves={
    "pending": ("accepted", "rejected", "revoked"),
    "accepted": ("revoked",),
})


class SeenConnection:
    """A connection as one side sees it: its own organisation is ``company_ref``."""

    def __init__(self, connection: Connection, side: int):
        outgoing = side == connection.organisation_id
        self.id, self.text = connection.id, connection.text
        self.connection_status = connection.status
        self.outgoing_connection = outgoing
        self.company_ref = side
        self.foreigncompany_ref = (connection.foreign_organisation_id if outgoing
                                   else connection.organisation_id)
        self.created_at, self.updated_at = connection.created_at, connection.updated_at


def seen(connection: Connection) -> SeenConnection:
    return SeenConnection(connection, tenancy.side_in_reach(connection))


def _record(connection: Connection, verb: str) -> None:
    db.session.flush()  # its timestamps, as each side will read them
    for side in (connection.organisation_id, connection.foreign_organisation_id):
        events.record(f"connection.{verb}", SeenConnection(connection, side), ConnectionSchema,
                      organisation_id=side)


def request(data: dict) -> SeenConnection:
    """A pending connection from ``company_ref`` (in reach) to ``foreigncompany_ref``."""
    company = tenancy.owner_for_create(data.get("company_ref"), field="company_ref")
    foreign = db.session.get(Organisation, data["foreigncompany_ref"])
    if foreign is None:
        fail(422, "The foreigncompany_ref given is not one you can use.", errors={
            "foreigncompany_ref": f"Organisation {data['foreigncompany_ref']} was not found."})
    if tenancy.reach().includes(foreign):
        fail(422, "The foreigncompany_ref given is not one you can use.", errors={
            "foreigncompany_ref": "This organisation is in your reach already."})
    connection = Connection(organisation_id=company.id, foreign_organisation_id=foreign.id,
                            text=data.get("text"))
    connection.set_status("pending")
    if db.session.scalar(select(Connection.id).where(Connection.live_pair == connection.live_pair)):
        fail(409, "These organisations already have a pending or accepted connection.")
    db.session.add(connection)
    db.session.flush()  # a concurrent twin fails here on live_pair (409)
    notifications.new_connection(connection, tenancy.current_user())
    _record(connection, "requested")
    db.session.commit()
    return SeenConnection(connection, company.id)


def answer(connection_id: int, status: str) -> SeenConnection:
    """Accept or reject: only an admin of the side that was asked."""
    connection = tenancy.get_or_404(Connection, connection_id, lock=True)
    tenancy.require_admin_of(connection.foreign_organisation_id,
                             f"{'accept' if status == 'accepted' else 'reject'} this connection")
    if TRANSITIONS.move(connection, status):
        _record(connection, status)
    db.session.commit()
    return SeenConnection(connection, connection.foreign_organisation_id)


def revoke(connection_id: int) -> None:
    """Either side ends it (or withdraws or declines a pending one); the tasks between the
    two stop being shared at once."""
    connection = tenancy.get_or_404(Connection, connection_id, lock=True)
    if TRANSITIONS.move(connection, "revoked"):
        _record(connection, "revoked")
    db.session.commit()
