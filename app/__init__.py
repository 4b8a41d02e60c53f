"""Tiergate, the application: the factory (app.factory), settings, models, the tenancy
rule and one blueprint module per resource (app.resources)."""
