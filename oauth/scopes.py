"""The catalogue of scopes and permissions, used by the server, the spec and the tests.

Each resource has the scopes `<resource>:read` and `<resource>:write`, which stand for its
user's permissions `<resource>:view` and `<resource>:edit`, with the same resource name
(`users` also has `users:emulate` for both). A token's scopes narrow what its user's
permissions allow, never widen it. Editing implies viewing: `customers:edit` lets its holder
see the customers it may change.
"""

# (resource, as in scopes, permissions and URLs; what it covers)
RESOURCES = (
    ("organisations", "organisations and their saved addresses"),
    ("users", "users and their permissions"),
    ("api-clients", "API clients and their secrets"),
    ("api-keys", "API keys"),
    ("customers", "customers"),
    ("vendors", "vendors of the product catalogue"),
    ("products", "products, services and stock"),
    ("invoices", "invoices and their PDFs"),
    ("payments", "payments against invoices"),
    ("connections", "connections to other organisations, and the foreign companies they join"),
    ("tasks", "tasks shared with connected organisations, their notes, assignments and files"),
    ("notifications", "the user's own notifications and push devices"),
    ("subscription", "the organisation's subscription and its payment URL"),
    ("tickets", "support tickets, their messages and history"),
    ("departments", "the departments tickets are filed under"),
    ("leads", "sales leads and their conversion into customers"),
    ("repairs", "workshop repairs, their parts, labour and invoices"),
    ("quotes", "quotes, their PDFs and their conversion to invoices"),
    ("accounts", "bank and cash accounts"),
    ("categories", "income and expense categories"),
    ("transactions", "income and expense transactions"),
    ("reports", "financial reports (reports:write allows nothing yet)"),
    ("events", "events of business changes and their redelivery"),
    ("webhooks", "webhook endpoints, their deliveries and attempts"),
)

_ACTIONS = (("read", "view", "Read"), ("write", "edit", "Create and change"))

#: scope -> the permission it stands for
SCOPE_PERMISSIONS: dict[str, str] = {}
#: scope -> description, for the metadata document and the spec
SCOPE_DESCRIPTIONS: dict[str, str] = {}

for resource, covers in RESOURCES:
    for scope_action, permission_action, verb in _ACTIONS:
        SCOPE_PERMISSIONS[f"{resource}:{scope_action}"] = f"{resource}:{permission_action}"
        SCOPE_DESCRIPTIONS[f"{resource}:{scope_action}"] = (
            f"{verb} {covers} (permission {resource}:{permission_action})")

SCOPE_PERMISSIONS["users:emulate"] = "users:emulate"
SCOPE_DESCRIPTIONS["users:emulate"] = "Act as another user in reach (permission users:emulate)"

PERMISSION_SCOPES = {permission: scope for scope, permission in SCOPE_PERMISSIONS.items()}
ALL_SCOPES = tuple(SCOPE_PERMISSIONS)
ALL_PERMISSIONS = tuple(PERMISSION_SCOPES)


def implied_by(permission: str) -> str | None:
    """The permission that also grants ``permission``: edit grants view."""
    resource, _, action = permission.partition(":")
    return f"{resource}:edit" if action == "view" else None


def split(scope: str | None) -> set[str]:
    return set((scope or "").split())


def join(scopes) -> str:
    """A scope string in catalogue order, so equal sets always read the same."""
    return " ".join(s for s in ALL_SCOPES if s in set(scopes))
