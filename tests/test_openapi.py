"""The served OpenAPI document covers every route, with security and errors."""
import json
import re

import pytest
from openapi_spec_validator import validate

from oauth.scopes import ALL_SCOPES

pytestmark = pytest.mark.one_backend  # the document does not depend on the backend

UNDOCUMENTED = {"static", "api-docs.openapi_json", "docs.page", "docs.asset", "docs.favicon",
                "docs.licence"}


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_document_is_valid_openapi(spec):
    validate(spec)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDOCUMENTED:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield path, method.lower()


def test_every_route_is_documented(app, spec):
    missing = [(p, m) for p, m in _routes(app) if m not in spec["paths"].get(p, {})]
    assert missing == []


def test_resource_operations_need_oauth2(app, spec):
    for path, method in _routes(app):
        if not path.startswith("/api/"):
            continue
        operation = spec["paths"][path][method]
        assert operation["security"][0].keys() == {"oauth2"}, (path, method)
        assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)


def test_security_scheme_is_client_credentials(spec):
    scheme = spec["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == set(ALL_SCOPES)


def test_errors_are_problem_documents_with_headers(spec):
    not_found = spec["paths"]["/api/v1/users/{user_id}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]
    assert "X-Request-Id" in not_found["headers"]
    ok = spec["paths"]["/api/v1/users/{user_id}"]["get"]["responses"]["200"]
    assert {"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} <= set(ok["headers"])


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_every_operation_is_described(spec):
    for path, method, operation in _operations(spec):
        summary, description = operation.get("summary", ""), operation.get("description", "")
        assert summary and "\n" not in summary, (path, method)
        assert len(description) > len(summary) and summary not in description, (path, method)


def test_markdown_not_restructured_text(spec):
    assert "``" not in json.dumps(spec)


def test_info_and_servers(spec):
    assert {"description", "contact", "license"} <= set(spec["info"])
    assert spec["servers"] == [{"url": "/", "description": spec["servers"][0]["description"]}]


def test_only_referenced_components(spec):
    text = json.dumps(spec["paths"]) + json.dumps(spec["components"])
    for kind, names in spec["components"].items():
        if kind != "securitySchemes":
            for name in names:
                assert f'"#/components/{kind}/{name}"' in text, (kind, name)
    assert "PaginationMetadata" not in spec["components"]["schemas"]


def test_body_examples_name_no_record_out_of_every_callers_reach(spec):
    """No id of another record in an example, but a required one (a placeholder)."""
    references = {"organisation", "parent", "user", "product_id", "customer_id", "invoice_id"}
    for path, method, operation in _operations(spec):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media:
            schema = spec["components"]["schemas"][media["schema"]["$ref"].split("/")[-1]]
            sent = set(media["example"]) & references
            assert sent <= set(schema.get("required", ())), (path, method, sent)
    for name, schema in spec["components"]["schemas"].items():
        for field in references & set(schema.get("properties", {})):
            if schema["properties"][field].get("type") == "integer":  # an id, not a flag
                assert "example" not in schema["properties"][field], (name, field)
