"""Invoice emails: render the PDF, hand the message to SMTP (SMTP_URL) or, without one,
write it as an .eml file under instance/outbox/; record the outcome."""
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from app import events
from app.delivery import claims
from app.delivery.schedule import EMAIL_RETRY_DELAYS, next_attempt
from app.extensions import db
from app.models import Customer, Invoice, InvoiceEmail, Organisation
from app.models.event import FAILED, SENT
from app.schemas.invoice_email import InvoiceEmailSchema
from app.services.invoice_pdf import render_invoice


@dataclass
class Outcome:
    accepted: bool = False
    permanent: bool = False  # a 5xx refusal: not tried again
    error: str | None = None


@dataclass
class Job:
    """What a pool thread needs to send one email: no database access."""

    email_id: int
    message: EmailMessage
    smtp_url: str | None
    outbox: Path
    timeout: float

    def run(self) -> Outcome:
        if self.smtp_url is None:
            self.outbox.mkdir(parents=True, exist_ok=True)
            (self.outbox / f"invoice-email-{self.email_id}.eml").write_bytes(bytes(self.message))
            return Outcome(accepted=True)
        return send_smtp(self.smtp_url, self.message, self.timeout)


def claimable():
    return ()


def prepare(email: InvoiceEmail, now: datetime) -> Job:
    invoice = db.session.get(Invoice, email.invoice_id)
    organisation = db.session.get(Organisation, invoice.organisation_id)
    customer = db.session.get(Customer, invoice.customer_id)
    message = EmailMessage()
    message["From"] = current_app.config["EMAIL_FROM"]
    message["To"] = ", ".join(email.to)
    if email.cc:
        message["Cc"] = ", ".join(email.cc)
    message["Subject"] = email.subject
    # The same Message-ID on every attempt, so a retry after a lost answer is one message.
    message["Message-ID"] = email.message_id or make_msgid(f"invoice-email-{email.id}")
    message.set_content(email.message or f"Please find attached invoice {invoice.invoice_number} "
                        f"for {invoice.total} due {invoice.due_date.isoformat()}.")
    message.add_attachment(render_invoice(invoice, organisation, customer), maintype="application",
                           subtype="pdf", filename=f"{invoice.invoice_number}.pdf")
    email.message_id = message["Message-ID"]
    config = current_app.config
    return Job(email.id, message, config["SMTP_URL"], Path(current_app.instance_path) / "outbox",
               config["SMTP_TIMEOUT"])


def send_smtp(url: str, message: EmailMessage, timeout: float) -> Outcome:
    """smtp://[user:password@]host[:port] (STARTTLS when the server offers it, and always
    before credentials) or smtps:// (TLS from the start)."""
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    connect = smtplib.SMTP_SSL if secure else smtplib.SMTP
    try:
        with connect(parts.hostname, parts.port or (465 if secure else 25), timeout=timeout) as smtp:
            smtp.ehlo()
            if not secure and (smtp.has_extn("starttls") or parts.username):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        return Outcome(permanent=min(codes) >= 500, error=_refusals(error.recipients))
    except smtplib.SMTPResponseException as error:
        return Outcome(permanent=error.smtp_code >= 500,
                       error=f"{error.smtp_code} {_text(error.smtp_error)}"[:1000])
    except (OSError, smtplib.SMTPException) as error:  # unreachable, disconnected: try again
        return Outcome(error=f"{type(error).__name__}: {error}"[:1000])
    return Outcome(accepted=True, error=_refusals(refused) if refused else None)


def _refusals(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(text)}"
                     for address, (code, text) in recipients.items())[:1000]


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def record(email: InvoiceEmail, outcome: Outcome, now: datetime) -> None:
    """Sent (and the invoice's sent_at) only once accepted; a temporary refusal is tried
    again later; a permanent one, or the schedule spent, fails it with email.failed."""
    claims.finish(email, now)
    email.last_error = outcome.error
    if outcome.accepted:
        email.status, email.sent_at = SENT, now
        invoice = db.session.get(Invoice, email.invoice_id)
        invoice.sent_at = invoice.sent_at or now
        events.record("invoice.sent", invoice)
        return
    later = None if outcome.permanent else next_attempt(email.attempts, now, EMAIL_RETRY_DELAYS)
    if later is None:
        email.status = FAILED
        events.record("email.failed", email, InvoiceEmailSchema)
    else:
        email.next_attempt_at = later
