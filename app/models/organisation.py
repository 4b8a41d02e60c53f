"""Organisations (a tree of any depth), their saved addresses and their users."""
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    literal,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import roles
from app.extensions import db
from app.models.base import Timestamps
from oauth import scopes

FINANCE_TYPES = ("AGENT", "CREDIT", "PREPAY")
MAX_DEPTH = 40  # 40 levels of ids up to 10 digits fit the 1000-character path
TREE_LOCK = "organisation-tree"  # taken by whatever creates or moves organisations


class Organisation(Timestamps, db.Model):
    """A node of the tree. ``path`` is the materialised path of ids, "/1/4/9/",
    so a subtree is one indexed prefix match whatever the depth."""

    __tablename__ = "organisations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    linked_account: Mapped[bool] = mapped_column(Boolean, default=False)
    finance_type: Mapped[str] = mapped_column(String(20), default="CREDIT")
    # Its request budget (app.plans): a plan name, and the requests a minute of a custom one.
    plan: Mapped[str | None] = mapped_column(String(20))
    plan_limit: Mapped[int | None] = mapped_column(Integer)
    # On a root: the tree is a sandbox, demo data to try the API on (app.sandbox).
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id])

    __table_args__ = (
        Index("ix_organisations_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    def place_under(self, parent: "Organisation | None") -> None:
        """Set the path once the id is known (call after a flush)."""
        self.parent = parent
        self.parent_id = parent.id if parent else None
        self.path = f"{parent.path if parent else '/'}{self.id}/"
        self.depth = parent.depth + 1 if parent else 0

    def is_within(self, other: "Organisation") -> bool:
        """True for ``other`` itself and its descendants."""
        return self.path.startswith(other.path)

    def move_under(self, parent: "Organisation") -> None:
        """Re-parent this organisation, rewriting its subtree's paths in one statement."""
        old_path = self.path
        db.session.execute(
            update(Organisation)
            .where(Organisation.path.startswith(old_path))
            .values(
                path=literal(f"{parent.path}{self.id}/", String)
                + func.substr(Organisation.path, len(old_path) + 1),
                depth=Organisation.depth + (parent.depth + 1 - self.depth),
            )
            .execution_options(synchronize_session="fetch")
        )
        self.parent_id = parent.id  # through the ORM, so the audit trail records the move

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.path}>"


class Address(Timestamps, db.Model):
    """A saved address of an organisation (fields of the Hub API)."""

    __tablename__ = "addresses"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str | None] = mapped_column(String(200))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    addr_line_1: Mapped[str] = mapped_column(String(200))
    addr_line_2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[int] = mapped_column(Integer)


class User(Timestamps, db.Model):
    """A person of one organisation. ``permissions`` is a list of
    {"permission": "users:view", "parent": bool}; ``parent`` extends it to descendants."""

    __tablename__ = "users"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    locale: Mapped[str] = mapped_column(String(20), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    root: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    modules: Mapped[list] = mapped_column(JSON, default=list)
    permissions: Mapped[list] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(String(20))

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("organisation_id", "email", name="uq_users_org_email"),)

    @property
    def held_permissions(self) -> list[dict]:
        """Its role's permissions and its explicit ones, each once, reaching descendants
        where either does."""
        return roles.merged(roles.permissions_of(self.role), self.permissions or [])

    def grant(self, permission: str) -> bool | None:
        """None when the permission is not held; otherwise whether it reaches descendants.

        An admin holds every permission over its organisation's whole subtree; a view
        permission is also held through the resource's edit permission."""
        if self.admin:
            return True
        names = {permission, scopes.implied_by(permission)}
        reaches = [bool(held.get("parent")) for held in self.held_permissions
                   if held["permission"] in names]
        return max(reaches) if reaches else None

    def held_scopes(self) -> set[str]:
        return {
            scope for scope, permission in scopes.SCOPE_PERMISSIONS.items()
            if self.grant(permission) is not None
        }
