"""Refusals, raised as flask-smorest aborts: the application's error handler writes them
in its one error format, with the OAuth members (``error``, ``scope``) given here."""
from flask_smorest import abort


def refuse(status: int, detail: str, *, code: str | None = None, headers=None, **extra):
    abort(status, message=detail, code=code, headers=headers, extra=extra)
