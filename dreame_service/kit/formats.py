"""How money, dates and phones are written for Kazakhstan, in every language: one owner each."""

import datetime
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.utils import timezone


def format_kzt(amount) -> str:
    """Whole tenge, groups of three split by a space: 45000 -> «45 000 ₸»; junk -> ""."""
    try:
        whole = Decimal(str(amount)).quantize(Decimal(1))
    except (InvalidOperation, ValueError):
        return ""
    return f"{int(whole):,}".replace(",", " ") + " ₸"


def format_quantity(value) -> str:
    """A line's quantity as people write it: 1.00 -> «1», 1.50 -> «1,5»; junk -> ""."""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return ""
    return f"{number:f}".replace(".", ",")


def format_date(value) -> str:
    """A date (or an ISO date string, as e-mails snapshot them) as ДД.ММ.ГГГГ; junk -> ""."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime.datetime | None) -> str:
    """A moment as ДД.ММ.ГГГГ ЧЧ:ММ in Asia/Almaty (the site's zone, whatever is active)."""
    if value is None:
        return ""
    local = timezone.localtime(value, timezone=timezone.get_default_timezone())
    return local.strftime("%d.%m.%Y %H:%M")


def format_phone(value) -> str:
    """A phone as people in Kazakhstan write it, whatever shape it was stored or typed in:
    +77273550101, «+7 727 355 0101» and «8 (727) 355-01-01» all read «+7 727 355 01 01»
    (Kazakhstan's +7 numbers: a three-digit code, then 3-2-2). Other countries' numbers in
    their international shape with spaces; what is not a phone number, as given."""
    if isinstance(value, phonenumbers.PhoneNumber):  # a model field's value
        value = phonenumbers.format_number(value, phonenumbers.PhoneNumberFormat.E164)
    text = str(value or "").strip()
    digits = re.sub(r"\D", "", text)
    national = text.startswith("+7") or text[:1] in ("7", "8")  # 8 is the old trunk prefix
    if len(digits) == 11 and national:
        digits = digits[1:]
        return f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
    try:
        number = phonenumbers.parse(text, "KZ")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return shown.replace("-", " ")


def _same_place(region: str, city: str) -> bool:
    # Astana, Almaty and Shymkent are regions of their own: the form's region is then the
    # city's name, which the customer types again as the city («г. Алматы» too).
    def bare(name: str) -> str:
        return name.strip().casefold().removeprefix("г.").strip()

    return bool(region) and bare(region) == bare(city)


def format_place(*, city: str, region: str) -> str:
    """«Конаев, Алматинская область», and «Алматы» alone, not «Алматы, Алматы»."""
    parts = [city] if _same_place(region, city) else [city, region]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def format_address(*, postal_code: str, region: str, city: str, street: str) -> str:
    """A postal address in the order a Kazakh envelope takes it: index, region, city,
    street; the region left out where it is the city itself."""
    region = "" if _same_place(region, city) else region
    parts = [postal_code, region, city, street]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def format_center(*, name: str, city: str) -> str:
    """A center's name with its city, unless the name says it: «DREAME Сервис Алматы»,
    not «DREAME Сервис Алматы, Алматы»."""
    if not city or city.casefold() in name.casefold():
        return name
    return f"{name}, {city}"
