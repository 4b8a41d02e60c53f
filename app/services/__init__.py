"""Workflows spanning several models: invoicing, payments, stock."""
