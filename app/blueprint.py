"""flask-smorest's Blueprint, reading JSON numbers as exact decimals."""
import json
from decimal import Decimal

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class Parser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        text = req.get_data(cache=True).decode("utf-8")  # UnicodeDecodeError -> 400
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError as error:  # e.g. an integer of more than 4300 digits
            if isinstance(error, json.JSONDecodeError):
                raise
            raise json.JSONDecodeError(str(error), text, 0) from error


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
