"""What a technician types or scans into the workbench's one search box.

The box takes an order number (scanned off the stub or read out by phone), a claim number,
the customer's phone in any spelling, or a serial number. The input is not classified: every
reading that fits is returned and the workbench looks each one up, because ten digits are
both a phone number and a possible order number. Claim numbers and phones are read by the
same rules as support's search (`claims.search`). Pure Python, no ORM.
"""

from dataclasses import dataclass

from claims import search as claims_search
from repairs import order_numbers

MAX_LENGTH = 100  # a serial number or a scan; anything longer is a paste gone wrong


@dataclass(frozen=True)
class Query:
    """The readings of one search; all None when there is nothing to search for."""

    text: str | None = None
    order_number: str | None = None
    claim_number: str | None = None
    phone: str | None = None


def parse_query(raw: str) -> Query:
    stripped = raw.strip()
    # Measured before the per-character cleaning, so a huge paste costs one fast pass.
    if len(stripped) > MAX_LENGTH:
        return Query()
    # Scanners end with Enter or Tab; pastes bring no-break spaces and zero-width marks.
    text = claims_search.clean(stripped)
    if not text:
        return Query()
    return Query(
        text=text,
        order_number=order_numbers.normalize(text),
        claim_number=claims_search.claim_number(text),
        phone=claims_search.phone(text),
    )
