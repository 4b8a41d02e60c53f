"""Field types shared by every schema: strict JSON types, no coercion of strings."""
import marshmallow as ma

ID_MAX = 2**31 - 1  # ids are 32-bit signed integers on every database


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
