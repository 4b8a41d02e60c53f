from sqlalchemy import select

from app import tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.models import Organisation
from app.schemas.report import FinancialReportArgs, FinancialReportSchema
from app.services import reports
from oauth.protector import require_scope

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Financial reports")


@blp.route("/reports/financial", methods=["GET"])
@require_scope("reports:read")
@blp.arguments(FinancialReportArgs, location="query")
@blp.response(200, FinancialReportSchema)
def financial_report(args):
    """Financial report

    Income, expenses, profit (`income - expenses`, exactly) and outstanding invoices per
    currency over a period: a `year`, a `month` of it, or `from` and `to` (half-open: `to` is
    the day after the last; dates are calendar dates, as the records carry them); this year
    by default. `basis`: `accrual` counts income when invoiced (plus income transactions that
    record no payment), `cash` when received (income transactions, payments included);
    expenses are expense transactions on both. `organisation` (default: the caller's, one in
    reach) with `include_descendants` adds its descendants in the caller's reach; the period,
    basis and organisations counted are echoed. Needs `reports:read`.
    """
    organisation = (tenancy.get_or_404(Organisation, args["organisation"], field="organisation")
                    if "organisation" in args else tenancy.organisation_or_404(
                        tenancy.current_user().organisation_id))
    members = select(Organisation.id).where(Organisation.id == organisation.id)
    if args["include_descendants"]:
        members = select(Organisation.id).where(Organisation.path.startswith(organisation.path),
                                                tenancy.reach().organisations_clause())
    return {
        "period": {"from_": args["from_"], "to": args["to"]}, "basis": args["basis"],
        "organisation": organisation.id, "include_descendants": args["include_descendants"],
        "organisations": db.session.scalars(members.order_by(Organisation.id)).all(),
        "totals": reports.financial(members, args["from_"], args["to"], args["basis"]),
    }
