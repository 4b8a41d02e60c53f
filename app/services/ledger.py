"""Accounts and their transactions: recorded, never changed; voided by a reversal; and
the income transaction of every payment, in the payment's own database transaction."""
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select

from app import events, tenancy
from app.database import lock_for_transaction
from app.errors import fail
from app.extensions import db
from app.models import Account, Category, Invoice, Payment, Transaction
from app.models.ledger import INCOME
from app.money import default_currency

PAYMENT_ACCOUNT_NAME = "Cash"  # the account a payment makes where its organisation has none


def new_account(organisation_id: int, data: dict) -> Account:
    """A new account (added, not committed); the organisation's first is its default."""
    lock_for_transaction(f"accounts-{organisation_id}")  # one default, even when racing
    has_default = db.session.scalar(select(exists().where(
        Account.organisation_id == organisation_id, Account.default)))
    account = Account(organisation_id=organisation_id, name=data["name"], type=data["type"],
                      currency=data.get("currency") or default_currency(),
                      opening_balance=data.get("opening_balance") or Decimal("0"),
                      default=bool(data.get("default")) or not has_default)
    db.session.add(account)
    events.record("account.created", account)
    if account.default:
        _unset_other_defaults(account)
    return account


def change_account(account: Account, data: dict) -> Account:
    if data.get("currency") not in (None, account.currency) and _has_transactions(account):
        fail(409, "The currency of an account with transactions cannot change.")
    if data.get("default") is False and account.default:
        fail(409, "An organisation keeps a default account: make another one the default.")
    for field, value in data.items():
        setattr(account, field, value)
    changed = db.session.is_modified(account)
    if data.get("default"):
        lock_for_transaction(f"accounts-{account.organisation_id}")
        _unset_other_defaults(account)
    if changed:
        events.record("account.updated", account)
    return account


def _unset_other_defaults(account: Account) -> None:
    """The organisation's other default account (there is one at most) stops being it."""
    db.session.flush()
    for other in db.session.scalars(select(Account).where(
            Account.organisation_id == account.organisation_id, Account.id != account.id,
            Account.default)).all():
        other.default = False
        events.record("account.updated", other)


def _has_transactions(account: Account) -> bool:
    return db.session.scalar(select(exists().where(Transaction.account_id == account.id)))


def record(data: dict) -> Transaction:
    """A transaction posted through the API, into an account in reach (added, not committed)."""
    account = tenancy.get_or_404(Account, data["account_id"], field="account_id")
    category_id = data.get("category_id")
    if category_id is not None:
        category = db.session.get(Category, category_id)
        if category is None or category.organisation_id != account.organisation_id:
            fail(422, "The category must belong to the account's organisation.",
                 errors={"category_id": "Category not found in this organisation."})
        if category.type != data["type"]:
            fail(422, f"A {category.type} category cannot hold a {data['type']} transaction.",
                 errors={"category_id": f"Choose an {data['type']} category."})
    transaction = Transaction(organisation_id=account.organisation_id, **data)
    db.session.add(transaction)
    events.record("transaction.created", transaction)
    return transaction


def void(transaction: Transaction) -> Transaction:
    """Record the reversal of ``transaction`` (locked by the caller): its type with the
    opposite amount, dated today, linked both ways. Once only."""
    if transaction.reversed_by_id is not None:
        fail(409, f"The transaction was already voided by transaction {transaction.reversed_by_id}.",
             code="already_voided", reversed_by_id=transaction.reversed_by_id)
    if transaction.reverses_id is not None:
        fail(409, "A reversal cannot be voided: record a new transaction instead.")
    if transaction.payment_id is not None:
        fail(409, f"The transaction records payment {transaction.payment_id}; it stays while "
                  "the payment does.")
    reversal = Transaction(
        organisation_id=transaction.organisation_id, account_id=transaction.account_id,
        category_id=transaction.category_id, type=transaction.type, amount=-transaction.amount,
        description=f"Void of transaction {transaction.id}", date=date.today(),
        reverses_id=transaction.id)
    db.session.add(reversal)
    events.record("transaction.created", reversal)
    db.session.expire(transaction, ["reversed_by_id"])
    events.record("transaction.voided", transaction)
    return reversal


def record_payment_income(payment: Payment, invoice: Invoice, account_id: int | None) -> None:
    """The payment's income transaction, into ``account_id`` (an account of the invoice's
    organisation) or the organisation's default account (made if it has none)."""
    account = _payment_account(invoice, account_id)
    payment.account_id = account.id
    db.session.flush()  # the payment's id
    income = Transaction(
        organisation_id=invoice.organisation_id, account_id=account.id, type=INCOME,
        amount=payment.amount, date=payment.date, payment_id=payment.id,
        description=f"Payment for invoice {invoice.invoice_number}")
    db.session.add(income)
    events.record("transaction.created", income)


def _payment_account(invoice: Invoice, account_id: int | None) -> Account:
    """The account named, else the default one, else a new one; in the invoice's currency."""
    if account_id is not None:
        account = db.session.get(Account, account_id)
        if account is None or account.organisation_id != invoice.organisation_id:
            fail(422, "The account must belong to the invoice's organisation.",
                 errors={"account_id": "Account not found in this organisation."})
    else:
        account = db.session.scalar(select(Account).where(
            Account.organisation_id == invoice.organisation_id, Account.default)) or new_account(
            invoice.organisation_id, {"name": PAYMENT_ACCOUNT_NAME, "type": "cash",
                                      "currency": invoice.currency})
    if account.currency != invoice.currency:
        fail(422, f"The invoice is in {invoice.currency}, the account in {account.currency}.",
             errors={"account_id": f"Name an account in {invoice.currency}."})
    return account
