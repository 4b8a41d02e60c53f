from flask.views import MethodView

from app import tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.plans import organisation_budget, per_minute, plan_of, raises
from app.schemas.plan import PlanSchema
from oauth.protector import require_scope

blp = Blueprint("plans", __name__, url_prefix="/api/v1",
                description="Organisations' plans: request budgets shared by their API clients")


@blp.route("/organisations/<id:organisation_id>/plan")
class OrganisationPlan(MethodView):
    @require_scope("organisations:read")
    @blp.response(200, PlanSchema)
    def get(self, organisation_id):
        """Get an organisation's plan

        Its plan and the requests a minute it allows, shared by all its API clients and
        keys (null: no plan, only each client's own limit). Needs `organisations:read`; 404
        when the organisation is out of reach.
        """
        return plan_of(tenancy.organisation_or_404(organisation_id))

    @require_scope("organisations:write")
    @blp.arguments(PlanSchema)
    @blp.response(200, PlanSchema)
    def put(self, data, organisation_id):
        """Set an organisation's plan

        `professional` (100 requests a minute), `enterprise` (500), `custom` with its
        `limit` (requests a minute), or null for none; it applies from the next request on,
        on every server. An ancestor sets its descendants' plans; an organisation may lower
        its own (take a plan, a smaller one) but not raise it (403). Needs
        `organisations:write`; 404 when the organisation is out of reach.
        """
        organisation = tenancy.organisation_or_404(organisation_id)
        before = organisation_budget(organisation)
        after = per_minute(data["plan"], data.get("limit"))
        if organisation.id == tenancy.current_user().organisation_id and raises(before, after):
            fail(403, "An organisation cannot raise its own plan; an ancestor sets it.",
                 code="permission_denied")
        organisation.plan = data["plan"]
        organisation.plan_limit = data.get("limit") if data["plan"] == "custom" else None
        db.session.commit()
        return plan_of(organisation)
