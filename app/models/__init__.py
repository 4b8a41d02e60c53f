"""Database models, one module per aggregate."""
from app.models.api_client import AccessToken, ApiClient
from app.models.audit import AuditEvent
from app.models.customer import Customer
from app.models.event import Event, InvoiceEmail, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.models.idempotency import IdempotencyKey
from app.models.invoice import Invoice, InvoiceCounter, InvoiceLine
from app.models.organisation import Address, Organisation, User
from app.models.payment import Payment
from app.models.product import Product, StockMovement
from app.models.vendor import Vendor

__all__ = [
    "AccessToken", "Address", "ApiClient", "AuditEvent", "Customer", "Event", "IdempotencyKey",
    "Invoice", "InvoiceCounter", "InvoiceEmail", "InvoiceLine", "Organisation", "Payment", "Product",
    "StockMovement", "User", "Vendor", "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint",
]
