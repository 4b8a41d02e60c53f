import marshmallow as ma
from sqlalchemy import text

from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db, limiter

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"example": {"database": "ok", "rate_limit_storage": "ok"}})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def healthz():
    """The process is up (no token needed)."""
    return {"status": "ok"}


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        db.session.rollback()
        return False


def _rate_limit_storage_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001
        return False


@blp.route("/readyz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, description="A dependency is unreachable; the body names it")
@blp.doc(security=[])
def readyz():
    """The database and the rate-limit storage are reachable (no token needed)."""
    checks = {"database": _database_ok(), "rate_limit_storage": _rate_limit_storage_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    if failing:
        fail(503, f"Not ready: {', '.join(failing)} unreachable.", code="not_ready",
             checks={name: "ok" if ok else "unreachable" for name, ok in checks.items()})
    return {"status": "ready", "checks": {name: "ok" for name in checks}}
