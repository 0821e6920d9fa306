"""Claim numbers: `CL-` and 8 Crockford symbols (40 random bits), quoted in every e-mail.

Pure Python, no ORM; a collision is caught by the unique index and drawn again.
"""

import secrets

from dreame_service.crockford import random_symbols

PREFIX = "CL-"
LENGTH = 8


def generate(randbits=secrets.randbits) -> str:
    return PREFIX + random_symbols(LENGTH, randbits=randbits)
