"""What a technician types or scans into the workbench's one search box.

The box takes an order number (scanned off the stub or read out by phone), a claim number,
the customer's phone in any spelling, or a serial number. The input is not classified: every
reading that fits is returned and the workbench looks each one up, because ten digits are
both a phone number and a possible order number. Pure Python, no ORM.
"""

import re
from dataclasses import dataclass

import phonenumbers

from claims import claim_numbers
from dreame_service import crockford
from repairs import order_numbers

MAX_LENGTH = 100  # a serial number or a scan; anything longer is a paste gone wrong

# Only digits and what people put between them: a serial number that merely holds
# ten digits must not turn into a phone.
_PHONE_SPELLING = re.compile(r"\+?[\d ().-]+")


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
    text = _clean(stripped)
    if not text:
        return Query()
    return Query(
        text=text,
        order_number=order_numbers.normalize(text),
        claim_number=_claim_number(text),
        phone=_phone(text),
    )


def _clean(text: str) -> str:
    # Scanners end with Enter or Tab; pastes bring no-break spaces and zero-width marks.
    visible = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(visible.split())


def _claim_number(text: str) -> str | None:
    compact = text.upper().translate(crockford.SEPARATORS)
    prefix = claim_numbers.PREFIX.translate(
        crockford.SEPARATORS
    )  # "CL": the dash is often left out
    if not compact.startswith(prefix):
        return None
    symbols = compact.removeprefix(prefix).translate(crockford.LOOKALIKES)
    if len(symbols) != claim_numbers.LENGTH or not set(symbols) <= set(crockford.ALPHABET):
        return None
    return claim_numbers.PREFIX + symbols


def _phone(text: str) -> str | None:
    if not _PHONE_SPELLING.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, "KZ")
    except phonenumbers.NumberParseException:
        return None
    # +7 is shared with Russia; the workbench serves Kazakhstan's customers only.
    if not phonenumbers.is_valid_number_for_region(number, "KZ"):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
