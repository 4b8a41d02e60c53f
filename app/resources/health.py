import marshmallow as ma

from app.blueprint import Blueprint

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def healthz():
    """The process is up (no token needed)."""
    return {"status": "ok"}
