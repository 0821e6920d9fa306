"""The repair order's transition table: the one list every caller walks.

For each transition: the service that performs it, what it needs from the person making
it (the service's keyword arguments besides `order` and `by`), whether the customer gets
an e-mail, and its label. The sources and targets stay on the model's `@transition`
methods (DESIGN §3); this table is the explicit map the workbench turns a posted
`transition` into a service with, never `getattr` on user input. The rows are in the
order a repair usually goes, so the first row that enters a state is the usual way in.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.transitions import CLAIM_TRANSITIONS, ClaimTransition
from dreame_service.fsm import lock_in_state
from repairs import services
from repairs.models import OrderStatus, RepairOrder


@dataclass(frozen=True)
class OrderTransition:
    name: str
    service: Callable[..., RepairOrder]
    fields: tuple[str, ...]
    emails_customer: bool
    label: Promise


def _table(*rows: OrderTransition) -> dict[str, OrderTransition]:
    return {row.name: row for row in rows}


NOTE = ("note", "internal_note")  # public (status page, e-mail) and staff-only
SHIPMENT = ("carrier", "tracking_number", "internal_note")

ORDER_TRANSITIONS = _table(
    OrderTransition(
        "register_shipment",
        services.register_shipment,
        SHIPMENT,
        False,
        _("Register the parcel to the center"),
    ),
    OrderTransition(
        "receive",
        services.receive_order,
        ("act_data", "photos", *NOTE),
        True,
        _("Receive: write the intake act"),
    ),
    OrderTransition(
        "start_diagnostics", services.start_diagnostics, NOTE, False, _("Start diagnostics")
    ),
    OrderTransition(
        "start_repair", services.start_repair, NOTE, False, _("Start the warranty repair")
    ),
    OrderTransition(
        "wait_for_parts",
        services.wait_for_parts,
        ("part", "expected_date", *NOTE),
        False,
        _("Wait for spare parts"),
    ),
    OrderTransition("parts_arrived", services.parts_arrived, NOTE, False, _("Spare parts arrived")),
    OrderTransition(
        "complete", services.complete_repair, ("work_done", *NOTE), True, _("Repair finished")
    ),
    OrderTransition(
        "send_quote",
        services.send_quote,
        ("amount", "description", *NOTE),
        True,
        _("Send the repair price"),
    ),
    OrderTransition(
        "accept_quote", services.accept_quote, NOTE, False, _("The customer accepted the price")
    ),
    OrderTransition(
        "decline_quote", services.decline_quote, NOTE, False, _("The customer declined the price")
    ),
    OrderTransition(
        "resolve_replacement",
        services.resolve_replacement,
        ("new_serial", *NOTE),
        True,
        _("Replace with a new unit"),
    ),
    OrderTransition("resolve_refund", services.resolve_refund, NOTE, True, _("Refund the money")),
    OrderTransition(
        "ship_back", services.ship_back, SHIPMENT, True, _("Ship back to the customer")
    ),
    OrderTransition(
        "confirm_delivery", services.confirm_delivery, NOTE, True, _("Confirm the delivery")
    ),
    OrderTransition(
        "cancel", services.cancel_order, ("reason", "internal_note"), True, _("Cancel the order")
    ),
)

# Support's triage: the claim's table, with approval as the hand-off that opens the order.
TRIAGE_TRANSITIONS = {
    **CLAIM_TRANSITIONS,
    "approve": ClaimTransition(
        "approve",
        services.approve_claim_and_open_order,
        ("service_center",),
        True,
        CLAIM_TRANSITIONS["approve"].label,
    ),
}


def declared_moves() -> list[tuple[str, str, str]]:
    """(transition, source, target) as the model's `@transition` methods declare them."""
    field = RepairOrder._meta.get_field("status")
    return [(t.name, t.source, t.target) for t in field.get_all_transitions(RepairOrder)]


def path_to(status: str, *, start: str = OrderStatus.AWAITING_SHIPMENT) -> list[str]:
    """The usual steps from `start` to `status`: each state is entered by the first row
    of the table that enters it. Raises ValueError when `status` cannot be reached."""
    return _path(status, start=start, seen=frozenset())


def _path(status: str, *, start: str, seen: frozenset) -> list[str]:
    if status == start:
        return []
    if status in seen:
        raise ValueError(f"No way from {start} to {status}")
    moves = declared_moves()
    for name in ORDER_TRANSITIONS:
        sources = [source for step, source, target in moves if step == name and target == status]
        if sources:
            source = start if start in sources else min(sources, key=OrderStatus.values.index)
            return _path(source, start=start, seen=seen | {status}) + [name]
    raise ValueError(f"No transition enters {status}")


# --- What the person who made a step reads ---------------------------------------------


def order_done_message(*, row: OrderTransition, order: RepairOrder) -> str:
    text = gettext("“%(step)s”: done. The order is now “%(status)s”.") % {
        "step": row.label,
        "status": order.get_status_display(),
    }
    return _with_email_note(text, emails_customer=row.emails_customer)


def claim_done_message(*, row: ClaimTransition, claim) -> str:
    text = gettext("“%(step)s”: done. The claim is now “%(status)s”.") % {
        "step": row.label,
        "status": claim.get_status_display(),
    }
    return _with_email_note(text, emails_customer=row.emails_customer)


def _with_email_note(text: str, *, emails_customer: bool) -> str:
    if not emails_customer:
        return text
    emailed = gettext("The customer gets an e-mail about it.")  # where makemessages sees it
    return f"{text} {emailed}"


def stale_order_message(order: RepairOrder) -> str:
    """For a step chosen on a page that showed another state (`OrderChanged`)."""
    return gettext(
        "The order has changed meanwhile: it is now “%(status)s”. Nothing was saved; "
        "check the page and choose again."
    ) % {"status": order.get_status_display()}


class OrderChanged(Exception):  # noqa: N818 - a state of the world, not a bug
    """The order is no longer in the state the caller showed its user."""


@transaction.atomic
def run(
    *,
    order: RepairOrder,
    name: str,
    by,
    values: Mapping[str, object],
    expected_status: str | None = None,
) -> RepairOrder:
    """Perform one transition of the table with the values its fields name.

    A field missing from `values` takes the service's default (a note is optional). With
    `expected_status` (the state a page showed), the move happens only if the order is
    still in it: a second technician or a double click may have moved it since, and a
    step chosen for a state that is gone (cancel is legal from most) must not be applied
    to the new one.
    """
    transition = ORDER_TRANSITIONS[name]
    if expected_status is not None:
        lock_in_state(RepairOrder, pk=order.pk, expected=expected_status, changed=OrderChanged)
    given = {field: values[field] for field in transition.fields if field in values}
    return transition.service(order=order, by=by, **given)
