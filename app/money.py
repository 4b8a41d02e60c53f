"""Exact decimals for money and quantities, end to end.

JSON numbers are read as Decimal (app.blueprint), stored as NUMERIC, computed with
Decimal and written back as strings ("1500.00"), so no binary float ever touches them.
Computed money rounds half-up to the minor unit (two places).
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import marshmallow as ma
from sqlalchemy import Numeric

CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")
QUANTITY_MAX = Decimal("99999999999.999")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def MoneyColumn():  # noqa: N802 - reads like a type
    return Numeric(14, 2, asdecimal=True)


def QuantityColumn():  # noqa: N802
    return Numeric(14, 3, asdecimal=True)


class ExactDecimal(ma.fields.Decimal):
    """A decimal given as a JSON string or number, with at most ``places`` decimals and
    within [minimum, maximum] (or above minimum when ``exclusive``). Written as a string
    with exactly ``places`` decimals, and documented as such."""

    default_error_messages = {
        "places": "At most {places} decimal places.",
        "invalid": "Not a valid decimal number.",
        "range": "Must be between {minimum} and {maximum}.",
        "positive": "Must be greater than {minimum} and at most {maximum}.",
    }

    def __init__(self, places: int, *, minimum=None, maximum=None, exclusive=False, **kwargs):
        pattern = r"^-?[0-9]+(\.[0-9]{1,%d})?$" % places
        kwargs["metadata"] = {"type": "string", "format": "decimal", "pattern": pattern,
                              **kwargs.get("metadata", {})}
        super().__init__(places=places, as_string=True, allow_nan=False, **kwargs)
        self.decimal_places, self.quantum = places, Decimal(1).scaleb(-places)
        self.minimum, self.maximum, self.exclusive = minimum, maximum, exclusive

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (bool, float)) or not isinstance(value, (int, str, Decimal)):
            raise self.make_error("invalid")
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except InvalidOperation as error:
            raise self.make_error("invalid") from error
        if not number.is_finite():
            raise self.make_error("special")
        if number.as_tuple().exponent < -self.decimal_places:
            raise self.make_error("places", places=self.decimal_places)
        self._check_range(number)
        return number

    def _check_range(self, number: Decimal) -> None:
        low, high = self.minimum, self.maximum
        too_low = low is not None and (number <= low if self.exclusive else number < low)
        if too_low or (high is not None and number > high):
            raise self.make_error("positive" if self.exclusive else "range",
                                  minimum=low, maximum=high)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP))


def Money(*, positive=False, **kwargs):  # noqa: N802
    """Money in the minor unit (two places); ``positive``: greater than zero."""
    metadata = {"description": "Decimal string with two places, e.g. \"1500.00\" "
                               "(a JSON number is accepted too)",
                "example": "1500.00", **kwargs.pop("metadata", {})}
    minimum = kwargs.pop("minimum", Decimal("0"))
    return ExactDecimal(2, minimum=minimum, maximum=MONEY_MAX, exclusive=positive,
                        metadata=metadata, **kwargs)


def Quantity(*, positive=False, **kwargs):  # noqa: N802
    metadata = {"description": "Decimal with up to three places", "example": "1",
                **kwargs.pop("metadata", {})}
    minimum = kwargs.pop("minimum", Decimal("0") if positive else None)
    return ExactDecimal(3, minimum=minimum, maximum=QUANTITY_MAX, exclusive=positive,
                        metadata=metadata, **kwargs)


def Percent(**kwargs):  # noqa: N802
    metadata = {"description": "Percentage, e.g. \"20.00\"", "example": "20.00",
                **kwargs.pop("metadata", {})}
    return ExactDecimal(2, minimum=Decimal("0"), maximum=Decimal("100"), metadata=metadata,
                        **kwargs)
