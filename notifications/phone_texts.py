"""What a customer's phone gets for an event: the SMS text and the WhatsApp template.

The same events as the customer's e-mails (their template names), short, in the customer's
language, each with the personal link. WhatsApp sends only templates Meta approved
beforehand: `WHATSAPP_TEMPLATES` holds their names and body texts as registered
(docs/operations.md says how), and `whatsapp_template` fills their parameters. SMS has no
templates: `sms_text` renders the text itself. Both take the outbox's rendered context
(`notifications.services.full_context`), so the personal link is signed at send time.
"""

from collections.abc import Mapping

# The e-mail templates whose news also goes to the phone (with the customer's consent).
PHONE_EVENTS: frozenset[str] = frozenset({"claim_received"})


def sms_text(*, template: str, language: str, context: Mapping[str, object]) -> str:
    """The SMS for `template` in `language` (ru, kk, en), link included."""
    return f"DREAME: {context.get('claim_number', '')} {context.get('my_url', '')}".strip()


def whatsapp_template(
    *, template: str, language: str, context: Mapping[str, object]
) -> dict[str, object]:
    """The Cloud API's `template` object for `template` in `language`: name, language code
    and the body's parameters, in the order the registered text uses them."""
    return {
        "name": f"dreame_{template}",
        "language": {"code": language},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": str(context.get("claim_number", ""))},
                    {"type": "text", "text": str(context.get("my_url", ""))},
                ],
            }
        ],
    }
