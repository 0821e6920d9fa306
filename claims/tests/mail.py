"""The fixture e-mails (notifications/tests/mail/*.eml), filled in for one test: the
claim number, the sender and the Message-ID of the e-mail of ours they answer."""

from pathlib import Path

from notifications.services import queue_email

MAIL = Path(__file__).resolve().parents[2] / "notifications" / "tests" / "mail"


def eml(name: str, **values: str) -> bytes:
    raw = (MAIL / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(b"{{" + key.upper().encode() + b"}}", value.encode())
    return raw


def our_email(claim, *, event: str = "claim_approved", status_event_id: int = 1):
    """An e-mail of ours about `claim`, as the outbox keeps it (its Message-ID stored)."""
    return queue_email(
        event_key=f"claim:{claim.number}:{event}:{status_event_id}",
        recipient=claim.email,
        template=event,
        language="ru",
        context={"claim_number": claim.number, "full_name": claim.full_name},
    )


def reply(
    claim, *, name: str = "gmail_reply.eml", sender: str | None = None, ref: str = ""
) -> bytes:
    return eml(name, claim=claim.number, sender=sender or claim.email, ref=ref or "<none@x>")
