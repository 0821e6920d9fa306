"""A walk-in at the counter (DESIGN §8): the customer brings the product to a service center
with no claim, and the technician records claim, order and intake act in one go.

Every part goes the way it goes for any other door, in one transaction: the claim through
`claims.services.submit_claim` (its number, verdict, e-mails and personal link), approval
through the claim's step runner, the intake through the order's (`repairs.steps.run_step`).
A failure anywhere leaves nothing behind.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from claims import services as claim_services
from claims.models import Channel, Claim, StatusEvent, WarrantyPolicy
from claims.steps import CLAIM_STEPS, run_claim_step
from dreame_service.kit.fsm import Actor
from repairs import steps
from repairs.models import RepairOrder, Technician
from repairs.services import orders


def open_order_at_counter(claim: Claim, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """Approval's hand-off for a claim the product came with: the order opens at the counter's
    center, and nobody is e-mailed. Support's approval tells the customer where to send the
    product and the center what comes (`orders.open_order_on_approval`); here the product is
    on the counter, and the customer gets the intake act a moment later instead."""
    service_center = values["service_center"]
    orders.check_center_accepts(service_center)
    orders.open_order(claim=claim, service_center=service_center, by=event.by)


# A counter claim is approved by the portal's rule, not by an agent's triage: the product
# is at the center that registers it. The row is the claim's approval (its `done` text in
# the history), run by the counter's screen.
COUNTER_APPROVE = replace(
    CLAIM_STEPS["approve"],
    actors=frozenset({Actor.TECHNICIAN}),
    fields=("service_center",),
    work=open_order_at_counter,
)


@transaction.atomic
def register_walk_in(
    *,
    claim_data: Mapping[str, Any],
    act_data: Mapping[str, Any],
    technician: Technician,
    receipt: "UploadedFile[bytes] | None" = None,
    photos: Sequence["UploadedFile[bytes]"] = (),
    note: str = "",
    internal_note: str = "",
    language: str = "ru",
    policy: WarrantyPolicy | None = None,
) -> RepairOrder:
    """The claim (channel `counter`, registered by the technician), approved to the
    technician's own center, and its order received with the act; returns the order.

    `claim_data` holds the claim form's cleaned fields (Claim's names, `receipt_missing_reason`
    when there is no receipt); `act_data` the act form's (IntakeAct's names). The customer is
    at the counter: the act is never "received by post". Raises `DuplicateClaim` when the
    same claim was filed a moment ago (a second click, a colleague at the next counter),
    PermissionDenied when this technician may not receive orders.
    """
    user = technician.user
    claim = claim_services.submit_claim(
        data=claim_data,
        receipt=receipt,
        language=language,
        policy=policy,
        channel=Channel.COUNTER,
        registered_by=user,
    )
    # By the system (`by=None`): the triage permission is support's, and the rule, not the
    # technician, approves. The claim's `submit` row names the technician.
    claim, _event = run_claim_step(
        claim,
        "approve",
        actor=Actor.TECHNICIAN,
        values={"service_center": technician.service_center},
        steps={"approve": COUNTER_APPROVE},
    )
    order, _event = steps.run_step(
        claim.repair_order,
        steps.INTAKE,
        actor=Actor.TECHNICIAN,
        by=user,
        values={
            "act_data": {**act_data, "received_by_post": False},
            "photos": list(photos),
            "note": note,
            "internal_note": internal_note,
        },
    )
    return order
