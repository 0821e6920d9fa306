"""The words a customer agrees to when they ask for news on the phone (DESIGN §7).

Shown beside the checkboxes on the claim form and on «Мой ремонт», and kept, as shown and
in the language shown, with every change of the choice (`ChannelConsent`): the law on
personal data asks who agreed to what, when, and that the transfer was named — WhatsApp
carries the number to Meta, abroad; the SMS goes through a gateway.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from claims.models import ChannelConsent

Channel = ChannelConsent.Channel

WORDING = {
    Channel.WHATSAPP: _(
        "Send news about this claim to my WhatsApp number. I agree that the number and the "
        "news are passed to Meta Platforms (outside Kazakhstan) only to deliver them."
    ),
    Channel.SMS: _(
        "Send news about this claim by SMS to my phone. I agree that the number and the "
        "news are passed to the SMS gateway only to deliver them."
    ),
}
FIELDS = {Channel.WHATSAPP: "notify_whatsapp", Channel.SMS: "notify_sms"}


def wording(channel: str, *, language: str) -> str:
    """The words of `channel`'s consent as the customer read them in `language`."""
    with translation.override(language):
        return str(WORDING[Channel(channel)])
