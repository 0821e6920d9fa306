"""What a customer's phone gets for an event: the SMS text and the WhatsApp template.

The same events as the customer's e-mails (their template names), short, in the customer's
language, each with the personal link. WhatsApp sends only templates Meta approved
beforehand: `WHATSAPP_TEMPLATES` holds their names and body texts as registered
(`phone_texts.toml`, next to this module; docs/operations.md says how to register them), and
`whatsapp_template` fills their parameters. SMS has no templates: `sms_text` renders the text
itself. Both take the outbox's rendered context (`notifications.services.full_context`), so
the personal link is signed at send time.

The texts are data in three languages side by side, not gettext: a WhatsApp body must be
exactly what Meta approved in that language, so a translator's change in a .po file must
not reach it without a new registration.
"""

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dreame_service.kit.formats import format_center, format_date, format_kzt, format_phone

LANGUAGES = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"  # the portal's default: a claim in another language reads Russian
EMPTY_VALUE = "—"  # Meta refuses an empty parameter; a dash reads as "not given"
MAX_VALUE_CHARS = 200  # our values are short; a longer one is cut, not refused by Meta


def _text(key: str) -> Callable[[Mapping[str, object]], str]:
    return lambda context: str(context.get(key) or "")


def _center(context: Mapping[str, object]) -> Mapping[str, object]:
    center = context.get("service_center")
    return center if isinstance(center, Mapping) else {}


# What may fill a template's parameters: our own data only, never what the customer typed
# (a name or a model is what a stranger types to speak in our voice; issue 17).
VALUES: dict[str, Callable[[Mapping[str, object]], str]] = {
    "claim_number": _text("claim_number"),
    "order_number": _text("order_number"),
    "response_due_date": lambda context: format_date(context.get("response_due_date")),
    "intake_date": lambda context: format_date(context.get("intake_date")),
    "quote_amount": lambda context: format_kzt(context.get("quote_amount")),
    "center": lambda context: format_center(
        name=str(_center(context).get("name") or ""), city=str(_center(context).get("city") or "")
    ),
    "center_phone": lambda context: format_phone(
        _center(context).get("phone") or context.get("service_center_phone") or ""
    ),
    "service_center_name": _text("service_center_name"),
    "carrier": _text("carrier"),
    "tracking_number": _text("tracking_number"),
    "my_url": _text("my_url"),
}

_WHATSAPP_PARAMETER = re.compile(r"\{\{(\d+)\}\}")
_SMS_PARAMETER = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class PhoneTemplate:
    """One registered WhatsApp template (three languages) and the SMS of the same news."""

    name: str  # as registered with Meta
    event: str  # the customer e-mail whose news it carries
    case: str  # "" or the case of the event it is for (see `_case`)
    values: tuple[str, ...]  # names of VALUES filling {{1}}, {{2}}, … in order
    whatsapp: Mapping[str, str]  # language -> body, exactly as registered
    sms: Mapping[str, str]  # language -> SMS with {1}, {2}, … for the same values

    def parameters(self, context: Mapping[str, object]) -> list[str]:
        return [sanitize(VALUES[value](context)) for value in self.values]


def sanitize(value: str) -> str:
    """A value as Meta takes a parameter (no newline, tab or run of more than four spaces,
    not empty) and as an SMS reads it: whitespace folded to one space, cut when too long."""
    value = " ".join(str(value).split())
    if len(value) > MAX_VALUE_CHARS:
        value = value[: MAX_VALUE_CHARS - 1].rstrip() + "…"
    return value or EMPTY_VALUE


def _load(path: Path) -> dict[str, PhoneTemplate]:
    """The templates of `path`, checked: a text that does not fit its values fails at import,
    not when a customer's message is sent."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    templates = {}
    for name, row in data.items():
        values = tuple(row["values"])
        unknown = set(values) - set(VALUES)
        if unknown or "my_url" not in values:
            raise ValueError(f"{name}: unknown values {unknown} or no personal link")
        template = PhoneTemplate(
            name=name,
            event=row["event"],
            case=row.get("case", ""),
            values=values,
            whatsapp={language: row[language].strip() for language in LANGUAGES},
            sms={language: row[f"sms_{language}"].strip() for language in LANGUAGES},
        )
        link = str(values.index("my_url") + 1)
        for language in LANGUAGES:
            numbers = _WHATSAPP_PARAMETER.findall(template.whatsapp[language])
            if numbers != [str(n) for n in range(1, len(values) + 1)]:
                raise ValueError(f"{name}/{language}: WhatsApp parameters {numbers}")
            used = _SMS_PARAMETER.findall(template.sms[language])
            if link not in used or not set(used) <= {str(n) for n in range(1, len(values) + 1)}:
                raise ValueError(f"{name}/sms_{language}: parameters {used}")
        templates[name] = template
    return templates


WHATSAPP_TEMPLATES: dict[str, PhoneTemplate] = _load(Path(__file__).with_name("phone_texts.toml"))

# The e-mail templates whose news also goes to the phone (with the customer's consent).
# Not reminders, the lost-link answer or news the customer made themselves (withdrawn) or
# already holds (delivered): every delivered WhatsApp template is billed, and e-mail keeps
# the written record of every step (docs/decisions.md, issue 20).
PHONE_EVENTS: frozenset[str] = frozenset(t.event for t in WHATSAPP_TEMPLATES.values())


def _case(template: str, context: Mapping[str, object]) -> str:
    """Which registered text of the event fits: a finished repair is other news when the
    product is replaced, and says what to pay when the customer accepted a price."""
    if template == "repair_finished":
        if context.get("resolution") == "replacement":
            return "replacement"
        if context.get("resolution") == "paid_repair" and format_kzt(context.get("quote_amount")):
            return "paid"
    return ""


def template_for(*, template: str, context: Mapping[str, object]) -> PhoneTemplate:
    """The registered template for e-mail `template`'s news in this context."""
    case = _case(template, context)
    for candidate in WHATSAPP_TEMPLATES.values():
        if candidate.event == template and candidate.case == case:
            return candidate
    raise ValueError(f"No phone text for {template!r}")


def _language(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def sms_text(*, template: str, language: str, context: Mapping[str, object]) -> str:
    """The SMS for `template` in `language` (ru, kk, en), link included."""
    phone_template = template_for(template=template, context=context)
    parameters = phone_template.parameters(context)
    text = phone_template.sms[_language(language)]
    return _SMS_PARAMETER.sub(lambda match: parameters[int(match.group(1)) - 1], text)


def whatsapp_template(
    *, template: str, language: str, context: Mapping[str, object]
) -> dict[str, object]:
    """The Cloud API's `template` object for `template` in `language`: name, language code
    and the body's parameters, in the order the registered text uses them."""
    phone_template = template_for(template=template, context=context)
    return {
        "name": phone_template.name,
        "language": {"code": _language(language)},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": text} for text in phone_template.parameters(context)
                ],
            }
        ],
    }


def whatsapp_text(*, template: str, language: str, context: Mapping[str, object]) -> str:
    """The WhatsApp message as the customer's phone shows it: the registered body with
    `whatsapp_template`'s parameters in place (for tests and for people, not for Meta)."""
    phone_template = template_for(template=template, context=context)
    parameters = phone_template.parameters(context)
    body = phone_template.whatsapp[_language(language)]
    return _WHATSAPP_PARAMETER.sub(lambda match: parameters[int(match.group(1)) - 1], body)


# Sample values Meta asks for with each template's variables (what a reviewer sees).
EXAMPLES = {
    "claim_number": "CL-7KQ2M9XW",
    "order_number": "7KQ2M-9XW4D",
    "response_due_date": "30.11.2026",
    "intake_date": "25.11.2026",
    "quote_amount": "45 000 ₸",
    "center": "DREAME Сервис, Алматы",
    "center_phone": "+7 727 200 00 00",
    "service_center_name": "DREAME Сервис",
    "carrier": "Kazpost",
    "tracking_number": "RR123456785KZ",
    "my_url": "https://service.dreame.kz/my/Yn5AMAQdJBqe3Gngeq2Klg.UBQ4haCxaX/",
}


def registration_requests() -> list[dict[str, object]]:
    """Every template in every language as the Graph API's `POST /{WABA-ID}/message_templates`
    takes it (docs/operations.md): the registered text comes from here, never retyped."""
    return [
        {
            "name": template.name,
            "language": language,
            "category": "UTILITY",
            "components": [
                {
                    "type": "BODY",
                    "text": template.whatsapp[language],
                    "example": {"body_text": [[EXAMPLES[value] for value in template.values]]},
                }
            ],
        }
        for template in WHATSAPP_TEMPLATES.values()
        for language in LANGUAGES
    ]


# GSM 03.38: the basic set costs one septet, the extension two; anything else makes the
# whole SMS UCS-2 (every Cyrillic text, and «₸» or «» in an English one).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"


def sms_parts(text: str) -> int:
    """How many SMS the text costs: GSM-7 160 septets alone, 153 per part concatenated;
    UCS-2 70 characters alone, 67 per part (UTF-16 units: an emoji counts two)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        size = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        single, part = 160, 153
    else:
        size = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if size <= single else -(-size // part)
