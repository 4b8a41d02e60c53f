"""marshmallow schemas per resource: the single source of validation and of the spec."""
