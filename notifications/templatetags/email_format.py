"""Formats e-mails share in every language: dates as ДД.ММ.ГГГГ, money as «45 000 ₸»."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def kz_date(value) -> str:
    """An ISO date string (as snapshot in the outbox) or a date, printed ДД.ММ.ГГГГ."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return value.strftime("%d.%m.%Y")


@register.filter
def kzt(value) -> str:
    """Whole tenge with thin groups of three: 45000 -> «45 000 ₸»."""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1))
    except (InvalidOperation, ValueError):
        return ""
    return f"{int(amount):,}".replace(",", " ") + " ₸"
