"""What support types into the admin's one search box, read every way it can be meant.

A claim number (with or without `CL-`), a phone in any spelling a person types, an e-mail,
a serial number or a name. The input is not classified: every reading that fits is
returned and the admin looks each one up, because `87012345678` is a phone and could be a
serial number. The order number is read by repairs, which owns it. Pure Python, no ORM.
"""

import re
from dataclasses import dataclass

import phonenumbers

from claims import claim_numbers
from dreame_service.kit import crockford

MAX_LENGTH = 100  # longer than any number, e-mail or name: a paste gone wrong
# A trigram index finds nothing shorter, and two letters match half the names anyway.
MIN_NAME_LENGTH = 3
SERIAL_MAX_LENGTH = 64  # Claim.serial_number

# Only digits and what people put between them: a serial number that merely holds
# ten digits must not turn into a phone.
_PHONE_SPELLING = re.compile(r"\+?[\d ().-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Letters, and what sits between the parts of a name: «Сатпаева-Ким», «O'Neil», «А. Ким».
_NAME = re.compile(r"[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?")


@dataclass(frozen=True)
class Readings:
    """The readings of one search term; None where the term cannot be one."""

    text: str
    claim_number: str | None = None
    phone: str | None = None  # E.164, as Claim.phone and Claim.whatsapp are stored
    email: str | None = None
    serial_number: str | None = None
    name: str | None = None
    email_part: str | None = None  # a piece of an e-mail: «aigerim», «aigerim@», «example.kz»


def parse(raw: str) -> Readings | None:
    """Every reading of `raw`; None when there is nothing to search for."""
    stripped = (raw or "").strip()
    # Measured before the per-character cleaning, so a huge paste costs one fast pass.
    if not stripped or len(stripped) > MAX_LENGTH:
        return None
    text = clean(stripped)
    if not text:
        return None
    return Readings(
        text=text,
        claim_number=claim_number(text),
        phone=phone(text),
        email=text if _EMAIL.fullmatch(text) else None,
        serial_number=text if len(text) <= SERIAL_MAX_LENGTH and " " not in text else None,
        name=text if len(text) >= MIN_NAME_LENGTH and _NAME.fullmatch(text) else None,
        email_part=text if _is_email_part(text) else None,
    )


def _is_email_part(text: str) -> bool:
    # One word with a letter in it, at most one @: digits alone are a phone or a number.
    return (
        len(text) >= MIN_NAME_LENGTH
        and " " not in text
        and text.count("@") <= 1
        and any(char.isalpha() for char in text)
    )


def email_identity(email: str) -> str:
    """One mailbox however it is spelled: any case, and `name+anything@` as `name@` (the
    sub-address every big provider delivers to the same box). For counting, not sending."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else email.strip().lower()


def is_email(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text))


def clean(text: str) -> str:
    """Pastes bring no-break spaces, tabs and zero-width marks: one plain space each."""
    visible = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(visible.split())


def claim_number(text: str) -> str | None:
    """`CL-7KQ2M9XW` however it was typed: any case, no dash or no `CL`, I/L/O for 1/1/0."""
    compact = text.upper().translate(crockford.SEPARATORS)
    # "CL": the dash is often left out, and so is the prefix itself.
    prefix = claim_numbers.PREFIX.translate(crockford.SEPARATORS)
    candidates = [compact]
    if compact.startswith(prefix):
        candidates.insert(0, compact.removeprefix(prefix))
    for candidate in candidates:
        symbols = candidate.translate(crockford.LOOKALIKES)
        if len(symbols) == claim_numbers.LENGTH and set(symbols) <= set(crockford.ALPHABET):
            return claim_numbers.PREFIX + symbols
    return None


def phone(text: str) -> str | None:
    """A Kazakhstan phone in E.164: `8 701 234 56 78`, `+7 (701) 234-56-78`, `7012345678`."""
    if not _PHONE_SPELLING.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, "KZ")
    except phonenumbers.NumberParseException:
        return None
    # +7 is shared with Russia; the portal serves Kazakhstan's customers only.
    if not phonenumbers.is_valid_number_for_region(number, "KZ"):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
