"""Exact decimals for money and quantities, end to end.

Decimals arrive as JSON numbers (1500.00) or decimal strings ("1500.00"), are read from the
number's literal text (never through a binary float), stored as NUMERIC, computed with
Decimal and answered as decimal strings. Computed money rounds half-up to the minor unit
(two places).
"""
import re
from decimal import ROUND_HALF_UP, Decimal

import marshmallow as ma
from flask import current_app
from sqlalchemy import Numeric

CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")  # NUMERIC(14, 2) holds twelve digits; totals stay below


def default_currency() -> str:
    """The currency of money recorded without one (the DEFAULT_CURRENCY setting)."""
    return current_app.config["DEFAULT_CURRENCY"]


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


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent, keeping the text it was written as
    (app.blueprint parses bodies with it): ``1e3`` and ``1000`` are the same Decimal, but
    only one of them was written with an exponent."""

    literal: str

    def __new__(cls, literal: str):
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


EXPONENT = re.compile(r"[eE]")
FRACTION = re.compile(r"\.([0-9]*)")


class ExactDecimal(ma.fields.Decimal):
    """A decimal given as a JSON number (``19.99``, ``1``) or a decimal string
    (``"19.99"``), read exactly from its literal text: plain digits within ``minimum`` and
    ``maximum`` with at most ``places`` decimals; no exponent, and for strings no leading
    zeros or spaces (``pattern``). Written as a string with exactly ``places`` decimals."""

    default_error_messages = {
        "invalid": 'Use a number such as {example} or a decimal string such as "{example}".',
        "exponent": "Write the number without an exponent, e.g. 1500 rather than 1.5e3.",
        "places": "At most {places} decimal places.",
        "range": "Must be {range}.",
        "pattern": "Must match {pattern}.",
    }

    def __init__(self, places: int, pattern: str, *, minimum: Decimal, maximum: Decimal,
                 exclusive_minimum: bool = False, **kwargs):
        metadata = kwargs.pop("metadata", {})
        self.example = metadata.get("example", "1.00")
        string = {"type": "string", "format": "decimal", "pattern": pattern}
        description = metadata.get("description", "A decimal").rstrip(".")
        if kwargs.get("dump_only"):  # answers are always strings
            kwargs["metadata"] = {**string, **metadata,
                                  "description": f"{description}; a decimal string"}
        else:  # what a request may send: either form (see app.blueprint for the number)
            number = {"type": "number", "minimum": float(minimum), "maximum": float(maximum)}
            if exclusive_minimum:
                number["exclusiveMinimum"] = True
            kwargs["metadata"] = {"oneOf": [string, number], **metadata, "description": (
                f"{description}: a JSON number ({self.example}) or a decimal string "
                f'("{self.example}"), at most {places} decimal places, no exponent; '
                "answered as a decimal string")}
        super().__init__(places=places, as_string=True, allow_nan=False, **kwargs)
        self.pattern, self.regex, self.places = pattern, re.compile(pattern), places
        self.minimum, self.maximum, self.exclusive_minimum = minimum, maximum, exclusive_minimum
        self.quantum = Decimal(1).scaleb(-places)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            text = value
        elif isinstance(value, JsonNumber):
            text = value.literal
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:  # a binary float (or anything else) has no exact text to read
            raise self.make_error("invalid", example=self.example)
        if self.regex.fullmatch(text) is None:
            raise self._explain(text)
        return Decimal(text)

    def _explain(self, text: str) -> ma.ValidationError:
        """Why ``text`` does not match: the most specific reason."""
        if EXPONENT.search(text):
            return self.make_error("exponent")
        fraction = FRACTION.search(text)
        if fraction and len(fraction.group(1)) > self.places:
            return self.make_error("places", places=self.places)
        try:
            number = Decimal(text)
        except ArithmeticError:
            return self.make_error("pattern", pattern=self.pattern)
        if number.is_finite() and not self._within(number):
            return self.make_error("range", range=self.range_text())
        return self.make_error("pattern", pattern=self.pattern)

    def _within(self, number: Decimal) -> bool:
        above = number > self.minimum if self.exclusive_minimum else number >= self.minimum
        return above and number <= self.maximum

    def range_text(self) -> str:
        lower = "more than" if self.exclusive_minimum else "at least"
        return f"{lower} {self.minimum} and at most {self.maximum}"

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP))


QUANTITY_MAX = Decimal("99999999999.999")  # NUMERIC(14, 3)


def Money(*, positive=False, signed=False, **kwargs):  # noqa: N802
    """Money in the minor unit (two places): at least 0, above 0 when ``positive``."""
    metadata = {"description": "Money, up to two places", "example": "1500.00",
                **kwargs.pop("metadata", {})}
    pattern = POSITIVE_MONEY if positive else SIGNED_MONEY if signed else NON_NEGATIVE_MONEY
    return ExactDecimal(2, pattern, minimum=-MONEY_MAX if signed else Decimal(0),
                        maximum=MONEY_MAX, exclusive_minimum=positive, metadata=metadata,
                        **kwargs)


def Quantity(*, positive=False, signed=False, **kwargs):  # noqa: N802
    metadata = {"description": "A quantity, up to three places", "example": "1",
                **kwargs.pop("metadata", {})}
    pattern = POSITIVE_QUANTITY if positive else SIGNED_QUANTITY if signed else NON_NEGATIVE_QUANTITY
    return ExactDecimal(3, pattern, minimum=-QUANTITY_MAX if signed else Decimal(0),
                        maximum=QUANTITY_MAX, exclusive_minimum=positive, metadata=metadata,
                        **kwargs)


def Percent(**kwargs):  # noqa: N802
    metadata = {"description": "Percentage from 0 to 100", "example": "20.00",
                **kwargs.pop("metadata", {})}
    return ExactDecimal(2, PERCENT, minimum=Decimal(0), maximum=Decimal(100), metadata=metadata,
                        **kwargs)
