"""flask-smorest's Blueprint: JSON numbers read as exact decimals, query parameters
nobody declared refused."""
import functools
import json

import flask_smorest
import marshmallow as ma
from flask import g, request
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.routing import IntegerConverter

from app.errors import fail
from app.money import JsonNumber
from app.schemas.common import ID_MAX, UNKNOWN_PARAMETER


class IdConverter(IntegerConverter):
    """<id:name>: a record id, 1 to ID_MAX in ASCII digits; anything else is simply not
    found (404)."""

    regex = r"[0-9]+"  # werkzeug's \d+ also matches other scripts' digits

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=ID_MAX)


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}


def _unsafe_text(data) -> bool:
    """True if any string holds NUL or a lone surrogate: no database stores those."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list) -> dict:
    """A JSON object naming a key twice is refused, not read as its last value."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


class Parser(FlaskParser):
    # A query parameter the view does not declare is refused (422), never ignored.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                   "query": ma.RAISE, "querystring": ma.RAISE}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True).strip():
                return core.missing  # app.requests refuses the content type (415)
            raise ma.ValidationError("A JSON body is required.")
        text = req.get_data(cache=True).decode("utf-8")  # UnicodeDecodeError -> 400
        if not text.strip():
            raise ma.ValidationError("A JSON body is required.")
        try:
            data = json.loads(text, parse_float=JsonNumber, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError:
            raise
        except _DuplicateKey as error:
            raise json.JSONDecodeError(str(error), text, 0) from error
        except (ValueError, ArithmeticError, RecursionError) as error:  # huge numbers, nesting
            raise json.JSONDecodeError("not a JSON document this API can read", text, 0) from error
        if _unsafe_text(data):
            raise json.JSONDecodeError("strings may not contain NUL or lone surrogates", text, 0)
        return data

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        detail = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
        abort(400, exc=error, messages={"json": [f"Invalid JSON body: {detail}."]})

    def load_querystring(self, req, schema):
        """A single-valued parameter given twice is an error, not a silent first pick."""
        repeated = {name for name, values in req.args.lists() if len(values) > 1
                    and name in schema.fields and not isinstance(schema.fields[name], ma.fields.List)}
        if repeated:
            raise ma.ValidationError({name: ["Give this parameter once."] for name in repeated})
        g.query_declared = True
        return super().load_querystring(req, schema)


def _no_undeclared_query(view):
    """For a view without query parameters: any sent is refused, after the token and the
    body were checked (this runs innermost, where the view's query schema would have)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.args and not g.get("query_declared"):
            fail(422, "This operation takes no query parameters.",
                 errors={name: UNKNOWN_PARAMETER for name in request.args})
        return view(*args, **kwargs)

    return wrapper


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def response(self, *args, **kwargs):
        """Every view documents its response: there, undeclared query parameters are refused."""
        document = super().response(*args, **kwargs)
        return lambda view: document(_no_undeclared_query(view))
