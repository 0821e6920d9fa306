"""The claim list's service-side columns, filters and searches (the order, its center)."""


class ClaimListMixin:
    """Mixed into the claim admin by repairs: what the list needs to know of orders."""
