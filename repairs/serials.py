"""Serial numbers as people write them: a pure rule, used wherever an act meets a claim."""

import re


def same_serial(first: str, second: str) -> bool:
    """Serials match whatever their case, spaces and dashes (stickers and typists differ)."""

    def canonical(value: str) -> str:
        return re.sub(r"[\s\-]", "", value or "").upper()

    return canonical(first) == canonical(second)
