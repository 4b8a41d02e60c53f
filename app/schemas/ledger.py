import marshmallow as ma

from app.models.ledger import ACCOUNT_TYPES, TYPES
from app.money import Money
from app.pagination import ListArgs
from app.schemas.common import CurrencyCode, Id, Schema, StrictBoolean, Text

OWNER = {"description": "Owning organisation (in reach); default: the caller's"}

class AccountSchema(Schema):
    """A bank or cash account; `balance` is its opening balance plus its transactions."""

    id = ma.fields.Integer(dump_only=True)
    organisation = Id(attribute="organisation_id", metadata=OWNER)
    name = Text(200, required=True, metadata={"example": "Business current account"})
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(ACCOUNT_TYPES))
    currency = CurrencyCode(metadata={
        "description": "Default: the server's DEFAULT_CURRENCY. Fixed once the account has "
                       "transactions"})
    opening_balance = Money(signed=True, metadata={
        "description": "Default 0", "example": "1000.00"})
    default = StrictBoolean(metadata={
        "description": "Where payments that name no account go; one per organisation (setting "
                       "it unsets the others'). The organisation's first account is its default"})
    balance = Money(dump_only=True, signed=True, metadata={
        "description": "opening_balance plus income minus expenses"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

class AccountUpdateSchema(AccountSchema):
    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})

class CategorySchema(Schema):
    """What income comes from or expenses go to."""

    id = ma.fields.Integer(dump_only=True)
    organisation = Id(attribute="organisation_id", metadata=OWNER)
    name = Text(200, required=True, metadata={"example": "Web development"})
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(TYPES))
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

class CategoryListArgs(ListArgs):
    type = ma.fields.String(validate=ma.validate.OneOf(TYPES))

class TransactionSchema(Schema):
    """Money into (Income) or out of (Expense) an account; never changed or deleted."""

    id = ma.fields.Integer(dump_only=True)
    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "The account's organisation"})
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(TYPES))
    account_id = Id(required=True, metadata={
        "description": "An account in reach (`GET /api/v1/accounts`)"})
    amount = Money(dump_only=True, signed=True, metadata={
        "description": "Positive; negative only on a reversal, which has its original's type"})
    category_id = Id(allow_none=True, metadata={
        "description": "A category of the account's organisation, of the same type"})
    description = Text(500, allow_none=True, metadata={"example": "Website Development Payment"})
    date = ma.fields.Date(required=True, metadata={"example": "2024-01-15"})
    payment_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The payment that recorded it"})
    reverses_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The transaction this one voids"})
    reversed_by_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The transaction that voids this one"})
    created_at = ma.fields.DateTime(dump_only=True)

class TransactionCreateSchema(TransactionSchema):
    amount = Money(required=True, positive=True, metadata={"example": "1500.00"})

class TransactionListArgs(ListArgs):
    type = ma.fields.String(validate=ma.validate.OneOf(TYPES))
    account_id = Id(strict=False)
    category_id = Id(strict=False)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
