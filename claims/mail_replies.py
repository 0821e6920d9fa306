"""A customer's e-mail to support lands in their claim's history (DESIGN §8).

Each filed message is a history row by the customer with `transition=EMAIL_REPLY`, its
text as the internal note and, in `note_params`, the message's `message_id`,
`references` and `subject` (what support's answer quotes in In-Reply-To/References, so
the customer's mail client keeps one conversation). Its files become the claim's
attachments after the upload checks; a refused one is named in the note with the reason.

The mailbox (notifications.mailbox) keeps each message once and hands it here
(settings.SUPPORT_MAIL_HANDLERS). A message is a reply when it names one of our e-mails
in In-Reply-To/References, or when its subject names a claim (or an order) of the
sender's own address; never by the sender's address alone. Anything else is a draft for
support: attach it to a claim, register a claim from it, or set it aside.
"""

import logging
import re

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import uploads
from claims.models import AttachmentKind, Claim, ClaimAttachment, StatusEvent
from claims.services import record_status_event
from notifications.mailbox import reread
from notifications.models import InboundEmail, Notification
from notifications.services import event_key_prefix

logger = logging.getLogger(__name__)

EMAIL_REPLY = "email_reply"
MAX_NOTE = 8000

CLAIM_NUMBER = re.compile(r"\bCL-[0-9A-HJKMNP-TV-Z]{8}\b", re.IGNORECASE)
# repairs.order_numbers' printed form, `7KQ2M-9XW4D` (claims may not import repairs; a
# test holds the two together).
ORDER_NUMBER = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{5})\b")
# A serial number is only taken where the customer labels it (S/N, серийный номер).
SERIAL_NUMBER = re.compile(
    r"(?:\bS/?N\b|\bserial(?:\s+number)?|серийн\w*\s+номер\w*|\bсер\.?\s*№)"
    r"(?:[^\n:]{0,25}:)?[\s#№.:]*((?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{5,39})\b",
    re.IGNORECASE,
)


class NotADraft(Exception):  # noqa: N818 - a refusal the caller shows, like TransitionNotAllowed
    """The message was filed or set aside already (another agent, another tab)."""


# --- What a message says --------------------------------------------------------------


def found_numbers(text: str) -> dict[str, list[str]]:
    """The phone numbers (+7…), order, claim and serial numbers a message names."""
    ours = _e164(settings.SUPPORT_PHONE)
    phones = []
    for match in phonenumbers.PhoneNumberMatcher(text, "KZ"):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if number.startswith("+7") and number != ours and number not in phones:
            phones.append(number)
    return {
        "phones": phones[:10],
        "claim_numbers": _unique(m.group(0).upper() for m in CLAIM_NUMBER.finditer(text)),
        "order_numbers": _unique(
            f"{m.group(1)}-{m.group(2)}".upper() for m in ORDER_NUMBER.finditer(text)
        ),
        "serial_numbers": _unique(m.group(1).upper() for m in SERIAL_NUMBER.finditer(text)),
    }


def _e164(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "KZ")
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))[:10]


def _ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value)


# --- Which claim it answers ------------------------------------------------------------


def claim_answered(inbound: InboundEmail) -> Claim | None:
    """The claim one of our e-mails named in the message's thread headers, else the claim
    (or the order's claim) its subject names, if the claim is the sender's own."""
    thread = _ids(f"{inbound.in_reply_to} {inbound.references}")
    if thread:
        # One indexed query on the outbox; every customer e-mail's context has the number.
        answered = (
            Notification.objects.filter(message_id__in=thread[-50:])
            .order_by("-pk")
            .values_list("context__claim_number", flat=True)
        )
        numbers = [number for number in answered if number]
        claims = {claim.number: claim for claim in Claim.objects.filter(number__in=numbers)}
        for number in numbers:  # the newest of our e-mails it names first
            if number in claims:
                return claims[number]
    named = [m.group(0).upper() for m in CLAIM_NUMBER.finditer(inbound.subject)]
    named += _claims_of_orders(inbound.subject)
    if named and inbound.sender:
        return Claim.objects.filter(number__in=named, email__iexact=inbound.sender).first()
    return None


def _claims_of_orders(subject: str) -> list[str]:
    """The claims of the orders a subject names, by the outbox's keys (`order:<number>:`):
    the order e-mails carry their claim's number, and claims may not read repairs."""
    numbers = []
    for match in ORDER_NUMBER.finditer(subject.upper()):
        prefix = event_key_prefix(subject="order", reference=match.group(1) + match.group(2))
        number = (
            Notification.objects.filter(event_key__startswith=prefix)
            .values_list("context__claim_number", flat=True)
            .first()
        )
        if number:
            numbers.append(number)
    return numbers


# --- Filing -----------------------------------------------------------------------------


def file_inbound_email(inbound: InboundEmail) -> None:
    """The mailbox's handler (in the row's transaction): a reply to its claim's history,
    anything else a draft with what could be read in it."""
    found = found_numbers(f"{inbound.subject}\n{inbound.text}")
    inbound.phones = found["phones"]
    inbound.claim_numbers = found["claim_numbers"]
    inbound.order_numbers = found["order_numbers"]
    inbound.serial_numbers = found["serial_numbers"]
    claim = claim_answered(inbound)
    if claim is None:
        inbound.state = InboundEmail.State.DRAFT
        inbound.save()
        return
    _file_reply(claim=claim, inbound=inbound, by=None)


@transaction.atomic
def attach_draft_message(*, claim: Claim, message_pk: int, by: User) -> StatusEvent:
    """Support files a draft to a claim (chosen, or just registered from the message): the
    same history row and attachments as a reply the mailbox matched itself."""
    inbound = (
        InboundEmail.objects.select_for_update()
        .filter(pk=message_pk, state=InboundEmail.State.DRAFT)
        .first()
    )
    if inbound is None:
        raise NotADraft(message_pk)
    return _file_reply(claim=claim, inbound=inbound, by=by)


@transaction.atomic
def set_message_aside(*, message_pk: int, reason: str, by: User) -> InboundEmail:
    """Support decides a draft is not a claim (spam, an advert, a question answered)."""
    inbound = (
        InboundEmail.objects.select_for_update()
        .filter(pk=message_pk, state=InboundEmail.State.DRAFT)
        .first()
    )
    if inbound is None:
        raise NotADraft(message_pk)
    inbound.state = InboundEmail.State.ASIDE
    inbound.aside = InboundEmail.Aside.NOT_A_CLAIM
    inbound.reason = reason
    inbound.handled_at = timezone.now()
    inbound.handled_by = by
    inbound.save()
    return inbound


def _file_reply(*, claim: Claim, inbound: InboundEmail, by: User | None) -> StatusEvent:
    refused = _attach_files(claim=claim, inbound=inbound)
    note = inbound.reply_text or inbound.text
    if refused:
        with translation.override(settings.LANGUAGE_CODE):
            lines = [_("Attachments not accepted:")]
            lines += [f"— {name}: {reason}" for name, reason in refused]
        note = "\n\n".join(filter(None, [note, "\n".join(lines)]))
    event = record_status_event(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note=note[:MAX_NOTE],
        note_params={
            "message_id": inbound.message_id,
            "references": inbound.references,
            "subject": inbound.subject,
        },
    )
    inbound.state = InboundEmail.State.FILED
    inbound.claim_number = claim.number
    inbound.handled_at = timezone.now()
    inbound.handled_by = by
    inbound.save()
    return event


def _attach_files(*, claim: Claim, inbound: InboundEmail) -> list[tuple[str, str]]:
    """Each file of the message through the upload checks (type from the content, size,
    a real image); the accepted ones become the claim's attachments. Returns the refused
    ones with the reason, in the staff's language."""
    if not inbound.attachments:
        return []
    refused = []
    for attachment in reread(inbound).attachments:
        upload = ContentFile(attachment.data, name=attachment.filename)
        try:
            uploads.validate_receipt(upload)
        except ValidationError as error:
            with translation.override(settings.LANGUAGE_CODE):
                refused.append((attachment.filename, " ".join(error.messages)))
            continue
        ClaimAttachment.objects.create(claim=claim, file=upload, kind=AttachmentKind.EMAIL)
    return refused
