"""Database models, one module per aggregate."""
from app.models.api_client import AccessToken, ApiClient
from app.models.audit import AuditEvent
from app.models.customer import Customer
from app.models.idempotency import IdempotencyKey
from app.models.invoice import Invoice, InvoiceCounter, InvoiceLine
from app.models.ledger import Account, Category, Transaction
from app.models.organisation import Address, Organisation, User
from app.models.payment import Payment
from app.models.product import Product, StockMovement
from app.models.quote import Quote, QuoteCounter, QuoteLine
from app.models.vendor import Vendor

__all__ = [
    "AccessToken", "Account", "Address", "ApiClient", "AuditEvent", "Category", "Customer",
    "IdempotencyKey", "Invoice", "InvoiceCounter", "InvoiceLine", "Organisation", "Payment",
    "Product", "Quote", "QuoteCounter", "QuoteLine", "StockMovement", "Transaction", "User",
    "Vendor",
]
