"""The claim's steps: one row each, and the one helper every screen runs a claim step with.

As for the repair order (`repairs.steps`): the model's `@transition` method holds source,
target and the fields it keeps; the row holds the button, who may run it, its form's
fields, the customer's e-mail and what it does beside the move. Approval here is the
claim's half only: `repairs.steps.TRIAGE_STEPS` completes it with the hand-off that opens
the repair order, and is what support's screens walk.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims import emails
from claims.models import ENDED_STATES, Claim, ClaimAttachment, StatusEvent
from claims.services import record_status_event
from dreame_service.kit.fsm import Actor, Step, apply_transition, lock_shown, table

TRIAGE_PERMISSION = "claims.triage_claim"
S, C = Actor.SUPPORT, Actor.CUSTOMER


def keep_supplement(claim: Claim, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """The customer's answer: each file (`attachments`: kind and checked upload pairs) is
    kept as an attachment of its kind, beside the receipt, never instead of it; support is
    told by e-mail, with a link to each file."""
    kept = [
        ClaimAttachment.objects.create(claim=claim, kind=kind, file=upload)
        for kind, upload in values.get("attachments") or ()
    ]
    emails.queue_staff_email(
        claim=claim,
        event="staff_claim_supplemented",
        status_event=event,
        extra_context={"supplement_files": [emails.attachment_context(a) for a in kept]},
    )


CLAIM_STEPS: dict[str, Step] = table(
    Step(
        "request_info",
        _("Request information"),
        frozenset({S}),
        ("message",),
        email="claim_info_requested",
        public_note_field="message",
        timeline=pgettext_lazy("repair timeline", "Support asked for information"),
        done=pgettext_lazy("history", "Information requested from the customer"),
    ),
    Step(
        "supplement",
        _("The customer added information"),
        frozenset({C}),
        ("text", "attachments"),
        public_note_field="text",
        work=keep_supplement,
        timeline=pgettext_lazy("repair timeline", "You added information"),
        done=pgettext_lazy("history", "Information added by the customer"),
    ),
    Step(
        "approve",
        _("Approve"),
        frozenset({S}),
        (),
        timeline=pgettext_lazy("repair timeline", "Claim approved"),
        done=pgettext_lazy("history", "Claim approved"),
    ),
    Step(
        "reject",
        _("Reject"),
        frozenset({S}),
        ("reason",),
        email="claim_rejected",
        public_note_field="reason",
        timeline=pgettext_lazy("repair timeline", "Claim not approved"),
        done=pgettext_lazy("history", "Claim rejected"),
    ),
    Step(
        "withdraw",
        _("Withdraw"),
        frozenset({S, C}),
        (),
        email="claim_withdrawn",
        timeline=pgettext_lazy("repair timeline", "You withdrew the claim"),
        done=pgettext_lazy("history", "Claim withdrawn"),
    ),
    # Nobody closes a claim by hand: its repair order reaching a final state does.
    Step(
        "close",
        _("Close"),
        frozenset(),
        (),
        done=pgettext_lazy("history", "Claim closed"),
    ),
)


def actor_for(user: User | None) -> Actor:
    """The customer acts without an account (the personal link); staff are support."""
    return Actor.CUSTOMER if user is None else Actor.SUPPORT


@transaction.atomic
def run_claim_step(
    claim: Claim,
    name: str,
    *,
    by: User | None = None,
    actor: Actor | None = None,
    values: Mapping[str, object] | None = None,
    shown: Mapping[str, object] | None = None,
    steps: Mapping[str, Step] = CLAIM_STEPS,
) -> tuple[Claim, StatusEvent]:
    """Run one step of a claim table: lock, check, move, save, log, do its work, e-mail.

    `actor` defaults to who `by` is (`actor_for`); a row that names nobody (close) is run
    only by the order's own runner. `shown`: what the caller's page showed; if the claim
    no longer holds it, or the step is not possible from its state, `Stale` and nothing is
    saved.
    """
    step = steps[name]
    actor = actor or actor_for(by)
    if step.actors and not step.may(actor):
        raise PermissionDenied
    given = {field: values[field] for field in step.fields if values and field in values}
    claim = lock_shown(Claim.objects.all(), pk=claim.pk, shown=shown)
    from_status = apply_transition(instance=claim, transition=name, by=by, values=given)
    if claim.status in ENDED_STATES:
        # No transition leaves an ended state: the personal link's 90 days start here.
        claim.ended_at = timezone.now()
        claim.save(update_fields=["ended_at"])
    event = record_status_event(
        claim=claim,
        transition=name,
        from_status=from_status,
        to_status=claim.status,
        by=by,
        by_customer=actor is Actor.CUSTOMER,
        public_note=str(given.get(step.public_note_field, "")),
    )
    if step.work is not None:
        step.work(claim, event, given)
    if step.email:
        emails.queue_claim_email(claim=claim, event=step.email, status_event=event)
    return claim, event
