from flask.views import MethodView

from app import tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Connection, Organisation
from app.pagination import PageArgs, page_of, paginate
from app.schemas.connection import CompanySchema, ConnectionListArgs, ConnectionSchema
from app.services import companies, connections
from oauth.protector import require_scope

blp = Blueprint("connections", __name__, url_prefix="/api/v1",
                description="Connections to organisations of other trees, and those foreign companies")


@blp.route("/connections")
class Connections(MethodView):
    @require_scope("connections:read")
    @blp.arguments(ConnectionListArgs, location="query")
    @blp.response(200, page_of(ConnectionSchema))
    def get(self, args):
        """List connections

        The connections of the organisations in reach, either way round and in any status, oldest
        first; `connection_status` narrows to one status. Needs `connections:read`.
        """
        query = tenancy.scoped(Connection)
        if args.get("connection_status"):
            query = query.where(Connection.status == args["connection_status"])
        return paginate(query.order_by(Connection.id), args,
                        present=lambda found: [connections.seen(each) for each in found])

    @require_scope("connections:write")
    @idempotent
    @blp.arguments(ConnectionSchema)
    @blp.response(201, ConnectionSchema)
    @blp.alt_response(409, description="The two already have a pending or accepted connection")
    def post(self, data):
        """Ask to connect

        A `pending` connection from `company_ref` (an organisation in reach; by default the
        caller's) to `foreigncompany_ref` (an organisation outside the caller's reach; a 422
        otherwise). The other side's admins are notified and accept or reject it. Needs
        `connections:write`; accepts an `Idempotency-Key`.
        """
        return connections.request(data)


@blp.route("/connections/<id:connection_id>")
class ConnectionById(MethodView):
    @require_scope("connections:read")
    @blp.response(200, ConnectionSchema)
    def get(self, connection_id):
        """Get a connection

        Seen from the caller's side. Needs `connections:read`; 404 when neither side is in reach.
        """
        return connections.seen(tenancy.get_or_404(Connection, connection_id))

    @require_scope("connections:write")
    @blp.response(204)
    @blp.alt_response(409, description="The connection is rejected or revoked already")
    def delete(self, connection_id):
        """Revoke a connection

        Either side ends an accepted connection, or withdraws (or declines) a pending one; the
        tasks between the two stop being shared at once. The connection stays, `revoked`. Needs
        `connections:write`; 404 when neither side is in reach.
        """
        connections.revoke(connection_id)


@blp.route("/connections/<id:connection_id>/accept", methods=["POST"])
@require_scope("connections:write")
@blp.response(200, ConnectionSchema)
@blp.alt_response(409, description="The connection is not pending")
def accept_connection(connection_id):
    """Accept a connection

    Only an admin of the organisation that was asked (403 for anyone else who sees it); from
    then on the tasks between the two are shared. Needs `connections:write`; 404 when neither
    side is in reach.
    """
    return connections.answer(connection_id, "accepted")


@blp.route("/connections/<id:connection_id>/reject", methods=["POST"])
@require_scope("connections:write")
@blp.response(200, ConnectionSchema)
@blp.alt_response(409, description="The connection is not pending")
def reject_connection(connection_id):
    """Reject a connection

    Only an admin of the organisation that was asked (403 for anyone else who sees it). Needs
    `connections:write`; 404 when neither side is in reach.
    """
    return connections.answer(connection_id, "rejected")


@blp.route("/foreigncompanies")
class ForeignCompanies(MethodView):
    @require_scope("connections:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CompanySchema))
    def get(self, args):
        """List foreign companies

        The organisations joined to one in reach by an accepted connection, with their company
        details. Needs `connections:read`.
        """
        return paginate(tenancy.foreign_companies().order_by(Organisation.id), args,
                        present=companies.companies)


@blp.route("/foreigncompanies/<id:company_id>")
class ForeignCompanyById(MethodView):
    @require_scope("connections:read")
    @blp.response(200, CompanySchema)
    def get(self, company_id):
        """Get a foreign company

        Its company details. Needs `connections:read`; 404 for an organisation the caller is not
        connected to (a pending, rejected or revoked connection is none).
        """
        return companies.company_of(tenancy.foreign_company_or_404(company_id))
