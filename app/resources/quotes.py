
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from app import events, tenancy
from app.blueprint import Blueprint
from app.extensions import db
from app.idempotency import idempotent
from app.models import Quote
from app.models.quote import EXPIRED, OPEN_STATUSES
from app.pagination import page_of, paginate
from app.schemas.invoice import InvoiceSchema
from app.schemas.quote import (
    QuoteConvertSchema,
    QuoteCreateSchema,
    QuoteListArgs,
    QuoteSchema,
    QuoteUpdateSchema,
)
from app.services import documents, quoting
from app.services.invoice_pdf import pdf_download, pdf_response, render_quote, with_parties
from oauth.protector import require_scope

blp = Blueprint("quotes", __name__, url_prefix="/api/v1",
                description="Quotes, their PDFs and their conversion to invoices")
events.publish(Quote, "quote", QuoteSchema)


def _filtered(query, args):
    return documents.filtered(query, Quote, args, lapsed=EXPIRED, open_statuses=OPEN_STATUSES,
                              lapses_on=Quote.valid_until)


@blp.route("/quotes")
class Quotes(MethodView):
    @require_scope("quotes:read")
    @blp.arguments(QuoteListArgs, location="query")
    @blp.response(200, page_of(QuoteSchema))
    def get(self, args):
        """List quotes

        The quotes in reach with their lines, oldest first. `status` selects the stored status
        (`Draft` and `Sent` include those past `valid_until`; `Expired` is that subset),
        `customer_id` one customer (out of reach: a 422 on the field), `date_from` and `date_to`
        the quote date, inclusive. Needs `quotes:read`.
        """
        query = tenancy.scoped(Quote, organisation=args.get("organisation"))
        query = _filtered(query, args).options(selectinload(Quote.items))
        return paginate(query.order_by(Quote.id), args)

    @require_scope("quotes:write")
    @idempotent
    @blp.arguments(QuoteCreateSchema)
    @blp.response(201, QuoteSchema)
    def post(self, data):
        """Create a quote

        For a customer of the quote's organisation (the caller's, or `organisation` in reach),
        dated today unless `date` is given. Lines, rounding and totals are those of invoices,
        and `quote_number` is the organisation's next for the quote's year, without gaps. It
        starts `Draft`, or `Sent` if `status` says so; past `valid_until` it shows `Expired`.
        Needs `quotes:write`; accepts an `Idempotency-Key`.
        """
        owner = tenancy.owner_for_create(data.pop("organisation_id", None))
        quote = quoting.new_quote(owner.id, data)
        db.session.commit()
        return quote


@blp.route("/quotes/<id:quote_id>")
class QuoteById(MethodView):
    @require_scope("quotes:read")
    @blp.response(200, QuoteSchema)
    def get(self, quote_id):
        """Get a quote

        The quote with its lines and totals. Needs `quotes:read`; 404 when it is out of reach.
        """
        return tenancy.get_or_404(Quote, quote_id)

    @require_scope("quotes:write")
    @blp.arguments(QuoteUpdateSchema(partial=True))
    @blp.response(200, QuoteSchema)
    @blp.alt_response(409, description="Not allowed in the quote's status, or an illegal move")
    def put(self, data, quote_id):
        """Change a quote

        `PUT` and `PATCH` both change the fields sent and keep the others; values equal to the
        quote's own (as `GET` shows them) are no change. `items` replace all lines. Only a
        `Draft` or `Sent` quote (expired or not) changes its lines, customer or dates (409).
        `status` moves along the transition table: Draft to Sent, Accepted or Rejected; Sent to
        Draft, Accepted or Rejected; Accepted to Sent or Rejected; Rejected to Draft; Expired to
        Rejected; Converted nowhere. Any other move is a 409 listing the allowed ones (`allowed`).
        Needs `quotes:write`; 404 when it is out of reach.
        """
        quote = tenancy.get_or_404(Quote, quote_id, lock=True)
        quoting.change(quote, data)
        db.session.commit()
        return quote

    patch = put


@blp.route("/quotes/<id:quote_id>/convert", methods=["POST"])
@require_scope("quotes:write", "invoices:write")
@idempotent
@blp.arguments(QuoteConvertSchema)
@blp.response(201, InvoiceSchema)
@blp.alt_response(409, description="Already converted (naming `invoice_id`), expired or rejected")
def convert_quote(options, quote_id):
    """Convert a quote to an invoice

    Makes an invoice from the quote's lines for its customer, as a `Draft`, or issued
    (`Unpaid`) with `{"issue": true}`; dated today and due 30 days later unless `date` and
    `due_date` say otherwise. The quote becomes `Converted` and records `invoice_id`. A quote
    makes one invoice, even under concurrent requests: every other attempt is a 409 naming the
    existing `invoice_id`. An expired or rejected quote is a 409 with the reason. Needs
    `quotes:write` and `invoices:write`, and the permission `invoices:edit` over the quote's
    organisation;
    accepts an `Idempotency-Key`; 404 when the quote is out of reach.
    """
    quote = tenancy.get_or_404(Quote, quote_id, lock=True)
    invoice = quoting.convert(quote, options)
    db.session.commit()
    return invoice


@blp.route("/quotes/<id:quote_id>/pdf", methods=["GET"])
@require_scope("quotes:read")
@blp.response(200, **pdf_response("The quote as a PDF document", "QUO-2026-0001"))
def quote_pdf(quote_id):
    """Download a quote as a PDF

    The quote rendered as a PDF document, sent as a download named after its number
    (`Content-Disposition: attachment`). Needs `quotes:read`; 404 when it is out of reach.
    """
    quote = tenancy.get_or_404(Quote, quote_id)
    return pdf_download(render_quote(*with_parties(quote)), quote.quote_number)
