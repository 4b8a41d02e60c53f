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


def _client_pk(client, headers, caller) -> int:
    listed = client.get("/api/v1/api-clients?per_page=100", headers=headers).json["data"]
    return next(c["id"] for c in listed if c["client_id"] == caller.client_id)


def test_a_client_plan_overrides_its_organisations(client, tree, admin_b, make_caller, auth):
    ancestor = auth(admin_b)
    set_plan(client, ancestor, tree.C, "enterprise")
    special, other = (make_caller(tree.C, permissions=["customers:view"]) for _ in range(2))
    pk = _client_pk(client, ancestor, special)
    changed = client.patch(f"/api/v1/api-clients/{pk}", json={"plan": "custom", "plan_limit": 2},
                           headers=ancestor)
    assert changed.status_code == 200 and changed.json["plan_limit"] == 2
    headers = auth(special)
    assert [client.get("/api/v1/customers", headers=headers).status_code
            for _ in range(3)] == [200, 200, 429]
    refused = client.get("/api/v1/customers", headers=headers)
    assert "This client's plan allows 2" in refused.json["detail"]
    assert refused.headers["RateLimit"].startswith('"client-plan";r=0;')
    others = client.get("/api/v1/customers", headers=auth(other))
    assert others.status_code == 200 and others.headers["X-Rate-Limit-Limit"] == "500"
    back = client.patch(f"/api/v1/api-clients/{pk}", json={"plan": None}, headers=ancestor)
    assert back.json["plan"] is None and back.json["plan_limit"] is None
    assert client.get("/api/v1/customers", headers=headers).status_code == 200


def test_an_own_client_or_key_plan_never_raises_the_budget(client, tree, admin_b, admin_c, auth):
    set_plan(client, auth(admin_b), tree.C, "professional")
    own = auth(admin_c)
    pk = _client_pk(client, own, admin_c)
    raised = client.patch(f"/api/v1/api-clients/{pk}", json={"plan": "enterprise"}, headers=own)
    assert raised.status_code == 403 and raised.json["code"] == "permission_denied"
    bad = client.patch(f"/api/v1/api-clients/{pk}", json={"plan": "custom"}, headers=own)
    assert bad.status_code == 422 and "plan_limit" in bad.json["errors"]
    assert client.post("/api/v1/api-keys", json={"name": "k", "plan": "enterprise"},
                       headers=own).status_code == 403
    key = client.post("/api/v1/api-keys", json={"name": "k", "plan": "custom", "plan_limit": 1},
                      headers=own).json
    by_key = {"Authorization": f"Bearer {key['key']}"}
    assert [client.get("/api/v1/me", headers=by_key).status_code for _ in range(2)] == [200, 429]
