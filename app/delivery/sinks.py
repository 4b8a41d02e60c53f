"""Sandbox sinks: a sandbox tree's webhooks and emails go to the configured sinks only, and
its push notifications are written under instance/sandbox/pushes/, never sent.

The worker asks here, at delivery time, about every job it is about to run. For an
organisation in a sandbox tree (app.sandbox) a webhook goes to SANDBOX_WEBHOOK_SINK_URL,
with the registered URL in X-Tiergate-Sandbox-Target, and an email to SANDBOX_EMAIL_SINK
(an smtp:// or smtps:// URL, or a directory for .eml files). Without a sink, the webhook
request and the email are written under instance/sandbox/ and nothing leaves the machine.
The outbox rows and attempts keep the real target (the endpoint's URL, the email's `to`)."""
import json
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from app import sandbox
from app.delivery import email, http
from app.models import PushDelivery, WebhookDelivery

TARGET_HEADER = "x-tiergate-sandbox-target"


@dataclass
class Captured:
    """A sandbox webhook written to a file instead of sent: the request it would have been."""

    path: Path
    request: dict

    def run(self) -> http.Answer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.request, indent=2))
        return http.Answer(status_code=202, body=f"sandbox: written to {self.path}")


def divert(job, row):
    """``job`` as prepared for ``row``, or, for a sandbox organisation's row, its sink's."""
    if not sandbox.contains(row.organisation_id):
        return job
    if not isinstance(job, (http.Post, email.Job)):
        return job  # sends nothing (webhooks.Unsignable, pushes.Dropped)
    if isinstance(row, WebhookDelivery):
        return _webhook(job, row)
    if isinstance(job, email.Job):
        return _email(job)
    if isinstance(row, PushDelivery):  # a sandbox user's phone hears nothing: written down
        headers = {key: value for key, value in job.headers.items()
                   if key.lower() != "authorization"}  # the gateway's token stays off disk
        return Captured(_directory() / "pushes" / f"push-delivery-{row.id}.json",
                        {"url": job.url, "headers": headers, "body": job.body.decode()})
    return job


def _webhook(job: http.Post, row: WebhookDelivery):
    sink = current_app.config["SANDBOX_WEBHOOK_SINK_URL"]
    if sink is None:
        return Captured(_directory() / "webhooks" / f"webhook-delivery-{row.id}.json",
                        {"url": job.url, "headers": job.headers, "body": job.body.decode()})
    # The sink is the operator's own configuration: it may be a host on the local network.
    return replace(job, url=sink, headers={**job.headers, TARGET_HEADER: job.url},
                   allowed_hosts=[*job.allowed_hosts, urlsplit(sink).hostname])


def _email(job: email.Job) -> email.Job:
    sink = current_app.config["SANDBOX_EMAIL_SINK"]
    if sink and urlsplit(sink).scheme in ("smtp", "smtps"):
        return replace(job, smtp_url=sink)
    return replace(job, smtp_url=None, outbox=Path(sink) if sink else _directory() / "outbox")


def _directory() -> Path:
    return Path(current_app.instance_path) / "sandbox"
