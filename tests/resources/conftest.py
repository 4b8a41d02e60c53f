"""Fixtures of the resource tests: two organisations of different trees (issue 17)."""
import pytest

from app.bootstrap import create_organisation
from app.extensions import db
from tests.resources.field_service import Parties


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
