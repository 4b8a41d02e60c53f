"""One pager for every list: ?page=&per_page= (or limit=) in, {"data": [...], "meta": {...}} out."""
import math
from functools import cache

import marshmallow as ma
from flask import current_app
from sqlalchemy import Select, func, or_, select

from app.extensions import db
from app.schemas.common import UNKNOWN_PARAMETER, Id, Schema

PAGE_SIZE_MAX = 100


class PageArgs(Schema):
    """The query of every list; a parameter it does not declare is refused (422)."""

    error_messages = {"unknown": UNKNOWN_PARAMETER}

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000),
                             metadata={"description": "The page of results to retrieve"})
    per_page = ma.fields.Integer(
        load_default=None, validate=ma.validate.Range(min=1, max=PAGE_SIZE_MAX),
        metadata={"description": f"Results per page (default 20, at most {PAGE_SIZE_MAX})"})
    limit = ma.fields.Integer(
        load_only=True, validate=ma.validate.Range(min=1, max=PAGE_SIZE_MAX),
        metadata={"description": "Another name for per_page"})

    @ma.post_load
    def _limit_is_per_page(self, data, **kwargs):
        limit = data.pop("limit", None)
        if limit is not None:
            if data.get("per_page") not in (None, limit):
                raise ma.ValidationError("Give per_page or limit, not both.", "limit")
            data["per_page"] = limit
        return data


class ListArgs(PageArgs):
    """Paging, and ``organisation`` to narrow a list to one organisation in reach."""

    organisation = Id(
        strict=False, metadata={"description": "Only records of this organisation (in reach)"})


class PageMetaSchema(Schema):
    current_page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total_pages = ma.fields.Integer(required=True)
    total_records = ma.fields.Integer(required=True)


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list schema for ``item_schema``, e.g. UserSchema -> UserPageSchema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (ma.Schema,), {
        "data": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "meta": ma.fields.Nested(PageMetaSchema, required=True),
        "__doc__": f"A page of {item_schema.__name__.removesuffix('Schema')} records.",
    })


def contains_text(term: str, *columns):
    """Case-insensitive substring match on any of ``columns``; % and _ match themselves."""
    term = term.lower()
    return or_(*(func.lower(column).contains(term, autoescape=True) for column in columns))


def within_dates(query: Select, column, args: dict) -> Select:
    """Apply the ``date_from`` / ``date_to`` filters (inclusive) to ``column``."""
    if args.get("date_from"):
        query = query.where(column >= args["date_from"])
    if args.get("date_to"):
        query = query.where(column <= args["date_to"])
    return query


def paginate(query: Select, args: dict) -> dict:
    """Run ``query`` (already filtered and ordered) for one page, with the total count."""
    per_page = args.get("per_page") or current_app.config["PAGE_SIZE_DEFAULT"]
    page = args.get("page") or 1
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return _page(items, page, per_page, total)


def paginate_items(items: list, args: dict) -> dict:
    """One page of ``items``, a list computed in full (not a query), with the total count."""
    per_page = args.get("per_page") or current_app.config["PAGE_SIZE_DEFAULT"]
    page = args.get("page") or 1
    return _page(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))


def _page(items: list, page: int, per_page: int, total: int) -> dict:
    return {
        "data": items,
        "meta": {
            "current_page": page,
            "per_page": per_page,
            "total_pages": max(1, math.ceil(total / per_page)),
            "total_records": total,
        },
    }
