"""One blueprint module per resource; this list is what create_app registers."""
from app.resources import api_clients, health, me, organisations, users

BLUEPRINTS = (health.blp, me.blp, organisations.blp, users.blp, api_clients.blp)
