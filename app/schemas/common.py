"""Field types shared by every schema: strict JSON types, no coercion of strings."""
import marshmallow as ma

ID_MAX = 2**31 - 1  # ids are 32-bit signed integers on every database
UNKNOWN_PARAMETER = "Unknown query parameter."


def _read_only_dropped(schema: ma.Schema, data):
    """``data`` without the keys of ``schema``'s read-only (dump_only) fields, also in
    nested objects and lists of them."""
    if not isinstance(data, dict):
        return data
    fields = {field.data_key or name: field for name, field in schema.fields.items()}
    kept = {}
    for key, value in data.items():
        field = fields.get(key)
        if field is not None and field.dump_only:
            continue
        if isinstance(field, ma.fields.Nested):
            value = _read_only_dropped(field.schema, value)
        elif (isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested)
              and isinstance(value, list)):
            value = [_read_only_dropped(field.inner.schema, item) for item in value]
        kept[key] = value
    return kept


class Schema(ma.Schema):
    """The base of every request and response schema.

    A partial load is an update (PUT, PATCH): there the read-only fields of a record, as
    GET answered them (id, timestamps, totals...), are dropped before validation, so a
    record fetched, changed and put back is accepted; a field that does not exist is still
    refused. A create (a whole load) refuses read-only fields like any unknown field."""

    @ma.pre_load
    def _ignore_read_only_in_updates(self, data, *, partial=None, **kwargs):
        return _read_only_dropped(self, data) if partial else data


class StrictBoolean(ma.fields.Boolean):
    """true or false only: not 1, "yes" or "true"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FullMatch(ma.validate.Regexp):
    """Regexp over the whole value: Python's $ would also accept a trailing newline."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


class Whole(ma.fields.Nested):
    """A nested object loaded whole, even inside a partial update (PUT): its required
    fields stay required."""

    def _load(self, value, partial=None):
        return super()._load(value, partial=False)


def Id(*, strict: bool = True, **kwargs):  # noqa: N802 - reads like a field class
    """A record id: a JSON integer in bodies; pass strict=False for query strings."""
    return ma.fields.Integer(strict=strict, validate=ma.validate.Range(min=1, max=ID_MAX),
                             **kwargs)


def Text(max_length: int, required: bool = False, **kwargs):  # noqa: N802
    return ma.fields.String(required=required, validate=ma.validate.Length(
        min=1 if required else 0, max=max_length), **kwargs)


def CurrencyCode(**kwargs):  # noqa: N802
    """An ISO 4217 code; where not required, the server's DEFAULT_CURRENCY by default."""
    metadata = {"example": "GBP", **kwargs.pop("metadata", {})}
    return ma.fields.String(validate=FullMatch(
        r"^[A-Z]{3}$", error="Use an ISO 4217 code such as GBP."), metadata=metadata, **kwargs)


def QueryFlag(**kwargs):  # noqa: N802
    """A query-string boolean: true or false, nothing else."""
    return ma.fields.Boolean(truthy={"true"}, falsy={"false"}, load_default=False, **kwargs)
