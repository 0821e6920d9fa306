"""What the bench-data commands (generate_claims, generate_orders) share. The leading
underscore keeps Django from taking this module for a command."""

from contextlib import contextmanager


@contextmanager
def times_as_given(*models):
    """Bulk-created rows of `models` keep the times they are given, within the block.

    Bench rows carry a history of days and weeks; auto_now would stamp them all "now".
    """
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
