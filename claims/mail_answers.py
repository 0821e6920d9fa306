"""Support answers the customer by e-mail from the claim page: one conversation (issue 21).

The answer is a history row by the agent (the text as a note for the customer: «Мой
ремонт» shows it as a message from support) and an e-mail through the outbox, keyed by that
row, so it goes once. Its In-Reply-To and References quote the customer's latest e-mail
filed in the history (`claims.mail_replies`), so their mail client shows one thread.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims import emails, selectors
from claims.mail_replies import EMAIL_REPLY
from claims.models import Claim, StatusEvent
from claims.services import record_status_event
from notifications.services import message_id_for, queue_email

EMAIL_ANSWER = "email_answer"
TEMPLATE = "support_answer"
MAX_TEXT = 10000
# References grows with every message of a long thread; RFC 5322 §3.6.4 lets a reply keep
# the first and the newest ids. This many keep any client's threading and the header short.
MAX_REFERENCES = 10
MAX_SUBJECT = 150
TOO_LONG = _("The answer is too long: at most %(limit_value)d characters.")
MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
# What mail clients put before a subject they answer or forward (en, ru, de, kk clients).
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|ответ|отв|жауап)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Thread:
    """What an answer quotes of the conversation so far."""

    in_reply_to: str  # the customer's latest e-mail's Message-ID; "" if they wrote none
    references: str  # "<a> <b> …", oldest first
    subject: str  # the customer's subject without «Re:», "" when it names no claim number

    @property
    def headers(self) -> dict[str, str]:
        found = {"In-Reply-To": self.in_reply_to, "References": self.references}
        return {name: value for name, value in found.items() if value}


def email_replies(events) -> list[StatusEvent]:
    """The customer's e-mails among a claim's history rows, newest first."""
    replies = [event for event in events if event.transition == EMAIL_REPLY]
    return sorted(replies, key=lambda event: (event.created_at, event.pk), reverse=True)


def is_answered(reply: StatusEvent, events) -> bool:
    """The rule of `phone_replies.unanswered_replies`: any row by staff after it."""
    return any(e.by_id is not None and e.created_at > reply.created_at for e in events)


def _message_ids(text: str) -> list[str]:
    return MESSAGE_ID.findall(text or "")


def _trimmed(ids: list[str]) -> list[str]:
    unique = list(dict.fromkeys(ids))
    if len(unique) <= MAX_REFERENCES:
        return unique
    return [unique[0], *unique[-(MAX_REFERENCES - 1) :]]


def _thread_subject(subject: str, *, number: str) -> str:
    subject = " ".join(REPLY_PREFIX.sub("", subject or "").split())[:MAX_SUBJECT]
    return subject if number in subject else ""


def thread_for(claim: Claim) -> Thread:
    """The conversation an answer continues: the customer's latest filed e-mail, else our
    own first e-mail about the claim (References only: the customer asked nothing yet)."""
    reply = (
        StatusEvent.objects.filter(claim=claim, transition=EMAIL_REPLY)
        .order_by("-created_at", "-pk")
        .only("note_params")
        .first()
    )
    params = reply.note_params if reply is not None else {}
    ids = _message_ids(params.get("message_id", ""))
    if ids:
        in_reply_to = ids[0]
        references = _trimmed([*_message_ids(params.get("references", "")), in_reply_to])
        subject = _thread_subject(str(params.get("subject", "")), number=claim.number)
        return Thread(in_reply_to=in_reply_to, references=" ".join(references), subject=subject)
    first = selectors.first_customer_email(claim=claim)
    return Thread(in_reply_to="", references=message_id_for(first) if first else "", subject="")


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the answer to the customer."), code="text_required")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            TOO_LONG % {"limit_value": MAX_TEXT},
            code="text_too_long",
        )
    return text


@transaction.atomic
def answer_by_email(
    *, claim: Claim, text: str, by: User | None, form_token: str = ""
) -> tuple[StatusEvent, bool]:
    """Record support's answer and queue its e-mail to the claim's address; returns the
    history row and whether this call wrote it.

    `form_token` names the page's form: the same form sent again (a double click, a
    resent POST) returns the first answer and sends nothing more. The claim's row lock
    makes the second request wait for the first one's commit and then find its row.
    """
    text = clean_text(text)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not claim.email:
        raise ValidationError(
            _("The claim has no e-mail address: correct the customer's data first."),
            code="no_email",
        )
    if form_token:
        earlier = StatusEvent.objects.filter(
            claim=claim, transition=EMAIL_ANSWER, note_params__form_token=form_token
        ).first()
        if earlier is not None:
            return earlier, False
    thread = thread_for(claim)
    event = record_status_event(
        claim=claim,
        transition=EMAIL_ANSWER,
        from_status=claim.status,
        to_status=claim.status,
        by=by,
        public_note=text,
        note_params={"form_token": form_token, "in_reply_to": thread.in_reply_to},
    )
    context = {
        **emails.customer_context(claim),
        "answer_text": text,
        "thread_subject": thread.subject,
    }
    queue_email(
        event_key=emails.claim_event_key(claim=claim, event=TEMPLATE, status_event_id=event.pk),
        recipient=claim.email,
        template=TEMPLATE,
        language=claim.language,
        context=context,
        headers=thread.headers,
    )
    return event, True
