from app import tenancy
from app.blueprint import Blueprint
from app.resources.me import Me
from app.schemas.connection import CompanySchema, CompanyUpdateSchema
from app.schemas.user import MeSchema
from app.services import companies
from oauth.protector import authenticated_token, require_scope

blp = Blueprint("company", __name__, url_prefix="/api/v1",
                description="The caller's own company and user (the 004 seed's names)")


@blp.route("/company", methods=["GET"])
@require_scope("organisations:read")
@blp.response(200, CompanySchema)
def get_company():
    """Get the caller's company

    The company details of the caller's own organisation, as connected organisations see them.
    Needs `organisations:read`.
    """
    return companies.company_of(tenancy.organisation_or_404(tenancy.current_user().organisation_id))


@blp.route("/company", methods=["POST"])
@require_scope("organisations:write")
@blp.arguments(CompanyUpdateSchema(partial=True))
@blp.response(200, CompanySchema)
def update_company(data):
    """Change the caller's company

    Sets the fields sent and keeps the others (the 004 seed updates by `POST`); `companyname`
    renames the organisation. Needs `organisations:write`.
    """
    organisation = tenancy.organisation_or_404(tenancy.current_user().organisation_id)
    return companies.update_company(organisation, data)


@blp.route("/currentuser", methods=["GET"])
@require_scope()
@blp.response(200, MeSchema)
def get_current_user():
    """The authenticated user (alias of /me)

    The same answer as `GET /me`, under the 004 seed's name. Any valid token, no scope needed.
    """
    return Me(authenticated_token())
