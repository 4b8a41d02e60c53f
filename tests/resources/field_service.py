"""Two organisations of different trees, connected, for the field-service tests."""
from dataclasses import dataclass

import pytest

from app.bootstrap import create_organisation
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


@pytest.fixture
def parties(app, make_caller):
    client_org, contractor_org = create_organisation("Client Ltd"), create_organisation("Fixers")
    third_org = create_organisation("Third")
    db.session.commit()
    return Parties(client_org, contractor_org, third_org,
                   make_caller(client_org, admin=True, name="Carla Client"),
                   make_caller(contractor_org, admin=True, name="Anna Admin"),
                   make_caller(contractor_org, name="Walter Worker",
                               permissions=["tasks:edit", "notifications:edit"]),
                   make_caller(third_org, admin=True, name="Thea Third"))
