"""A parcel's tracking number as a link to its carrier's public page (repairs.tracking),
wherever a number is shown: «Мой ремонт», the status page, the e-mails, the workbench."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from repairs import tracking

register = template.Library()


@register.simple_tag
def tracking_url(carrier: str, tracking_number: str) -> str:
    """The carrier's page for the parcel, "" where the carrier has none (plain-text e-mails)."""
    return tracking.tracking_url(carrier=carrier, tracking_number=tracking_number)


@register.simple_tag
def tracking_link(carrier: str, tracking_number: str, *, email: bool = False) -> str:
    """The number, linked to the carrier's page in a new tab when it has one. On pages a
    screen reader also hears where the link goes; e-mails carry no hidden text."""
    url = tracking.tracking_url(carrier=carrier, tracking_number=tracking_number)
    if not url:
        return format_html("{}", tracking_number)
    if email:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, tracking_number
        )
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}'
        '<span class="visually-hidden"> {}</span></a>',
        url,
        tracking_number,
        _("(the carrier's tracking page, opens in a new tab)"),
    )
