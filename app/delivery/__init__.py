"""The worker's side of the outbox: claim due rows, deliver them outside any transaction,
record the outcome (app.delivery.worker runs it; `tiergate worker`)."""
