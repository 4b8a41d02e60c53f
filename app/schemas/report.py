from datetime import date

import marshmallow as ma

from app.money import Money
from app.schemas.common import UNKNOWN_PARAMETER, CurrencyCode, Id, QueryFlag, Schema

BASES = ("accrual", "cash")


class FinancialReportArgs(Schema):
    """The period (a year, a month of it, or from and to), the basis and the organisations."""

    error_messages = {"unknown": UNKNOWN_PARAMETER}

    year = ma.fields.Integer(validate=ma.validate.Range(min=1, max=9998), metadata={
        "description": "A calendar year; default: this year (without from and to)"})
    month = ma.fields.Integer(validate=ma.validate.Range(min=1, max=12), metadata={
        "description": "A month of year (1 to 12)"})
    from_ = ma.fields.Date(data_key="from", metadata={
        "description": "First day of the period (with to, instead of year and month)"})
    to = ma.fields.Date(metadata={"description": "The day after the period: it is half-open"})
    basis = ma.fields.String(load_default="accrual", validate=ma.validate.OneOf(BASES), metadata={
        "description": "accrual (default): income invoiced; cash: income received"})
    organisation = Id(strict=False, metadata={
        "description": "The organisation reported on (in reach); default: the caller's"})
    include_descendants = QueryFlag(metadata={
        "description": "Add the organisation's descendants in the caller's reach"})

    @ma.validates_schema
    def _one_period(self, data, **kwargs):
        if "month" in data and "year" not in data:
            raise ma.ValidationError("Give the year of the month.", "month")
        dated = "from_" in data or "to" in data
        if dated and ("year" in data or "month" in data):
            raise ma.ValidationError("Give year and month, or from and to, not both.", "from")
        if dated and not ("from_" in data and "to" in data):
            raise ma.ValidationError("Give both from and to.", "to" if "from_" in data else "from")
        if dated and data["to"] <= data["from_"]:
            raise ma.ValidationError("Must be after from (the period is half-open).", "to")

    @ma.post_load
    def _period(self, data, **kwargs):
        """``from_`` and ``to`` from year and month, if given that way."""
        if "from_" not in data:
            year, month = data.pop("year", date.today().year), data.pop("month", None)
            data["from_"] = date(year, month or 1, 1)
            data["to"] = (date(year + 1, 1, 1) if month in (None, 12)
                          else date(year, month + 1, 1))
        return data


class PeriodSchema(Schema):
    from_ = ma.fields.Date(data_key="from", required=True, metadata={"description": "First day"})
    to = ma.fields.Date(required=True, metadata={"description": "The day after the last"})


class CurrencyTotalsSchema(Schema):
    currency = CurrencyCode(required=True)
    income = Money(dump_only=True, signed=True, metadata={
        "description": "accrual: invoices issued in the period, plus income transactions "
                       "that record no payment; cash: income transactions (payments included)"})
    expenses = Money(dump_only=True, signed=True, metadata={
        "description": "Expense transactions in the period"})
    profit = Money(dump_only=True, signed=True, metadata={"description": "income - expenses"})
    outstanding_invoices = Money(dump_only=True, signed=True, metadata={
        "description": "What the invoices issued before the period's end still owed at its "
                       "end: their totals less the payments made before it"})


class FinancialReportSchema(Schema):
    """Income, expenses, profit and outstanding invoices per currency, over a period."""

    period = ma.fields.Nested(PeriodSchema, required=True)
    basis = ma.fields.String(required=True, metadata={"enum": list(BASES)})
    organisation = ma.fields.Integer(required=True)
    include_descendants = ma.fields.Boolean(required=True)
    organisations = ma.fields.List(ma.fields.Integer(), required=True, metadata={
        "description": "Every organisation counted"})
    totals = ma.fields.List(ma.fields.Nested(CurrencyTotalsSchema), required=True, metadata={
        "description": "One entry per currency, by currency code; none without records"})
