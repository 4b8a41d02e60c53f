"""Exact decimals for money and quantities, end to end.

Decimals travel as JSON strings ("1500.00") both ways, are stored as NUMERIC and
computed with Decimal, so no binary float ever touches them.
Computed money rounds half-up to the minor unit (two places).
"""
import re
from decimal import ROUND_HALF_UP, Decimal

import marshmallow as ma
from sqlalchemy import Numeric

CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")  # NUMERIC(14, 2) holds twelve digits; totals stay below


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def MoneyColumn():  # noqa: N802 - reads like a type
    return Numeric(14, 2, asdecimal=True)


def QuantityColumn():  # noqa: N802
    return Numeric(14, 3, asdecimal=True)


NON_NEGATIVE_MONEY = r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$"
POSITIVE_MONEY = r"^([1-9][0-9]{0,9}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
SIGNED_MONEY = r"^-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$"
POSITIVE_QUANTITY = r"^([1-9][0-9]{0,10}(\.[0-9]{1,3})?|0\.([1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"
NON_NEGATIVE_QUANTITY = r"^(0|[1-9][0-9]{0,10})(\.[0-9]{1,3})?$"
SIGNED_QUANTITY = r"^-?(0|[1-9][0-9]{0,10})(\.[0-9]{1,3})?$"
PERCENT = r"^(100(\.0{1,2})?|[1-9]?[0-9](\.[0-9]{1,2})?)$"


class ExactDecimal(ma.fields.Decimal):
    """A decimal as a JSON string matching ``pattern`` (plain digits, no exponent, no
    leading zeros), read without rounding and written with exactly ``places`` decimals.
    JSON numbers are refused: they are where binary floats creep in."""

    default_error_messages = {
        "invalid": 'Use a decimal string such as "{example}".',
        "pattern": "Must match {pattern}.",
    }

    def __init__(self, places: int, pattern: str, **kwargs):
        metadata = kwargs.pop("metadata", {})
        self.example = metadata.get("example", "1.00")
        kwargs["metadata"] = {"type": "string", "format": "decimal", "pattern": pattern,
                              **metadata}
        super().__init__(places=places, as_string=True, allow_nan=False, **kwargs)
        self.pattern, self.regex = pattern, re.compile(pattern)
        self.quantum = Decimal(1).scaleb(-places)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid", example=self.example)
        if self.regex.fullmatch(value) is None:
            raise self.make_error("pattern", pattern=self.pattern)
        return Decimal(value)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP))


def Money(*, positive=False, signed=False, **kwargs):  # noqa: N802
    """Money in the minor unit (two places): at least 0, above 0 when ``positive``."""
    metadata = {"description": "Decimal string with up to two places, e.g. \"1500.00\"",
                "example": "1500.00", **kwargs.pop("metadata", {})}
    pattern = POSITIVE_MONEY if positive else SIGNED_MONEY if signed else NON_NEGATIVE_MONEY
    return ExactDecimal(2, pattern, metadata=metadata, **kwargs)


def Quantity(*, positive=False, signed=False, **kwargs):  # noqa: N802
    metadata = {"description": "Decimal string with up to three places, e.g. \"1\"",
                "example": "1", **kwargs.pop("metadata", {})}
    pattern = POSITIVE_QUANTITY if positive else SIGNED_QUANTITY if signed else NON_NEGATIVE_QUANTITY
    return ExactDecimal(3, pattern, metadata=metadata, **kwargs)


def Percent(**kwargs):  # noqa: N802
    metadata = {"description": "Percentage from \"0\" to \"100\", e.g. \"20.00\"",
                "example": "20.00", **kwargs.pop("metadata", {})}
    return ExactDecimal(2, PERCENT, metadata=metadata, **kwargs)
