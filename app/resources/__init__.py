"""One blueprint module per resource; this list is what create_app registers."""
from app.resources import (
    api_clients,
    customers,
    health,
    invoices,
    me,
    organisations,
    payments,
    products,
    users,
)

BLUEPRINTS = (
    health.blp, me.blp, organisations.blp, users.blp, api_clients.blp,
    customers.blp, products.blp, invoices.blp, payments.blp,
)
