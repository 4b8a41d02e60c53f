"""Two organisations of different trees, connected, for the field-service tests."""
from dataclasses import dataclass

from app.extensions import db
from app.models import Connection


def connect(company, foreign, status="accepted") -> Connection:
    connection = Connection(organisation_id=company.id, foreign_organisation_id=foreign.id)
    connection.set_status(status)
    db.session.add(connection)
    db.session.flush()
    return connection


@dataclass
class Parties:
    """``client`` (an organisation with its admin) hands work to ``contractor`` (its admin,
    and a worker with task permissions); ``third`` is connected to neither."""

    client_org: object
    contractor_org: object
    third_org: object
    client_admin: object
    contractor_admin: object
    worker: object
    third_admin: object
