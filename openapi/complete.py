"""What apispec leaves to us: common headers, the errors every operation can return,
readable operation ids."""
from app.errors import PROBLEM_CONTENT_TYPE
from app.idempotency import HEADER as IDEMPOTENCY_KEY

RESPONSE_HEADERS = {
    "X-Request-Id": ("UUID of the request; a valid inbound X-Request-Id is echoed",
                     {"type": "string", "format": "uuid"}),
    "X-Rate-Limit-Limit": ("Requests allowed in the current period", {"type": "integer"}),
    "X-Rate-Limit-Remaining": ("Requests left in the current period", {"type": "integer"}),
    "X-Rate-Limit-Reset": ("Seconds left in the current period", {"type": "integer"}),
}

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
BODY_ERRORS = {"400": "BAD_REQUEST", "413": "REQUEST_ENTITY_TOO_LARGE",
               "415": "UNSUPPORTED_MEDIA_TYPE"}
URI_TOO_LONG = {  # answered by gunicorn before the application sees the request
    "description": "Request line too long (from the HTTP server, not the application)",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
SPECIAL_IDS = {
    ("get", "/.well-known/oauth-authorization-server"): "get_authorization_server_metadata",
    ("post", "/oauth/token"): "issue_token",
    ("post", "/oauth/revoke"): "revoke_token",
    ("post", "/oauth/introspect"): "introspect_token",
    ("post", "/api/v1/users/{user_id}/emulation"): "emulate_user",
    ("post", "/api/v1/api-clients/{client_pk}/secret"): "rotate_api_client_secret",
    ("get", "/api/v1/products/low-stock"): "list_low_stock_products",
    ("get", "/api/v1/invoices/{invoice_id}/pdf"): "get_invoice_pdf",
    # the 004 seed's names and updates by POST
    ("post", "/api/v1/tasks/{task_id}"): "update_task_by_post",
    ("post", "/api/v1/notifications/{notification_id}"): "update_notification",
    ("post", "/api/v1/connections/{connection_id}/accept"): "accept_connection",
    ("post", "/api/v1/connections/{connection_id}/reject"): "reject_connection",
    ("post", "/api/v1/company"): "update_company",
    ("get", "/api/v1/currentuser"): "get_current_user",
    ("post", "/api/v1/deviceids"): "register_device",
    ("delete", "/api/v1/deviceids/{device_id_string}"): "forget_device",
    ("post", "/api/v1/subscription/cancel"): "cancel_subscription",
    ("get", "/api/v1/paymenturl"): "get_payment_url",
    ("put", "/api/v1/organisations/{organisation_id}/plan"): "set_organisation_plan",
    ("get", "/metrics"): "get_metrics",
}


def header_refs() -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in RESPONSE_HEADERS}


def _singular(word: str) -> str:
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def operation_id(method: str, path: str) -> str:
    """GET /customers -> list_customers, POST -> create_customer, GET /customers/{id} ->
    get_customer, PUT -> update_customer, PATCH -> patch_customer, DELETE ->
    delete_customer; nested paths name their parent: list_organisation_addresses."""
    if (method, path) in SPECIAL_IDS:
        return SPECIAL_IDS[(method, path)]
    words = [w.replace("-", "_") for w in path.split("/")
             if w and w not in ("api", "v1") and not w.startswith("{")]
    is_item = path.endswith("}")
    *parents, name = [_singular(w) for w in words[:-1]] + [words[-1]]
    prefix = "_".join(parents + [""]) if parents else ""
    if is_item:
        verb = {"get": "get", "put": "update", "delete": "delete", "patch": "patch"}[method]
        return f"{verb}_{prefix}{_singular(name)}"
    if method == "post":
        return f"create_{prefix}{_singular(name)}"
    return f"list_{prefix}{name}" if name.endswith("s") else f"get_{prefix}{name}"


def _operations(spec: dict):
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield path, method, operation


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        *_, kind, name = schema["$ref"].split("/")
        schema = spec["components"][kind][name]
    return schema


def example_of(spec: dict, schema: dict):
    """A request body's example from its properties' examples. A property without one is
    left out, unless required: a reference to another record (`organisation`, `parent`,
    `product_id`...) has no example, since no id is in every caller's reach."""
    schema = _resolve(spec, schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "array" and "items" in schema:
        item = example_of(spec, schema["items"])
        return None if item is None else [item]
    if "enum" in schema:  # a required choice: the first
        return schema["enum"][0]
    if "properties" not in schema:  # a required id: a placeholder that fits the schema
        return schema.get("minimum") if schema.get("type") == "integer" else None
    example = {}
    for name, prop in schema["properties"].items():
        if _resolve(spec, prop).get("readOnly"):
            continue
        value = example_of(spec, prop)
        if value is not None and ("example" in _resolve(spec, prop) or name in schema.get("required", ())
                                  or isinstance(value, (dict, list))):
            example[name] = value
    return example or None


def _add_body_example(spec: dict, operation: dict) -> None:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media and "example" not in media:
        example = example_of(spec, media["schema"])
        if example is not None:
            media["example"] = example


def _drop_unused_components(spec: dict) -> None:
    """Components nothing refers to (e.g. flask-smorest's PaginationMetadata) are left out."""
    components = spec.get("components", {})
    used, pending = set(), [{key: value for key, value in spec.items() if key != "components"}]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/") and ref not in used:
                used.add(ref)
                *_, kind, name = ref.split("/")
                pending.append(components.get(kind, {}).get(name))
            pending.extend(value for key, value in node.items() if key != "$ref")
        elif isinstance(node, list):
            pending.extend(node)
    for kind in ("schemas", "responses", "parameters", "headers", "examples", "requestBodies"):
        names = components.get(kind, {})
        for name in [name for name in names if f"#/components/{kind}/{name}" not in used]:
            del names[name]


def complete(spec: dict) -> dict:
    for path, method, operation in _operations(spec):
        operation["operationId"] = operation_id(method, path)
        _add_body_example(spec, operation)
        responses = operation.setdefault("responses", {})
        responses.setdefault("400", {"$ref": "#/components/responses/BAD_REQUEST"})
        if "{" in path:  # every record named in the URL is looked up through app.tenancy
            responses.setdefault("404", {"description": "Not found, or not in reach"})
        responses.setdefault("414", URI_TOO_LONG)
        if any(parameter.get("name") == IDEMPOTENCY_KEY for parameter in operation.get("parameters", ())):
            responses.setdefault("409", {"$ref": "#/components/responses/CONFLICT"})
        if "requestBody" in operation:
            for status, component in BODY_ERRORS.items():
                responses.setdefault(status, {"$ref": f"#/components/responses/{component}"})
        if operation.get("security") != []:  # credentials are checked in the database
            responses.setdefault("429", {"$ref": "#/components/responses/TOO_MANY_REQUESTS"})
            responses.setdefault("503", {"$ref": "#/components/responses/SERVICE_UNAVAILABLE"})
        responses.pop("default", None)
        responses.setdefault("500", {"$ref": "#/components/responses/INTERNAL_SERVER_ERROR"})
        for status, response in responses.items():
            if "$ref" in response:
                continue
            response.setdefault("headers", {}).update(header_refs())
            if str(status).startswith(("4", "5")) and "content" not in response:
                response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_SCHEMA}}
    _drop_unused_components(spec)
    return spec

