from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, utcnow
from app.money import MoneyColumn, QuantityColumn

PRODUCT_TYPES = ("product", "service")
URL_MAX = 2000


class Product(Timestamps, db.Model):
    """A product or service an organisation sells, with its stock."""

    __tablename__ = "products"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    product_code: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(10), default="product")
    price: Mapped[Decimal] = mapped_column(MoneyColumn())
    tax_rate: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal("0"))
    stock: Mapped[Decimal] = mapped_column(QuantityColumn(), default=Decimal("0"))
    min_stock: Mapped[Decimal] = mapped_column(QuantityColumn(), default=Decimal("0"))
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    # The catalogue of a distributor (the Hub API's product fields)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", name="fk_products_vendor_id"))
    rrp: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    detailed_description: Mapped[str | None] = mapped_column(Text)
    featured_description: Mapped[str | None] = mapped_column(Text)
    thumb_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    main_image_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    datasheet_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    guide_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    quickstart_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    shipping_cost: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    subscription_type: Mapped[str | None] = mapped_column(String(50))
    rate_plans: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    is_shippable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_financeable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    movements: Mapped[list["StockMovement"]] = relationship(
        back_populates="product", order_by="StockMovement.id")

    __table_args__ = (
        Index("ix_products_org_id", "organisation_id", "id"),
        Index("ix_products_org_name", "organisation_id", "name"),
        Index("ix_products_org_vendor", "organisation_id", "vendor_id"),
    )


class StockMovement(db.Model):
    """One change of a product's stock, with the stock after it."""

    __tablename__ = "stock_movements"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    change: Mapped[Decimal] = mapped_column(QuantityColumn())
    stock_after: Mapped[Decimal] = mapped_column(QuantityColumn())
    reason: Mapped[str | None] = mapped_column(String(200))
    # The invoice whose lines took (or gave back) this stock, if any.
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", name="fk_stock_movements_invoice_id"), index=True)
    # The repair whose parts took (or gave back) this stock, if any.
    repair_id: Mapped[int | None] = mapped_column(
        ForeignKey("repairs.id", name="fk_stock_movements_repair_id"), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    at = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="movements")
