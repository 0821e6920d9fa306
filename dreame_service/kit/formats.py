"""How money and dates are written for Kazakhstan, in every language: one owner each."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone


def format_kzt(amount) -> str:
    """Whole tenge, groups of three split by a space: 45000 -> «45 000 ₸»; junk -> ""."""
    try:
        whole = Decimal(str(amount)).quantize(Decimal(1))
    except (InvalidOperation, ValueError):
        return ""
    return f"{int(whole):,}".replace(",", " ") + " ₸"


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
