"""Crockford base32: the alphabet of every number a customer reads out or types.

No I, L, O or U, so nothing on a stub or in an e-mail is ambiguous. Pure Python.
"""

import secrets
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BITS_PER_SYMBOL = 5
# Typed input is forgiving: what people put between groups is dropped, and the
# look-alikes I/L and O read as 1 and 0, as Crockford prescribes.
SEPARATORS = str.maketrans("", "", " -\t_.")
LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def random_symbols(count: int, *, randbits: Callable[[int], int] = secrets.randbits) -> str:
    """`count` symbols of fresh randomness (5 bits each), most significant first."""
    value = randbits(count * BITS_PER_SYMBOL)
    symbols = []
    for _ in range(count):
        value, index = divmod(value, len(ALPHABET))
        symbols.append(ALPHABET[index])
    return "".join(reversed(symbols))
