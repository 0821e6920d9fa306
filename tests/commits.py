"""On-commit work as tests count it: the e-mails a change sends, apart from cache refreshes."""

# Modules whose after-commit callbacks only refresh a cache (the status page's answer,
# «Мой ремонт»'s page versions): a step registers them beside its e-mails.
CACHE_REFRESHES = frozenset({"repairs.public_status", "repairs.page_versions"})


def email_callbacks(callbacks):
    """The callbacks that publish e-mail (or other outbox work), without cache refreshes."""
    return [
        callback
        for callback in callbacks
        if getattr(callback, "func", callback).__module__ not in CACHE_REFRESHES
    ]
