"""Claim numbers: `CL-` and 8 Crockford symbols (40 random bits), quoted in every e-mail.

Pure Python, no ORM; a collision is caught by the unique index and drawn again.
"""

import secrets
from collections.abc import Callable

from dreame_service.kit.crockford import random_symbols

PREFIX = "CL-"
LENGTH = 8


def generate(randbits: Callable[[int], int] = secrets.randbits) -> str:
    return PREFIX + random_symbols(LENGTH, randbits=randbits)
