"""The repair order's steps: one row each, and the one helper every screen runs a step with.

A step is declared twice and nowhere else: its `@transition` method on `RepairOrder`
(source, target, the fields it keeps) and its row here (its button, who may run it, the
fields its form asks for, the customer's e-mail, what it does beside the move). Screens
render their buttons and forms from the rows (`offered_steps`) and run a step through
`run_step`, which owns the lock, the stale-page check, the permission check, the history
row and the e-mail. The rows are in the order a repair usually goes, so the first row that
enters a state is the usual way in (`path_to`).

Adding a step: the `@transition` method, a row, its texts (makemessages), a migration only
if the method keeps a new field. docs/decisions.md says more.
"""

from collections.abc import Mapping
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, StatusEvent
from claims.steps import CLAIM_STEPS
from dreame_service.kit.fsm import Actor, Step, apply_transition, table
from repairs import emails
from repairs.models import FaultCategory, OrderStatus, RepairOrder, Shipment
from repairs.services import orders, work_lines

T, S, C = Actor.TECHNICIAN, Actor.SUPPORT, Actor.CUSTOMER
INTAKE = "receive"  # the workbench gives it a page of its own: the intake act
RETURN = "ship_back"  # its button shows the warranty's new end
REVISE = "revise_quote"  # a changed estimate: the customer answers again
NOTES = ("note", "internal_note")  # public (status page, e-mail) and staff-only
PARCEL = ("carrier", "tracking_number", "internal_note")
# Picked on every step that ends diagnostics (DESIGN §9): the remedy is chosen then, so
# what failed is known; `run_step` keeps it on the order and notes it in the history.
FAULT = "fault_category"

ORDER_STEPS: dict[str, Step] = table(
    Step(
        "register_shipment",
        _("Register the parcel to the center"),
        frozenset({T, S, C}),
        PARCEL,
        work=partial(orders.record_parcel, direction=Shipment.Direction.INBOUND),
        done=pgettext_lazy("history", "Parcel to the center registered"),
    ),
    Step(
        INTAKE,
        _("Receive: write the intake act"),
        frozenset({T}),
        ("act_data", "photos", *NOTES),
        email="product_received",
        work=orders.write_intake_act,
        done=pgettext_lazy("history", "Product received, intake act written"),
    ),
    Step(
        "start_diagnostics",
        _("Start diagnostics"),
        frozenset({T}),
        done=pgettext_lazy("history", "Diagnostics started"),
    ),
    Step(
        "start_repair",
        _("Start the warranty repair"),
        frozenset({T}),
        (FAULT, *NOTES),
        done=pgettext_lazy("history", "Warranty repair started"),
    ),
    Step(
        "wait_for_parts",
        _("Wait for spare parts"),
        frozenset({T}),
        ("part", "expected_date", *NOTES),
        work=orders.record_awaited_part,
        done=pgettext_lazy("history", "Repair put on hold for spare parts"),
    ),
    Step(
        "parts_arrived",
        _("Spare parts arrived"),
        frozenset({T}),
        done=pgettext_lazy("history", "Spare parts arrived, repair resumed"),
    ),
    Step(
        "complete",
        _("Repair finished"),
        frozenset({T}),
        ("work_done", "lines", *NOTES),
        email="repair_finished",
        work=work_lines.record_done_lines,
        done=pgettext_lazy("history", "Repair completed"),
    ),
    Step(
        "send_quote",
        _("Send the repair price"),
        frozenset({T}),
        ("lines", "description", FAULT, *NOTES),
        email="quote_sent",
        work=work_lines.record_estimate_lines,
        done=pgettext_lazy("history", "Repair price sent to the customer"),
    ),
    Step(
        REVISE,
        _("Change the estimate"),
        frozenset({T}),
        ("lines", "description", *NOTES),
        email="quote_sent",
        work=work_lines.record_revised_estimate,
        done=pgettext_lazy("history", "Estimate changed, sent to the customer again"),
    ),
    Step(
        "accept_quote",
        _("The customer accepted the price"),
        frozenset({T, C}),
        done=pgettext_lazy("history", "Repair price accepted"),
    ),
    Step(
        "decline_quote",
        _("The customer declined the price"),
        frozenset({T, C}),
        ("confirm_decline", *NOTES),
        done=pgettext_lazy("history", "Repair price declined"),
    ),
    Step(
        "resolve_replacement",
        _("Replace with a new unit"),
        frozenset({T}),
        ("new_serial", FAULT, *NOTES),
        email="repair_finished",
        done=pgettext_lazy("history", "Replaced with a new unit"),
    ),
    Step(
        "resolve_refund",
        _("Refund the money"),
        frozenset({T}),
        (FAULT, "confirm_refund", *NOTES),
        email="order_refunded",
        done=pgettext_lazy("history", "Refund decided"),
    ),
    Step(
        RETURN,
        _("Ship back to the customer"),
        frozenset({T}),
        PARCEL,
        email="shipped_back",
        work=partial(orders.record_parcel, direction=Shipment.Direction.OUTBOUND),
        done=pgettext_lazy("history", "Shipped back to the customer"),
    ),
    Step(
        "confirm_delivery",
        _("Confirm the delivery"),
        frozenset({T}),
        email="delivered",
        done=pgettext_lazy("history", "Delivery confirmed"),
    ),
    Step(
        "cancel",
        _("Cancel the order"),
        frozenset({T, S}),
        ("reason", "internal_note"),
        email="order_cancelled",
        public_note_field="reason",
        done=pgettext_lazy("history", "Order cancelled"),
    ),
)

# Support's triage: the claim's rows, with approval as the hand-off that opens the order.
TRIAGE_STEPS: dict[str, Step] = {**CLAIM_STEPS, "approve": orders.APPROVE}


# --- Who may run what -------------------------------------------------------------------


def may_run(step: Step, *, actor: Actor, user: User | None, order: RepairOrder) -> bool:
    """May this user, on this screen, run this step on this order (whatever its state)?"""
    if not step.may(actor):
        return False
    if actor is Actor.TECHNICIAN:
        return orders.can_work_on(user=user, order=order)
    if actor is Actor.SUPPORT:
        return orders.is_support(user)
    return user is None  # the customer: the personal link is the permission


def actor_of(user: User | None, order: RepairOrder) -> Actor:
    """Who `user` is for this order when the caller does not say: the customer without an
    account, a technician of its center, else support."""
    if user is None:
        return Actor.CUSTOMER
    return Actor.TECHNICIAN if orders.can_work_on(user=user, order=order) else Actor.SUPPORT


def offered_steps(*, order: RepairOrder, actor: Actor, user: User | None) -> list[Step]:
    """The steps legal from the order's state now that this user may run here, in order:
    the model's conditions (the verdict in force) and, for a technician, the transition's
    permission (no cancel once shipped back) decide with the state."""
    if actor is Actor.TECHNICIAN and user is not None:
        available = order.get_available_user_status_transitions(user)
    else:
        available = order.get_available_status_transitions()
    legal = {t.name for t in available}
    return [
        step
        for name, step in ORDER_STEPS.items()
        if name in legal and may_run(step, actor=actor, user=user, order=order)
    ]


# --- Running a step ----------------------------------------------------------------------


@transaction.atomic
def run_step(
    order: RepairOrder,
    name: str,
    *,
    by: User | None = None,
    actor: Actor | None = None,
    values: Mapping[str, object] | None = None,
    shown: Mapping[str, object] | None = None,
) -> tuple[RepairOrder, StatusEvent]:
    """Run one step of the table: lock, check, move, save, log, do its work, e-mail.

    `actor` is the screen running it (`actor_of` the user when not given). `values` holds
    the fields its row names (a field left out takes the default: a note is
    optional). `shown` is what the caller's page showed (its status, say): if the order no
    longer holds it, or the step is not possible from where the order is, `Stale` is raised
    and nothing is saved. PermissionDenied when this user may not run it here.
    """
    step = ORDER_STEPS[name]
    given = {field: values[field] for field in step.fields if values and field in values}
    order = orders.lock_order(order, shown=shown)
    actor = actor or actor_of(by, order)
    if not may_run(step, actor=actor, user=by, order=order):
        raise PermissionDenied
    # django-fsm checks the technicians' permission its `@transition` declares; support's
    # and the customer's rights are checked above.
    fsm_user = by if actor is Actor.TECHNICIAN else None
    fault = given.get(FAULT)
    fault_note = orders.keep_fault(order, fault) if isinstance(fault, FaultCategory) else {}
    order.state_entered_at = timezone.now()  # every move enters a new state
    from_status = apply_transition(instance=order, transition=name, by=fsm_user, values=given)
    event = orders.record_order_event(
        order=order,
        transition=name,
        from_status=from_status,
        to_status=order.status,
        by=by,
        by_customer=actor is Actor.CUSTOMER,
        public_note=str(given.get(step.public_note_field, "")),
        internal_note=str(given.get("internal_note", "")),
        **fault_note,
    )
    orders.forget_public_answer(order)
    if order.is_final:
        # The claim is done too: through its own path, with its lock and its check.
        order.claim = orders.close_claim_of(order, by=by)
    if step.work is not None:
        step.work(order, event, given)
    if step.email:
        emails.queue_order_email(order=order, event=step.email, status_event=event)
    return order, event


# --- The table's shape, for demo data, tests and the status page's "what comes next" ---


def declared_moves() -> list[tuple[str, str, str]]:
    """(step, source, target) as the model's `@transition` methods declare them."""
    field = RepairOrder._meta.get_field("status")
    return [(t.name, str(t.source), str(t.target)) for t in field.get_all_transitions(RepairOrder)]


def step_between(source: str, target: str) -> str:
    """The step that moves an order from `source` to `target` (each pair has one)."""
    for name, step_source, step_target in declared_moves():
        if step_target == target and step_source in (source, "*"):
            return name
    raise ValueError(f"No step from {source} to {target}")


def path_to(status: str, *, start: str = OrderStatus.AWAITING_SHIPMENT) -> list[str]:
    """The usual steps from `start` to `status`: each state is entered by the first row
    of the table that enters it. Raises ValueError when `status` cannot be reached."""
    return _path(status, start=start, seen=frozenset())


def _path(status: str, *, start: str, seen: frozenset[str]) -> list[str]:
    if status == start:
        return []
    if status in seen:
        raise ValueError(f"No way from {start} to {status}")
    moves = declared_moves()
    for name in ORDER_STEPS:
        sources = [source for step, source, target in moves if step == name and target == status]
        if sources:
            source = start if start in sources else min(sources, key=OrderStatus.values.index)
            return _path(source, start=start, seen=seen | {status}) + [name]
    raise ValueError(f"No transition enters {status}")


# --- What the person who ran a step reads ----------------------------------------------


def order_done_message(*, step: Step, order: RepairOrder) -> str:
    """What happened, in the past tense (the row's `done`), and where the order is now."""
    text = gettext("%(done)s. The order is now “%(status)s”.") % {
        "done": step.done,
        "status": order.get_status_display(),
    }
    return _with_email_note(text, emails_customer=step.emails_customer)


def claim_done_message(*, step: Step, claim: Claim) -> str:
    """As `order_done_message`, for a claim's step."""
    text = gettext("%(done)s. The claim is now “%(status)s”.") % {
        "done": step.done,
        "status": claim.get_status_display(),
    }
    return _with_email_note(text, emails_customer=step.emails_customer)


def _with_email_note(text: str, *, emails_customer: bool) -> str:
    if not emails_customer:
        return text
    emailed = gettext("The customer gets an e-mail about it.")  # where makemessages sees it
    return f"{text} {emailed}"


def stale_order_message(order: RepairOrder) -> str:
    """For a step chosen on a page that showed another state (`Stale`), naming the state
    the order is in now."""
    current = RepairOrder.objects.only("status").get(pk=order.pk)
    return gettext(
        "The order has changed meanwhile: it is now “%(status)s”. Nothing was saved; "
        "check the page and choose again."
    ) % {"status": current.get_status_display()}
