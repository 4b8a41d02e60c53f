"""The scope catalogue, used by the server, the spec and the tests.

Every permission ``<resource>:view|edit`` has a scope ``<resources>:read|write``; a token's
scopes narrow what its user's permissions allow, never widen it.
"""

# (plural used in scopes and URLs, singular used in permissions, description)
RESOURCES = (
    ("organisations", "organisation", "organisations and their saved addresses"),
    ("users", "user", "users and their permissions"),
    ("api-clients", "api_client", "API clients and their secrets"),
    ("customers", "customer", "customers"),
    ("vendors", "vendor", "vendors of the product catalogue"),
    ("products", "product", "products, services and stock"),
    ("invoices", "invoice", "invoices and their PDFs"),
    ("payments", "payment", "payments against invoices"),
)

_ACTIONS = (("read", "view", "Read"), ("write", "edit", "Create and change"))

#: scope -> the permission it stands for
SCOPE_PERMISSIONS: dict[str, str] = {}
#: scope -> description, for the metadata document and the spec
SCOPE_DESCRIPTIONS: dict[str, str] = {}

for plural, singular, noun in RESOURCES:
    for scope_action, permission_action, verb in _ACTIONS:
        SCOPE_PERMISSIONS[f"{plural}:{scope_action}"] = f"{singular}:{permission_action}"
        SCOPE_DESCRIPTIONS[f"{plural}:{scope_action}"] = f"{verb} {noun}"

SCOPE_PERMISSIONS["users:emulate"] = "user:emulate"
SCOPE_DESCRIPTIONS["users:emulate"] = "Act as another user in reach (emulation)"

PERMISSION_SCOPES = {permission: scope for scope, permission in SCOPE_PERMISSIONS.items()}
ALL_SCOPES = tuple(SCOPE_PERMISSIONS)
ALL_PERMISSIONS = tuple(PERMISSION_SCOPES)


def split(scope: str | None) -> set[str]:
    return set((scope or "").split())


def join(scopes) -> str:
    """A scope string in catalogue order, so equal sets always read the same."""
    return " ".join(s for s in ALL_SCOPES if s in set(scopes))
