"""Findings of the hostile review (issue 11): each test failed on the code before it."""
import base64
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccessToken, AuditEvent, Invoice

GRANT = {"grant_type": "client_credentials"}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def emulate(client, headers, user_id):
    return client.post(f"/api/v1/users/{user_id}/emulation", headers=headers)


def revoke(client, caller, token):
    return client.post("/oauth/revoke", data={"token": token}, headers=caller.basic)


@pytest.fixture
def member(tree, make_user):
    return make_user(tree.D, permissions=["organisations:view", "users:view"], name="Tom Jones")


class TestEmulationCannotOutliveItsStart:
    def test_emulating_yourself_is_refused(self, client, admin_c, auth):
        response = emulate(client, auth(admin_c), admin_c.user.id)
        assert response.status_code == 409
        assert "yourself" in response.json["detail"]

    def test_an_emulation_token_expires_with_the_token_that_started_it(
            self, client, admin_c, member, get_token):
        token = get_token(admin_c)
        row = db.session.scalar(select(AccessToken).order_by(AccessToken.id.desc()))
        row.issued_at -= 3600 - 100  # 100 seconds left
        db.session.commit()
        response = emulate(client, bearer(token), member.id)
        assert response.status_code == 201
        assert 0 < response.json["expires_in"] <= 100

    def test_revoking_the_token_that_started_it_ends_the_emulation(
            self, client, admin_c, member, get_token):
        token = get_token(admin_c)
        emulation = emulate(client, bearer(token), member.id).json["access_token"]
        assert client.get("/api/v1/me", headers=bearer(emulation)).status_code == 200
        assert revoke(client, admin_c, token).status_code == 200
        assert client.get("/api/v1/me", headers=bearer(emulation)).status_code == 401

    def test_start_and_end_are_audited_with_both_users(self, client, admin_c, member, auth):
        emulation = emulate(client, auth(admin_c), member.id).json["access_token"]
        assert revoke(client, admin_c, emulation).status_code == 200
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(["emulation.started", "emulation.ended"]))
            .order_by(AuditEvent.id)).all()
        assert [(e.action, e.user_id, e.real_user_id, e.client_id) for e in events] == [
            ("emulation.started", member.id, admin_c.user.id, admin_c.client_id),
            ("emulation.ended", member.id, admin_c.user.id, admin_c.client_id)]


class TestDisabledIsRevoked:
    def test_re_enabling_a_user_does_not_bring_its_tokens_back(
            self, client, tree, make_caller, auth):
        admin_b = make_caller(tree.B, admin=True)
        worker = make_caller(tree.C, permissions=["users:view"])
        token = auth(worker)
        url = f"/api/v1/users/{worker.user.id}"
        assert client.put(url, json={"active": False}, headers=auth(admin_b)).status_code == 200
        assert client.put(url, json={"active": True}, headers=auth(admin_b)).status_code == 200
        assert client.get("/api/v1/me", headers=token).status_code == 401
        assert client.get("/api/v1/me", headers=auth(worker)).status_code == 200  # a new one

    def test_an_emulation_that_became_invalid_stays_ended(
            self, client, tree, make_caller, make_user, auth):
        real = make_caller(tree.C, permissions=["users:view+", "users:emulate+"])
        target = make_user(tree.D, permissions=["users:view"])
        token = emulate(client, auth(real), target.id).json["access_token"]
        granted = list(real.user.permissions)
        real.user.permissions = [{"permission": "users:view", "parent": True}]
        db.session.commit()
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
        real.user.permissions = granted
        db.session.commit()
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


class TestNoExistenceLeak:
    def test_a_user_out_of_reach_reads_as_an_id_never_used(
            self, client, tree, make_caller, make_user, auth):
        caller = make_caller(tree.C, permissions=["api-clients:view+", "api-clients:edit+"])
        out_of_edit_reach = make_user(tree.D)
        out_of_edit_reach.admin = True  # stronger than the caller: not coverable
        db.session.commit()
        never_used = client.post("/api/v1/api-clients", json={"name": "x", "user": 999999},
                                 headers=auth(caller))
        other = make_user(tree.C2)
        sibling = client.post("/api/v1/api-clients", json={"name": "x", "user": other.id},
                              headers=auth(caller))
        assert (sibling.status_code, never_used.status_code) == (422, 422)
        assert sibling.json["errors"]["user"].replace(str(other.id), "N") == \
            never_used.json["errors"]["user"].replace("999999", "N")

    def test_no_403_naming_a_record_without_its_view_permission(
            self, client, tree, make_caller, make_user, auth):
        caller = make_caller(tree.C, permissions=["api-clients:view+", "api-clients:edit",
                                                  "users:view"])
        descendant_user = make_user(tree.D)
        response = client.post("/api/v1/api-clients", json={"name": "x",
                                                            "user": descendant_user.id},
                               headers=auth(caller))
        # users:view reaches C only: user 'descendant_user' is as unknown as an unused id
        assert response.status_code == 422
        assert response.json["errors"] == {"user": f"User {descendant_user.id} was not found."}


class TestPlainHttp:
    """Credentials and tokens cross only https; plain http from another machine is a 400,
    never a 500."""

    ENDPOINTS = ("/oauth/token", "/oauth/revoke", "/oauth/introspect")

    @pytest.mark.parametrize("path", ENDPOINTS)
    def test_plain_http_from_another_machine_is_400(self, client, admin_c, path):
        response = client.post(path, data={**GRANT, "token": "x"}, headers=admin_c.basic,
                               base_url="http://api.example.com",
                               environ_base={"REMOTE_ADDR": "192.0.2.10"})
        assert response.status_code == 400
        assert response.json["error"] == "invalid_request"
        assert "https" in response.json["error_description"]

    def test_any_host_name_from_this_machine_is_fine(self, client, admin_c):
        response = client.post("/oauth/token", data=GRANT, headers=admin_c.basic,
                               base_url="http://api.example.com")
        assert response.status_code == 200

    def test_https_from_another_machine_is_fine(self, client, admin_c):
        response = client.post("/oauth/token", data=GRANT, headers=admin_c.basic,
                               base_url="https://api.example.com",
                               environ_base={"REMOTE_ADDR": "192.0.2.10"})
        assert response.status_code == 200


@pytest.mark.config(TRUSTED_PROXIES=1)
def test_https_at_a_trusted_proxy_counts(client, admin_c):
    response = client.post("/oauth/token", data=GRANT, base_url="http://api.example.com",
                           headers={**admin_c.basic, "X-Forwarded-Proto": "https",
                                    "X-Forwarded-For": "192.0.2.10"},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 200


@pytest.mark.config(ALLOW_INSECURE_HTTP=True)
def test_plain_http_when_development_allows_it(client, admin_c):
    response = client.post("/oauth/token", data=GRANT, headers=admin_c.basic,
                           base_url="http://api.example.com",
                           environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert response.status_code == 200


def test_a_replay_is_refused_to_a_caller_who_lost_the_right(client, tree, make_caller, auth):
    caller = make_caller(tree.C, permissions=["customers:view+", "customers:edit+"])
    create = dict(json={"account": "Jane", "organisation": tree.D.id},
                  headers={**auth(caller), "Idempotency-Key": "k-1"})
    assert client.post("/api/v1/customers", **create).status_code == 201
    caller.user.permissions = [{"permission": "customers:view", "parent": True},
                               {"permission": "customers:edit", "parent": False}]
    db.session.commit()
    replay = client.post("/api/v1/customers", **create)
    assert replay.status_code == 422
    assert "Idempotent-Replayed" not in replay.headers
    assert list(replay.json["errors"]) == ["organisation"]


class TestSmallerFindings:
    @pytest.mark.parametrize("raw", ["\x00client:secret", "client:sec\x00ret", "cli\x07ent:x"])
    def test_control_characters_in_basic_credentials_are_invalid_client(self, client, raw):
        header = "Basic " + base64.b64encode(raw.encode()).decode()
        response = client.post("/oauth/token", data=GRANT, headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json["error"] == "invalid_client"

    @pytest.mark.config(AUTH_FAILURE_LIMIT="2 per minute")
    def test_the_failed_authentication_throttle_answers_with_an_oauth_error(self, client,
                                                                            admin_c):
        wrong = {**GRANT, "client_id": admin_c.client_id, "client_secret": "wrong"}
        statuses = [client.post("/oauth/token", data=wrong).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        throttled = client.post("/oauth/token", data=wrong)
        assert throttled.json["error"] == "temporarily_unavailable"

    @pytest.mark.parametrize("path", ["/api/v1/customers/%D9%A3", "/api/v1/customers/%EF%BC%93"])
    def test_path_ids_are_ascii_digits(self, client, tree, make_caller, auth, path):
        caller = make_caller(tree.C, permissions=["customers:view", "customers:edit"])
        headers = auth(caller)
        for _ in range(3):
            client.post("/api/v1/customers", json={"account": "x"}, headers=headers)
        assert client.get("/api/v1/customers/3", headers=headers).status_code == 200
        assert client.get(path, headers=headers).status_code == 404

    def test_a_key_twice_in_one_object_is_400(self, client, admin_c, auth):
        response = client.post("/api/v1/customers", data='{"account": "a", "account": "b"}',
                               content_type="application/json", headers=auth(admin_c))
        assert response.status_code == 400
        assert "'account' appears twice" in response.json["detail"]

    def test_a_chunked_body_over_the_limit_is_413(self, client, admin_c, auth):
        body = b'{"account": "' + b"x" * (1024 * 1024) + b'"}'
        response = client.post("/api/v1/customers", input_stream=io.BytesIO(body),
                               content_type="application/json",
                               headers={**auth(admin_c), "Transfer-Encoding": "chunked"},
                               environ_overrides={"wsgi.input_terminated": True})
        assert response.status_code == 413

    def test_filters_out_of_reach_are_422_on_the_field(self, client, tree, admin_c, auth,
                                                       make_caller):
        sibling = client.post("/api/v1/customers", json={"account": "x"},
                              headers=auth(make_caller(tree.C2, admin=True)))
        response = client.get(f"/api/v1/invoices?customer_id={sibling.json['id']}",
                              headers=auth(admin_c))
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["customer_id"]

    def test_a_move_audits_the_whole_moved_subtree(self, client, tree, auth, make_caller):
        admin_a = make_caller(tree.A, admin=True)
        response = client.put(f"/api/v1/organisations/{tree.C.id}", json={"parent": tree.C2.id},
                              headers=auth(admin_a))
        assert response.status_code == 200
        audited = set(db.session.scalars(select(AuditEvent.resource_id).where(
            AuditEvent.resource_type == "organisations", AuditEvent.action == "update")))
        assert {tree.C.id, tree.D.id, tree.E.id} <= audited


class TestReviewFindings:
    """What a review of this round found, each shown to fail before its fix."""

    def test_a_number_too_large_for_any_decimal_is_400(self, client, admin_c, auth):
        response = client.post("/api/v1/products", data='{"name": "p", "price": 1e99999999999999999999}',
                               content_type="application/json", headers=auth(admin_c))
        assert response.status_code == 400

    def test_an_emulation_ended_through_its_parent_is_audited(self, client, admin_c, member,
                                                              get_token):
        token = get_token(admin_c)
        emulate(client, bearer(token), member.id)
        assert revoke(client, admin_c, token).status_code == 200
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "access_tokens").order_by(AuditEvent.id)).all()
        assert actions == ["emulation.started", "token.revoked", "emulation.ended"]

    def test_introspection_of_an_emulation_no_longer_allowed_is_inactive(
            self, client, tree, make_caller, make_user, auth):
        real = make_caller(tree.C, permissions=["users:view+", "users:emulate+"])
        target = make_user(tree.D, permissions=["users:view"])
        token = emulate(client, auth(real), target.id).json["access_token"]
        real.user.permissions = [{"permission": "users:view", "parent": True}]
        db.session.commit()
        response = client.post("/oauth/introspect", data={"token": token}, headers=real.basic)
        assert response.json == {"active": False}

    def test_an_idempotency_key_belongs_to_the_user_acting(self, client, tree, admin_c, auth,
                                                           make_user):
        member = make_user(tree.D, permissions=["organisations:edit"])
        headers = auth(admin_c)
        emulation = emulate(client, headers, member.id).json["access_token"]
        body = {"json": {"name": "Office", "addr_line_1": "1 Road", "city": "Leeds",
                         "country_code": 826}}
        url = f"/api/v1/organisations/{member.organisation_id}/addresses"
        as_admin = client.post(url, headers={**headers, "Idempotency-Key": "k"}, **body)
        as_member = client.post(url, headers={**bearer(emulation), "Idempotency-Key": "k"},
                                **body)
        assert as_admin.status_code == 201
        assert as_member.status_code == 409
        assert as_member.json["code"] == "idempotency_key_reused"

    def test_no_hint_of_existence_beyond_the_tokens_scope(self, client, tree, make_caller,
                                                          make_user, auth):
        caller = make_caller(tree.C, permissions=["users:view+", "api-clients:edit"])
        descendant = make_user(tree.D)
        response = client.post("/api/v1/api-clients", json={"name": "x", "user": descendant.id},
                               headers=auth(caller, scope="api-clients:write"))
        assert response.status_code == 422  # the token may not see users: no "you may see"


class TestStockReviewFindings:
    @pytest.fixture
    def shop(self, client, tree, make_caller, auth):
        headers = auth(make_caller(tree.C, admin=True))
        customer = client.post("/api/v1/customers", json={"account": "Jane"}, headers=headers)
        product = client.post("/api/v1/products", headers=headers, json={
            "name": "Widget", "price": "10.00", "allow_negative_stock": True})
        return headers, customer.json["id"], product.json["id"]

    @staticmethod
    def _invoice(client, headers, customer_id, product_id):
        return client.post("/api/v1/invoices", headers=headers, json={
            "customer_id": customer_id, "date": "2026-03-01", "due_date": "2099-01-01",
            "items": [{"description": "W", "qty": "5", "amount": "10.00",
                       "product_id": product_id}]}).json["id"]

    def test_stock_is_given_back_even_below_zero(self, client, shop):
        headers, customer_id, product_id = shop
        first = self._invoice(client, headers, customer_id, product_id)
        second = self._invoice(client, headers, customer_id, product_id)
        client.patch(f"/api/v1/products/{product_id}", json={"allow_negative_stock": False},
                     headers=headers)
        assert client.patch(f"/api/v1/invoices/{first}", json={"status": "Void"},
                            headers=headers).status_code == 200
        lines = [{"description": "No product", "qty": "1", "amount": "1.00"}]
        assert client.patch(f"/api/v1/invoices/{second}", json={"items": lines},
                            headers=headers).status_code == 200
        product = client.get(f"/api/v1/products/{product_id}", headers=headers).json
        assert product["stock"] == "0.000"

    def test_an_invoice_made_before_stock_followed_invoices_moves_none(self, client, shop):
        headers, customer_id, product_id = shop
        invoice_id = self._invoice(client, headers, customer_id, product_id)
        invoice = db.session.get(Invoice, invoice_id)
        invoice.moves_stock = False  # as migration 0005 leaves the invoices made before it
        db.session.commit()
        client.patch(f"/api/v1/invoices/{invoice_id}", json={"status": "Void"}, headers=headers)
        product = client.get(f"/api/v1/products/{product_id}", headers=headers).json
        assert product["stock"] == "-5.000"  # what it took then stays taken: none given back
