"""Roles: named sets of permissions a user may hold besides its explicit ones.

A role stands for its permissions, and a caller grants a role only when it holds every
permission the role holds (as for explicit permissions)."""
from oauth.scopes import ALL_PERMISSIONS

BUSINESS = ("customers", "vendors", "products", "invoices", "payments", "tickets",
            "departments", "leads", "repairs")


def _each(names, parent: bool) -> tuple[dict, ...]:
    return tuple({"permission": name, "parent": parent} for name in names)


ROLES: dict[str, tuple[str, tuple[dict, ...]]] = {
    "administrator": (
        "Everything, over the organisation and its descendants: users, API clients and "
        "emulation included (but not `admin`, which also grants admin to others)",
        _each(ALL_PERMISSIONS, True)),
    "manager": (
        "Creates and changes every business record (customers, catalogue, invoices, payments, "
        "tickets, leads, repairs) over the organisation and its descendants; sees "
        "organisations and users",
        _each([f"{name}:edit" for name in BUSINESS]
              + ["organisations:view", "users:view"], True)),
    "staff": (
        "Day-to-day work in its own organisation: handles customers, tickets, leads and "
        "repairs; sees products, vendors, invoices, payments and departments",
        _each(["customers:edit", "tickets:edit", "leads:edit", "repairs:edit",
               "products:view", "vendors:view", "invoices:view", "payments:view",
               "departments:view"], False)),
    "readonly": (
        "Sees every business record of its own organisation, changes nothing",
        _each([f"{name}:view" for name in BUSINESS], False)),
}
NAMES = tuple(ROLES)


def permissions_of(role: str | None) -> tuple[dict, ...]:
    return ROLES[role][1] if role else ()


def merged(*permission_lists) -> list[dict]:
    """One entry per permission; it reaches descendants if any of the lists says so."""
    parent: dict[str, bool] = {}
    for permissions in permission_lists:
        for held in permissions:
            name = held["permission"]
            parent[name] = parent.get(name, False) or bool(held.get("parent"))
    return [{"permission": name, "parent": extends} for name, extends in parent.items()]
