"""flask-smorest's Blueprint, reading JSON numbers as exact decimals."""
import json
from decimal import Decimal

import flask_smorest
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.routing import IntegerConverter

from app.schemas.common import ID_MAX


class IdConverter(IntegerConverter):
    """<id:name>: a record id, 1 to ID_MAX; anything else is simply not found (404)."""

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


class Parser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True).strip():
                return core.missing  # app.requests refuses the content type (415)
            raise ma.ValidationError("A JSON body is required.")
        text = req.get_data(cache=True).decode("utf-8")  # UnicodeDecodeError -> 400
        if not text.strip():
            raise ma.ValidationError("A JSON body is required.")
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as error:  # huge integers, absurd nesting
            raise json.JSONDecodeError("Invalid JSON body", text, 0) from error
        if _unsafe_text(data):
            raise json.JSONDecodeError("Strings may not contain NUL or lone surrogates", text, 0)
        return data


    def load_querystring(self, req, schema):
        """A single-valued parameter given twice is an error, not a silent first pick."""
        repeated = {name for name, values in req.args.lists() if len(values) > 1
                    and name in schema.fields and not isinstance(schema.fields[name], ma.fields.List)}
        if repeated:
            raise ma.ValidationError({name: ["Give this parameter once."] for name in repeated})
        return super().load_querystring(req, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
