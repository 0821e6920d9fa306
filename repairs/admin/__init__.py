"""Support's admin for the service side, one module per screen; importing registers them."""

from repairs.admin import centers, faults, orders, triage  # noqa: F401
