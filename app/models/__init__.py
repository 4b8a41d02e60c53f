"""Database models, one module per aggregate."""
from app.models.api_client import AccessToken, ApiClient, SigningKey
from app.models.api_key import ApiKey
from app.models.audit import AuditEvent
from app.models.connection import CompanyProfile, Connection
from app.models.customer import Customer
from app.models.event import Event, InvoiceEmail, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.models.history import HistoryEntry
from app.models.idempotency import IdempotencyKey
from app.models.invoice import Invoice, InvoiceCounter, InvoiceLine
from app.models.lead import Lead
from app.models.ledger import Account, Category, Transaction
from app.models.notification import Device, Notification, PushDelivery
from app.models.organisation import Address, Organisation, User
from app.models.payment import Payment
from app.models.product import Product, StockMovement
from app.models.quote import Quote, QuoteCounter, QuoteLine
from app.models.repair import Repair, RepairLabour, RepairPart
from app.models.subscription import Subscription
from app.models.task import Assignment, StoredFile, Task, TaskNote
from app.models.ticket import Department, Ticket, TicketMessage
from app.models.vendor import Vendor

__all__ = [
    "AccessToken", "Account", "Address", "ApiClient", "ApiKey", "Assignment", "AuditEvent",
    "Category", "CompanyProfile", "Connection", "Customer", "Department", "Device", "Event",
    "HistoryEntry", "IdempotencyKey", "Invoice", "InvoiceCounter", "InvoiceEmail", "InvoiceLine",
    "Lead", "Notification", "Organisation", "Payment", "Product", "Quote", "QuoteCounter",
    "PushDelivery", "QuoteLine", "Repair", "RepairLabour", "RepairPart", "SigningKey", "StockMovement",
    "StoredFile", "Subscription", "Task", "TaskNote", "Ticket", "TicketMessage", "Transaction",
    "User", "Vendor", "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint",
]
