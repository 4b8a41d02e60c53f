import marshmallow as ma

from app.models.product import PRODUCT_TYPES, URL_MAX
from app.money import Money, Percent, Quantity
from app.pagination import ListArgs
from app.schemas.common import ID_MAX, FullMatch, Id, Schema, StrictBoolean, Text, Whole

SORT_KEYS = ("popularity", "name", "price")
SORTS = tuple(f"{sign}{key}" for key in SORT_KEYS for sign in "-+")
NONE = -1  # in the vendor and type filters: products without one
POPULARITY_DAYS = 90
LIST_MAX = 50  # values of a repeated filter, rate plans, charges, costs


def Url(**kwargs):  # noqa: N802 - reads like a field class
    """An absolute http or https URL (no javascript:, data: or relative references)."""
    return ma.fields.URL(schemes={"http", "https"}, require_tld=False, allow_none=True,
                         validate=ma.validate.Length(max=URL_MAX), **kwargs)


def Count(**kwargs):  # noqa: N802
    """A whole number of units, periods or months: a JSON integer."""
    return ma.fields.Integer(strict=True, allow_none=True,
                             validate=ma.validate.Range(min=0, max=1_000_000_000), **kwargs)


def SupplierId(**kwargs):  # noqa: N802
    return Id(allow_none=True, metadata={
        "description": "The supplier's own identifier, kept as sent", "example": 1}, **kwargs)


class RatePlanChargeCostSchema(Schema):
    """What a charge costs in one currency."""

    id = SupplierId()
    currency = ma.fields.String(required=True, validate=FullMatch(
        r"^[A-Z]{3}$", error="Use an ISO 4217 code such as GBP."), metadata={"example": "GBP"})
    charge_cost_price = Money(required=True, metadata={"example": "4.99"})


class RatePlanChargeSchema(Schema):
    """One charge of a rate plan."""

    id = SupplierId()
    name = Text(200, required=True, metadata={"example": "Monthly maintenance fee"})
    charge_type = Text(50, allow_none=True, metadata={"example": "recurring"})
    charge_model = Text(50, allow_none=True, metadata={"example": "per_unit"})
    rate_plan_charge_costs = ma.fields.List(
        Whole(RatePlanChargeCostSchema), validate=ma.validate.Length(max=LIST_MAX))
    unit_of_measure = Text(50, allow_none=True, metadata={"example": "User"})


class RatePlanSchema(Schema):
    """A way to subscribe to the product: term, billing frequency, quantities, charges."""

    id = SupplierId()
    name = Text(200, required=True, metadata={"example": "Monthly Gold"})
    term_length = Count(metadata={"description": "Length of the term, in months", "example": 24})
    billing_frequency = Text(50, allow_none=True, metadata={"example": "monthly"})
    renewal_term_length = Count(metadata={"description": "Length of a renewal, in months",
                                          "example": 12})
    default = StrictBoolean(metadata={"description": "The plan offered first; at most one"})
    min_quantity = Count(metadata={"example": 1})
    max_quantity = Count(metadata={"example": 100})
    rate_plan_charges = ma.fields.List(
        Whole(RatePlanChargeSchema), validate=ma.validate.Length(max=LIST_MAX))

    @ma.validates_schema
    def _quantities_in_order(self, data, **kwargs):
        low, high = data.get("min_quantity"), data.get("max_quantity")
        if low is not None and high is not None and low > high:
            raise ma.ValidationError("Must not be below min_quantity.", "max_quantity")


def _one_default(plans: list) -> None:
    if sum(1 for plan in plans if plan.get("default")) > 1:
        raise ma.ValidationError("At most one rate plan is the default.")


class ProductSchema(Schema):
    """A product or service, with the fields of a distributor's catalogue."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    organisation = Id(attribute="organisation_id", metadata={
        "description": "Owning organisation (in reach); default: the caller's"})
    name = Text(200, required=True, metadata={"example": "Web Hosting"})
    product_code = Text(64, allow_none=True, metadata={"description": "SKU", "example": "NEW-PH0N3"})
    description = Text(5000, allow_none=True, metadata={"example": "Annual web hosting package"})
    detailed_description = Text(20000, allow_none=True, metadata={
        "description": "The long description of a product page",
        "example": "This phone is everything you need in a new device."})
    featured_description = Text(5000, allow_none=True, metadata={
        "description": "Highlights, one per line",
        "example": "100 lines\nFull colour screen\nIn-built toaster"})
    vendor = Id(attribute="vendor_id", allow_none=True, metadata={
        "description": "A vendor of the product's own organisation (GET /vendors); "
                       "null: none", "example": 5})
    type = ma.fields.String(load_default="product", validate=ma.validate.OneOf(PRODUCT_TYPES))
    rrp = Money(allow_none=True, metadata={"description": "Recommended retail price",
                                           "example": "110.12"})
    price = Money(required=True, metadata={"example": "99.99"})
    tax_rate = Percent(load_default=None)
    thumb_url = Url(metadata={"example": "https://cdn.example.com/phone-thumb.png"})
    main_image_url = Url(metadata={"example": "https://cdn.example.com/phone.png"})
    datasheet_url = Url(metadata={"example": "https://cdn.example.com/phone-datasheet.pdf"})
    guide_url = Url(metadata={"example": "https://cdn.example.com/phone-guide.pdf"})
    quickstart_url = Url(metadata={"example": "https://cdn.example.com/phone-quickstart.pdf"})
    stock = Quantity(load_default=None, signed=True, metadata={"example": "10"})
    min_stock = Quantity(load_default=None, metadata={
        "description": "Below this the product is low on stock", "example": "2"})
    allow_negative_stock = StrictBoolean(load_default=False, metadata={
        "description": "Whether stock may go below zero (by a change or an invoice)"})
    shipping_cost = Money(allow_none=True, metadata={"example": "20.00"})
    subscription_type = Text(50, allow_none=True, metadata={
        "description": "The supplier's subscription type, if the product is one",
        "example": "DROPBOX"})
    rate_plans = ma.fields.List(Whole(RatePlanSchema), validate=(
        ma.validate.Length(max=LIST_MAX), _one_default), metadata={
        "description": "The subscription's rate plans; [] for none"})
    is_shippable = StrictBoolean(metadata={"description": "Default: false"})
    is_financeable = StrictBoolean(metadata={"description": "Default: false"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    @ma.post_load
    def _rate_plans_as_json(self, data, **kwargs):
        """Rate plans are stored as JSON: amounts as the decimal strings they are answered as."""
        if data.get("rate_plans") is not None:
            data["rate_plans"] = RatePlanSchema(many=True).dump(data["rate_plans"])
        return data


class ProductUpdateSchema(ProductSchema):
    """Fields to change. A new `stock` is recorded as a stock movement; it may go below
    zero only when `allow_negative_stock` is true (set in the same request or before).
    Load with `partial=True`."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})

    stock_reason = Text(200, load_only=True, metadata={"description": "Why the stock changed"})
    allow_negative_stock = StrictBoolean()


class SortKey(ma.fields.String):
    """``+name`` written in a URL unencoded arrives as `` name`` (a ``+`` in a query string
    is a space): a leading space is read as ``+``."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return "+" + value[1:] if value.startswith(" ") else value


def _no_key_twice(keys: list) -> None:
    named = [key[1:] for key in keys]
    if len(set(named)) < len(named):
        raise ma.ValidationError("Give each key once.")


def _vendor_or_none(value: int) -> None:
    if value != NONE and not 1 <= value <= ID_MAX:
        raise ma.ValidationError("Give a vendor id, or -1 for products without a vendor.")


class ProductListArgs(ListArgs):
    text = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                            metadata={"description": "Name or product code contains"})
    vendor = ma.fields.List(
        ma.fields.Integer(validate=_vendor_or_none), validate=ma.validate.Length(max=LIST_MAX),
        metadata={"description": "Products of any of these vendors (in reach; repeat the "
                                 "parameter: vendor=5&vendor=7); -1: products without a vendor"})
    type = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(PRODUCT_TYPES + (str(NONE),))),
        validate=ma.validate.Length(max=LIST_MAX),
        metadata={"description": "Products of any of these types (type=product&type=service); "
                                 "-1: products without a type, which no product is here. Types "
                                 "are names, not the numeric type ids of other catalogues"})
    sort_by = ma.fields.List(
        SortKey(validate=ma.validate.OneOf(SORTS)),
        validate=(ma.validate.Length(min=1, max=len(SORT_KEYS)), _no_key_twice),
        metadata={"description": "Keys in order (sort_by=-popularity&sort_by=%2Bname): + "
                                 "ascending, - descending; an unencoded + (a space) is read as +. "
                                 f"popularity: units invoiced in the last {POPULARITY_DAYS} days "
                                 "(lines of invoices neither Draft nor Void, dated from "
                                 f"{POPULARITY_DAYS - 1} days ago to today). Ties, and no "
                                 "sort_by: by id"})
