"""Formats e-mails and pages share in every language: dates as ДД.ММ.ГГГГ, money as «45 000 ₸»,
phones as «+7 727 355 01 01», and what a customer typed made inert."""

import re

from django import template
from django.template.defaultfilters import stringfilter

from dreame_service.kit import formats

register = template.Library()

register.filter("kz_date", formats.format_date)
register.filter("kz_datetime", formats.format_datetime)
register.filter("kzt", formats.format_kzt)
register.filter("quantity", formats.format_quantity)
register.filter("phone", formats.format_phone)

# What mail clients (and PDF viewers, and chat apps a text is pasted into) turn into a link:
# a dot between a letter or digit and a letter, as in a host name (any full stop a browser
# reads as one, and any invisible marks hidden behind it), and a scheme's `://`.
_FULL_STOP = "[.\u2024\u3002\ufe52\uff0e\uff61]"
_INVISIBLE = "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]*"
_HOST_DOT = re.compile(rf"(?<=[^\W_])({_FULL_STOP}){_INVISIBLE}(?=[^\W\d_])")
_SCHEME = re.compile(rf":{_INVISIBLE}/{_INVISIBLE}/{_INVISIBLE}(?=\S)")
# An IPv4 address is all digits, which the host rule leaves alone.
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")


def inert(value: str) -> str:
    """Typed text that no client turns into a link: a plain space after such a dot and
    after `://` — «dreame-refund.example» reads «dreame-refund. example».

    Visible on purpose: what the reader sees is what they copy (no hidden characters, no
    look-alike dots), and a space ends a link for every linkifier. Decimals and versions
    («1.5», «v2.0») are left as typed; «г.Алматы» reads «г. Алматы», as Russian spells it.
    The one owner of this rule: every customer page and every e-mail showing typed text
    uses this filter.
    """
    text = _HOST_DOT.sub(r"\1 ", str(value))
    text = _SCHEME.sub(":// ", text)
    return _IPV4.sub(lambda match: match.group().replace(".", ". "), text)


register.filter("inert", stringfilter(inert), is_safe=True)


@register.filter
def postal_address(claim) -> str:
    """The customer's address from a claim, the region left out where it is the city."""
    return formats.format_address(
        postal_code=claim.postal_code, region=claim.region, city=claim.city, street=claim.address
    )


@register.filter
def place(claim) -> str:
    """The customer's city and region («Конаев, Алматинская область», «Алматы»)."""
    return formats.format_place(city=claim.city, region=claim.region)


@register.filter
def center_with_city(center) -> str:
    return formats.format_center(name=center.name, city=center.city)
