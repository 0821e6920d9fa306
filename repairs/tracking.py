"""Parcels' tracking numbers: one spelling per number, and the carriers' public tracking pages.

Pure: no ORM. Every form that takes `carrier` + `tracking_number` (the customer's «Мой ремонт»,
the workbench's and support's step forms) and the service that stores a parcel go through
`normalize`, so «rr 123-456-785 kz» is kept, shown and linked as RR123456785KZ.

Kazpost numbers are UPU S10 (two letters, eight digits, a check digit, the country): a
typo is caught by the check digit before the center waits for a parcel that does not exist.
Other carriers' formats are not checked: they change, and a customer must be able to save
what their receipt says.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# UPU S10: service indicator, serial number, check digit, ISO country code.
S10 = re.compile(r"(?P<service>[A-Z]{2})(?P<serial>\d{8})(?P<check>\d)(?P<country>[A-Z]{2})")
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# What people type between the groups of a number printed in groups.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u00a0]+")


@dataclass(frozen=True)
class Carrier:
    name: str  # as the form offers it
    aliases: tuple[str, ...]  # other spellings people type, compared by `_key`
    url_template: str = ""  # the public tracking page, {number} URL-quoted; "" for none
    is_s10: bool = False  # numbers are UPU S10, check digit and all
    has_separators: bool = False  # the carrier's own numbers contain spaces or dashes


# Offered on every parcel form (in this order). Only pages that open the parcel from a link
# are listed; a carrier whose site asks the number in a form of its own gets no link.
CARRIERS: tuple[Carrier, ...] = (
    Carrier(
        "Казпочта",
        ("Kazpost", "Казпошта", "Қазпошта", "Qazpost", "Казпочта АО", "post.kz"),
        url_template="https://post.kz/mail/search/track/{number}/detail",
        is_s10=True,
    ),
    Carrier(
        "CDEK",
        ("СДЭК", "СДЕК", "SDEK", "cdek.kz"),
        url_template="https://www.cdek.kz/ru/tracking?order_id={number}",
    ),
    Carrier("Pony Express", ("Пони Экспресс", "Пони Express", "PonyExpress")),
    Carrier("Exline", ("Экслайн",)),
    Carrier(
        "DHL",
        ("DHL Express", "ДХЛ"),
        url_template="https://www.dhl.com/kz-ru/home/tracking.html?tracking-id={number}&submit=1",
    ),
    Carrier("Alem-Tat", ("Alem Tat", "AlemTat", "Алем-Тат", "Алем Тат", "Алем ТАТ")),
)
CARRIER_NAMES = [carrier.name for carrier in CARRIERS]


def _key(name: str) -> str:
    """A carrier's name for comparison: case, spaces and punctuation do not matter."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_BY_KEY = {_key(alias): c for c in CARRIERS for alias in (c.name, *c.aliases)}


def find_carrier(name: str) -> Carrier | None:
    return _BY_KEY.get(_key(name))


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of the eight-digit serial number."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(number: str) -> bool:
    match = S10.fullmatch(number)
    return match is not None and s10_check_digit(match["serial"]) == int(match["check"])


def s10_number(service: str, serial: int, country: str) -> str:
    """A valid S10 number (demo data, tests): «RR», 48211000, «KZ» → RR482110006KZ."""
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{country}"


@dataclass(frozen=True)
class Parcel:
    carrier: str
    tracking_number: str


def normalize(*, carrier: str, tracking_number: str) -> Parcel:
    """The number as the carrier prints it in its barcode: upper case, without the spaces
    and dashes people type between groups; the carrier's name as typed (a name is not
    translated: «Kazpost» typed on an English page stays so). Raises
    ValidationError (on `tracking_number`) for a Kazpost number that is not a valid S10."""
    known = find_carrier(carrier)
    number = tracking_number.strip().upper()
    compact = SEPARATORS.sub("", number)
    if known is None:
        # An unknown carrier's format may have its own dashes; an S10 number never has.
        number = compact if S10.fullmatch(compact) else " ".join(number.split())
        return Parcel(carrier=carrier.strip(), tracking_number=number)
    if not known.has_separators:
        number = compact
    if known.is_s10:
        if not S10.fullmatch(number):
            raise ValidationError(
                _(
                    "A Kazpost tracking number has 13 characters: two letters, nine digits "
                    "and two letters, for example RR123456785KZ."
                ),
                code="not_s10",
            )
        if not is_valid_s10(number):
            raise ValidationError(
                _(
                    "This tracking number has a typo: its check digit does not match. "
                    "Please compare it with the receipt."
                ),
                code="bad_check_digit",
            )
    return Parcel(carrier=carrier.strip(), tracking_number=number)


def tracking_url(*, carrier: str, tracking_number: str) -> str:
    """The carrier's public page for this parcel, or "" where it has none."""
    known = find_carrier(carrier)
    if known is None or not known.url_template or not tracking_number:
        return ""
    return known.url_template.format(number=quote(tracking_number, safe=""))
