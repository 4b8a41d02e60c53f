"""Plans: an organisation's budget shared by its clients, the headers of the closer budget,
and who may set which plan."""
import re

import pytest


def set_plan(client, headers, organisation, plan, limit=None):
    body = {"plan": plan} if limit is None else {"plan": plan, "limit": limit}
    return client.put(f"/api/v1/organisations/{organisation.id}/plan", json=body, headers=headers)


@pytest.fixture
def admin_b(tree, make_caller):
    return make_caller(tree.B, admin=True)


def test_clients_of_one_organisation_share_its_budget(client, tree, admin_b, make_caller, auth):
    assert set_plan(client, auth(admin_b), tree.C, "custom", 3).status_code == 200
    first = auth(make_caller(tree.C, permissions=["customers:view"]))
    second = auth(make_caller(tree.C, permissions=["customers:view"]))
    statuses = [client.get("/api/v1/customers", headers=headers).status_code
                for headers in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/customers", headers=first)
    assert refused.status_code == 429 and "3 requests a minute" in refused.json["detail"]
    assert refused.headers["X-Rate-Limit-Limit"] == "3"
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit"].startswith('"organisation";r=0;t=')
    other = auth(make_caller(tree.D, permissions=["customers:view"]))  # D has no plan
    assert client.get("/api/v1/customers", headers=other).status_code == 200


def test_headers_show_the_budget_closer_to_running_out(client, tree, admin_b, make_caller, auth):
    set_plan(client, auth(admin_b), tree.C, "professional")
    headers = auth(make_caller(tree.C, permissions=["customers:view"]))
    response = client.get("/api/v1/customers", headers=headers)
    assert response.headers["X-Rate-Limit-Limit"] == "100"
    assert response.headers["X-Rate-Limit-Remaining"] == "99"
    assert response.headers["RateLimit-Policy"] == '"client";q=1000;w=3600, "organisation";q=100;w=60'
    assert re.fullmatch(r'"organisation";r=99;t=\d+', response.headers["RateLimit"])


@pytest.mark.config(RATE_LIMIT="2 per hour")
def test_the_client_limit_shows_when_it_is_closer(client, tree, admin_b, make_caller, auth):
    set_plan(client, auth(admin_b), tree.C, "enterprise")
    headers = auth(make_caller(tree.C, permissions=["customers:view"]))
    response = client.get("/api/v1/customers", headers=headers)
    assert response.headers["X-Rate-Limit-Limit"] == "2"
    assert response.headers["RateLimit"].startswith('"client";r=1;')
    assert client.get("/api/v1/customers", headers=headers).status_code == 200
    refused = client.get("/api/v1/customers", headers=headers)
    assert refused.status_code == 429 and refused.headers["RateLimit"].startswith('"client";r=0;')


def test_without_a_plan_only_the_client_limit_applies(client, admin_c, auth):
    response = client.get("/api/v1/me", headers=auth(admin_c))
    assert response.headers["RateLimit-Policy"] == '"client";q=1000;w=3600'


def test_a_change_applies_from_the_next_request(client, tree, admin_b, make_caller, auth):
    ancestor = auth(admin_b)
    set_plan(client, ancestor, tree.C, "custom", 1)
    headers = auth(make_caller(tree.C, permissions=["customers:view"]))
    assert client.get("/api/v1/customers", headers=headers).status_code == 200
    assert client.get("/api/v1/customers", headers=headers).status_code == 429
    assert set_plan(client, ancestor, tree.C, "enterprise").json == {"plan": "enterprise",
                                                                      "limit": 500}
    response = client.get("/api/v1/customers", headers=headers)
    assert response.status_code == 200 and response.headers["X-Rate-Limit-Limit"] == "500"


def test_nobody_raises_its_own_plan(client, tree, admin_b, admin_c, auth):
    own = auth(admin_c)
    assert client.get(f"/api/v1/organisations/{tree.C.id}/plan", headers=own).json == {
        "plan": None, "limit": None}
    assert set_plan(client, own, tree.C, "enterprise").status_code == 200  # a limit lowers
    assert set_plan(client, own, tree.C, "professional").status_code == 200
    for raised in (("enterprise",), ("custom", 101), (None,)):
        refused = set_plan(client, own, tree.C, *raised)
        assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    assert set_plan(client, own, tree.D, "enterprise").status_code == 200  # a descendant's
    assert set_plan(client, auth(admin_b), tree.C, None).status_code == 200  # an ancestor
    assert set_plan(client, own, tree.B, "custom", 1).status_code == 404  # out of reach


def test_plan_bodies_are_checked(client, tree, admin_b, auth):
    headers = auth(admin_b)
    assert set_plan(client, headers, tree.C, "custom").status_code == 422
    assert set_plan(client, headers, tree.C, "professional", 7).status_code == 422
    assert set_plan(client, headers, tree.C, "gold").status_code == 422
    sent_back = set_plan(client, headers, tree.C, "professional", 100)
    assert sent_back.status_code == 200 and sent_back.json == {"plan": "professional", "limit": 100}
