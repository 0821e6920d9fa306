"""Formats e-mails share in every language: dates as ДД.ММ.ГГГГ, money as «45 000 ₸»."""

from django import template

from dreame_service import formats

register = template.Library()

register.filter("kz_date", formats.format_date)
register.filter("kzt", formats.format_kzt)
