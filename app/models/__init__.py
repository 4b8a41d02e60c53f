"""Database models, one module per aggregate."""
from app.models.audit import AuditEvent
from app.models.organisation import Address, Organisation, User

__all__ = ["Address", "AuditEvent", "Organisation", "User"]
