"""Lists without ORM objects: rows read as plain columns and dumped through a serializer
built once per marshmallow schema.

The schema stays the one source of what a record looks like: a plan lists, for each of its
fields, the column it reads, the model's property that computes it from columns (e.g.
``Invoice.balance``), or the one-to-many relation whose rows it nests (``Invoice.items``,
read with one more SELECT for the whole page); each value is formatted by the field itself.
A schema with anything else (a method field, a many-to-one relation, dump hooks) has no
plan, and its lists use ORM objects as before."""
from dataclasses import dataclass
from functools import cache

import marshmallow as ma
from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

# Fields whose formatting of a value of the column's own type is the value itself.
_AS_IS = {ma.fields.Integer, ma.fields.String, ma.fields.Boolean}


@dataclass(frozen=True)
class _Field:
    key: str  # in the output
    attribute: str  # on the row
    field: ma.fields.Field
    children: "Plan | None" = None  # a nested one-to-many relation

    def dump(self, row) -> object:
        value = getattr(row, self.attribute)
        if self.children is not None:
            return self.children.dump(value)
        if value is None or type(self.field) in _AS_IS and not getattr(self.field, "as_string", 0):
            return value
        return self.field._serialize(value, self.attribute, row)


@dataclass(frozen=True)
class _Children:
    attribute: str
    foreign_key: object  # the child's column that holds the parent's id
    order_by: tuple
    plan: "Plan"


@dataclass(frozen=True)
class Plan:
    model: type
    row_type: type  # the model's properties over plain column values
    columns: tuple
    fields: tuple  # of _Field
    children: tuple  # of _Children

    def read(self, session, query: Select) -> list:
        """The rows of ``query`` (a SELECT of the model) as row objects, children included."""
        columns_only = query.with_only_columns(*self.columns)
        columns_only._with_options = ()  # loader options of the entity mean nothing here
        rows = [self._row(values) for values in session.execute(columns_only)]
        self._attach_children(session, rows)
        return rows

    def dump(self, rows: list) -> list[dict]:
        return [{field.key: field.dump(row) for field in self.fields} for row in rows]

    def _row(self, values):
        row = self.row_type.__new__(self.row_type)
        row.__dict__.update(values._mapping)
        return row

    def _attach_children(self, session, rows: list) -> None:
        for children in self.children:
            by_parent = {row.id: [] for row in rows}
            for row in rows:
                setattr(row, children.attribute, by_parent[row.id])
            if not by_parent:
                continue
            query = select(*children.plan.columns, children.foreign_key.label("_parent")).where(
                children.foreign_key.in_(list(by_parent))).order_by(*children.order_by)
            found = [children.plan._row(values) for values in session.execute(query)]
            children.plan._attach_children(session, found)
            for child in found:
                by_parent[child.__dict__.pop("_parent")].append(child)


def _properties(model: type) -> dict:
    return {name: value for klass in reversed(model.__mro__)
            for name, value in vars(klass).items() if isinstance(value, property)}


def _nested_schema(field: ma.fields.Field):
    if isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested):
        return field.inner.schema
    if isinstance(field, ma.fields.Nested) and field.many:
        return field.schema
    return None


def _has_dump_hooks(schema: ma.Schema) -> bool:
    return any(schema._hooks.get(tag) for tag in ("pre_dump", "post_dump"))


NO_PLAN: set = set()  # (schema class, model) found to need ORM objects after all


@cache
def plan_for(schema_class: type, model: type) -> Plan | None:
    """How to read and dump ``model`` rows as ``schema_class`` does, if it can be done
    from columns alone; None otherwise."""
    if (schema_class, model) in NO_PLAN:
        return None
    return _plan(schema_class(), model)


def _plan(schema: ma.Schema, model: type) -> Plan | None:
    if _has_dump_hooks(schema):
        return None
    mapper, properties = inspect(model), _properties(model)
    needed = {column.key for column in mapper.primary_key}
    fields, children = [], []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        prop = mapper.attrs.get(attribute)
        if isinstance(prop, ColumnProperty):
            needed.add(attribute)
            fields.append(_Field(field.data_key or name, attribute, field))
        elif isinstance(prop, RelationshipProperty):
            child = _child_plan(prop, field)
            if child is None:
                return None
            children.append(child)
            fields.append(_Field(field.data_key or name, attribute, field, child.plan))
        elif attribute in properties and type(field) not in (ma.fields.Method, ma.fields.Function):
            fields.append(_Field(field.data_key or name, attribute, field))
        else:
            return None
    # Properties compute from any column, so every column is read.
    if any(field.attribute in properties for field in fields):
        needed = {attr.key for attr in mapper.column_attrs}
    columns = tuple(getattr(model, key) for key in sorted(needed))
    row_type = type(f"{model.__name__}Row", (), dict(properties))
    return Plan(model, row_type, columns, tuple(fields), tuple(children))


def _child_plan(relation: RelationshipProperty, field: ma.fields.Field) -> _Children | None:
    nested = _nested_schema(field)
    pairs = list(relation.local_remote_pairs or ())
    if (nested is None or not relation.uselist or relation.secondary is not None
            or len(pairs) != 1):
        return None
    plan = _plan(nested, relation.mapper.class_)
    if plan is None:
        return None
    foreign_key = pairs[0][1]
    order = tuple(relation.order_by or ()) or tuple(relation.mapper.primary_key)
    return _Children(relation.key, foreign_key, (foreign_key, *order), plan)

