"""One pager for every list: ?page=&per_page= (or limit=) or ?after= in,
{"data": [...], "meta": {...}} out.

``paginate`` counts and returns a Page; the list schema (``page_of``) reads its rows when
it dumps it, as plain columns through app.rows when the item schema allows, else as ORM
objects: resources call both as before and get the fast path where it applies."""
import logging
import math
from dataclasses import dataclass
from functools import cache
from typing import Callable

import marshmallow as ma
from flask import current_app
from sqlalchemy import Select, func, or_, select

from app import rows
from app.errors import fail
from app.extensions import db
from app.schemas.common import ID_MAX, UNKNOWN_PARAMETER, Id, Schema

log = logging.getLogger(__name__)

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
    after = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=ID_MAX),
        metadata={"description": "Instead of `page`: the records after this id, as `meta.next` "
                                 "gave it (a keyset cursor: a deep page costs what the first "
                                 "does). Lists in their default order, by id"})

    @ma.post_load
    def _limit_is_per_page(self, data, **kwargs):
        limit = data.pop("limit", None)
        if limit is not None:
            if data.get("per_page") not in (None, limit):
                raise ma.ValidationError("Give per_page or limit, not both.", "limit")
            data["per_page"] = limit
        return data

    @ma.validates_schema
    def _page_or_after(self, data, **kwargs):
        if "after" in data and data.get("page", 1) != 1:
            raise ma.ValidationError("Give page or after, not both.", "after")


class ListArgs(PageArgs):
    """Paging, and ``organisation`` to narrow a list to one organisation in reach."""

    organisation = Id(
        strict=False, metadata={"description": "Only records of this organisation (in reach)"})


class PageMetaSchema(Schema):
    current_page = ma.fields.Integer(required=True, allow_none=True, metadata={
        "description": "null when the page was asked for with `after`"})
    per_page = ma.fields.Integer(required=True)
    total_pages = ma.fields.Integer(required=True)
    total_records = ma.fields.Integer(required=True)
    next = ma.fields.Integer(required=True, allow_none=True, metadata={
        "description": "The `after` of the next page; null on the last page"})


class _PageSchema(ma.Schema):
    def dump(self, obj, *, many=None):
        if isinstance(obj, Page):
            return obj.dump(self.fields["data"].inner.schema)
        return super().dump(obj, many=many)


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list schema for ``item_schema``, e.g. UserSchema -> UserPageSchema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (_PageSchema,), {
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


def _entity(query: Select):
    described = query.column_descriptions
    return described[0]["entity"] if len(described) == 1 else None


def _ordered_by_id(query: Select, model) -> bool:
    clauses = query._order_by_clauses
    return model is not None and len(clauses) == 1 and clauses[0].compare(model.id.expression)


@dataclass
class Page:
    """One page of ``query`` (filtered and ordered), read when the list schema dumps it."""

    query: Select
    model: type | None
    number: int | None  # None when asked for by cursor
    per_page: int
    total: int
    present: Callable[[list], list] | None = None  # records -> what the schema dumps

    def dump(self, item_schema: ma.Schema) -> dict:
        plan = (rows.plan_for(type(item_schema), self.model)
                if self.model and not self.present else None)
        if plan is not None:
            try:
                found, following = self._read(lambda query: plan.read(db.session, query))
                return self._answer(plan.dump(found), following)
            except AttributeError:  # a property needing more than columns: never again
                log.warning("%s rows need ORM objects", self.model.__name__)
                rows.plan_for.cache_clear()
                rows.NO_PLAN.add((type(item_schema), self.model))
        found, following = self._read(self._objects)
        return self._answer(item_schema.dump(self._presented(found), many=True), following)

    def _read(self, read) -> tuple[list, int | None]:
        query = self.query.limit(self.per_page + 1)
        if self.number:
            query = query.offset((self.number - 1) * self.per_page)
        found = read(query)
        more = len(found) > self.per_page
        found = found[: self.per_page]
        return found, (found[-1].id if more else None)

    @staticmethod
    def _objects(query: Select) -> list:
        return db.session.scalars(query).unique().all()

    def _presented(self, found: list) -> list:
        return self.present(found) if self.present else found

    def _answer(self, data: list, following: int | None) -> dict:
        return {"data": data, "meta": {
            "current_page": self.number,
            "per_page": self.per_page,
            "total_pages": max(1, math.ceil(self.total / self.per_page)),
            "total_records": self.total,
            "next": following,
        }}


def paginate(query: Select, args: dict, *, present: Callable[[list], list] | None = None) -> Page:
    """Count ``query`` (already filtered and ordered) and return the page ``args`` ask for;
    ``present`` turns a page of records into what the list's schema dumps (then the page is
    read as ORM objects)."""
    per_page = args.get("per_page") or current_app.config["PAGE_SIZE_DEFAULT"]
    model = _entity(query)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    after = args.get("after")
    if after is not None:
        if not _ordered_by_id(query, model):
            fail(422, "after pages only lists in their default order.",
                 errors={"after": "Not with this list's sort order."})
        return Page(query.where(model.id > after), model, None, per_page, total, present)
    return Page(query, model, args.get("page") or 1, per_page, total, present)


def paginate_list(items: list, args: dict) -> dict:
    """One page of ``items``, a list computed in full (e.g. a fixed catalogue), by number."""
    if args.get("after") is not None:
        fail(422, "after pages only lists of stored records.",
             errors={"after": "Use page for this list."})
    page = args.get("page") or 1
    per_page = args.get("per_page") or current_app.config["PAGE_SIZE_DEFAULT"]
    return {"data": items[(page - 1) * per_page:page * per_page], "meta": {
        "current_page": page,
        "per_page": per_page,
        "total_pages": max(1, math.ceil(len(items) / per_page)),
        "total_records": len(items),
        "next": None,
    }}
