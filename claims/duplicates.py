"""What makes two claims the same claim: one definition for both guards.

The same customer (e-mail identity and phone), the same product (serial number, purchase
date) and the same words about the fault, sent within one 10-minute slot. The database's
unique index on the key stops parallel identical POSTs; the form's view looks up the
current and the previous slot, so a repeat a few minutes later is recognised as well.
Pure: no database here.
"""

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from claims import search

SLOT_SECONDS = 600


def key(*, data: Mapping[str, Any], at: datetime.datetime) -> str:
    """The claim's duplicate key for the slot `at` falls in."""
    parts = [
        search.email_identity(data["email"]),
        str(data["phone"]),
        data["serial_number"].strip().upper(),
        data["purchase_date"].isoformat(),
        data["fault_description"].strip(),
        str(int(at.timestamp()) // SLOT_SECONDS),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def recent_keys(*, data: Mapping[str, Any], now: datetime.datetime) -> list[str]:
    """The keys a claim filed in the last 10 to 20 minutes with these details carries."""
    earlier = now - datetime.timedelta(seconds=SLOT_SECONDS)
    return [key(data=data, at=now), key(data=data, at=earlier)]
