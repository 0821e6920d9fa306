"""One service per transition of the order's table (`repairs.transitions`), each through
the move path of `repairs.services.moves`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairs import documents, emails
from repairs.models import (
    IntakeAct,
    IntakePhoto,
    RepairOrder,
    Shipment,
)
from repairs.services.moves import move_order

MAX_QUOTE_KZT = 5_000_000  # above any repair of a household appliance: a typo


def _move(**kwargs) -> RepairOrder:
    order, _event = move_order(**kwargs)
    return order


# The services of the transition table (repairs.transitions). Each takes what its form
# asks for; `note` is shown to the customer, `internal_note` only to staff.


@transaction.atomic
def register_shipment(
    *,
    order: RepairOrder,
    carrier: str,
    tracking_number: str,
    by,
    by_customer: bool = False,
    internal_note: str = "",
) -> RepairOrder:
    order = _move(
        order=order,
        transition="register_shipment",
        by=by,
        by_customer=by_customer,
        internal_note=internal_note,
    )
    Shipment.objects.create(
        repair_order=order,
        direction=Shipment.Direction.INBOUND,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    return order


@transaction.atomic
def receive_order(
    *,
    order: RepairOrder,
    act_data: dict,
    by,
    photos=(),
    note: str = "",
    internal_note: str = "",
) -> RepairOrder:
    """Write the intake act and issue the stub: the intake date is today in Asia/Almaty.

    The act's PDF (the customer's copy) is made here, in the same transaction, and goes
    with the "product received" e-mail; without WeasyPrint the e-mail goes without it.
    """
    if len(photos) > IntakePhoto.MAX_PER_ACT:
        raise ValidationError(_("At most %(count)d photos.") % {"count": IntakePhoto.MAX_PER_ACT})
    order, event = move_order(
        order=order,
        transition="receive",
        by=by,
        public_note=note,
        internal_note=internal_note,
        # Asia/Almaty even if a request activated another zone: the stub's date is local.
        intake_date=timezone.localdate(timezone=timezone.get_default_timezone()),
    )
    act = IntakeAct.objects.create(repair_order=order, received_by=by, **act_data)
    for photo in photos:
        IntakePhoto.objects.create(intake_act=act, file=photo)
    attachments = []
    pdf = documents.act_pdf(order=order, language=order.claim.language)
    if pdf is not None:
        act.pdf.save(f"{order.order_number}.pdf", ContentFile(pdf), save=True)
        attachments.append(
            {
                "name": act.pdf.name,
                "filename": f"act-{order.display_number}.pdf",
                "mimetype": "application/pdf",
            }
        )
    emails.queue_order_email(
        order=order, event="product_received", status_event=event, attachments=attachments
    )
    return order


def _step(transition: str, email_event: str | None = None):
    """A service for a transition: the two notes, plus the fields its `@transition` method
    takes (a part awaited, the work done, a new serial), passed on as they are."""

    @transaction.atomic
    def service(
        *,
        order: RepairOrder,
        by,
        by_customer: bool = False,
        note: str = "",
        internal_note: str = "",
        **fields,
    ) -> RepairOrder:
        return _move(
            order=order,
            transition=transition,
            by=by,
            by_customer=by_customer,
            public_note=note,
            internal_note=internal_note,
            email_event=email_event,
            **fields,
        )

    service.__name__ = service.__qualname__ = transition
    return service


start_diagnostics = _step("start_diagnostics")
start_repair = _step("start_repair")
accept_quote = _step("accept_quote")
decline_quote = _step("decline_quote")
parts_arrived = _step("parts_arrived")
resolve_refund = _step("resolve_refund", email_event="order_refunded")
wait_for_parts = _step("wait_for_parts")  # part, expected_date
complete_repair = _step("complete", email_event="repair_finished")  # work_done
resolve_replacement = _step("resolve_replacement", email_event="repair_finished")  # new_serial


@transaction.atomic
def send_quote(
    *,
    order: RepairOrder,
    amount,
    by,
    description: str = "",
    note: str = "",
    internal_note: str = "",
) -> RepairOrder:
    if amount is None or Decimal(amount) <= 0 or Decimal(amount) > MAX_QUOTE_KZT:
        raise ValidationError(_("Enter a price between 1 and 5 000 000 ₸."), code="bad_amount")
    return _move(
        order=order,
        transition="send_quote",
        by=by,
        public_note=note,
        internal_note=internal_note,
        email_event="quote_sent",
        amount=amount,
        description=description,
    )


@transaction.atomic
def ship_back(
    *, order: RepairOrder, carrier: str, tracking_number: str, by, internal_note: str = ""
) -> RepairOrder:
    order, event = move_order(
        order=order, transition="ship_back", by=by, internal_note=internal_note
    )
    Shipment.objects.create(
        repair_order=order,
        direction=Shipment.Direction.OUTBOUND,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    # Queued after the shipment exists so the e-mail carries its tracking number.
    emails.queue_order_email(order=order, event="shipped_back", status_event=event)
    return order


@transaction.atomic
def confirm_delivery(
    *, order: RepairOrder, by, note: str = "", internal_note: str = ""
) -> RepairOrder:
    return _move(
        order=order,
        transition="confirm_delivery",
        by=by,
        public_note=note,
        internal_note=internal_note,
        email_event="delivered",
        delivered_at=timezone.now(),
    )


@transaction.atomic
def cancel_order(*, order: RepairOrder, reason: str, by, internal_note: str = "") -> RepairOrder:
    return _move(
        order=order,
        transition="cancel",
        by=by,
        public_note=reason,
        internal_note=internal_note,
        email_event="order_cancelled",
        reason=reason,
    )
