"""Service order numbers: printed on the stub and read out by phone.

Crockford base32 (no I, L, O, U), 10 symbols = 50 random bits, shown as two groups of
five. Input is forgiving: case, spaces and dashes are ignored, and the look-alikes
I/L -> 1 and O -> 0 are mapped as Crockford prescribes. Pure Python, no ORM.
"""

import secrets
from collections.abc import Callable

from dreame_service.kit.crockford import ALPHABET, LOOKALIKES, SEPARATORS, random_symbols

LENGTH = 10
RANDOM_BITS = LENGTH * 5  # 32 symbols = 5 bits each
GROUP = 5


def generate(randbits: Callable[[int], int] = secrets.randbits) -> str:
    """A new canonical order number (uppercase, no dashes)."""
    return random_symbols(LENGTH, randbits=randbits)


def normalize(raw: str) -> str | None:
    """The canonical form of what a customer typed, or None if it cannot be an order number."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    candidate = raw.upper().translate(SEPARATORS).translate(LOOKALIKES)
    if len(candidate) != LENGTH or any(symbol not in ALPHABET for symbol in candidate):
        return None
    return candidate


def display(canonical: str) -> str:
    """How the number is printed and read out: `7KQ2M-9XW4D`."""
    return f"{canonical[:GROUP]}-{canonical[GROUP:]}"
