"""The repair-order list for support: columns, filters and the search by any number."""


class OrderListMixin:
    """Mixed into the repair-order admin."""
