import marshmallow as ma
from sqlalchemy import exists, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db, limiter
from app.models import ApiClient

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"example": {"database": "ok", "rate_limit_storage": "ok",
                                                  "api_client": "ok"}})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def healthz():
    """Liveness

    Answers 200 while the process is up, without looking at its dependencies (see
    `/readyz`). No token needed.
    """
    return {"status": "ok"}


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        db.session.rollback()
        return False


def _api_client_exists() -> bool:
    """A service nobody can get a token from is not ready: run `tiergate setup`."""
    try:
        return bool(db.session.scalar(select(exists().where(ApiClient.active))))
    except SQLAlchemyError:  # the database check says why
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
    """Readiness

    200 when the database and the rate-limit storage are reachable and an API client exists
    to get a token with; otherwise 503, with `checks` naming what is not ready. No token
    needed.
    """
    checks = {"database": "ok" if _database_ok() else "unreachable",
              "rate_limit_storage": "ok" if _rate_limit_storage_ok() else "unreachable"}
    if checks["database"] == "ok":
        checks["api_client"] = "ok" if _api_client_exists() else "none: run `tiergate setup`"
    failing = [f"{name} {state}" for name, state in checks.items() if state != "ok"]
    if failing:
        fail(503, f"Not ready: {'; '.join(failing)}.", code="not_ready", checks=checks)
    return {"status": "ready", "checks": checks}
