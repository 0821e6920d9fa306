from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, Transition, transition

from claims.models import StatusEvent
from repairs import order_numbers
from repairs.models.centers import ServiceCenter
from repairs.models.remedies import verdict_allows


class OrderStatus(models.TextChoices):
    """These codes are a contract: the public page, e-mails and outside checks use them.

    The labels are the states' names as staff read them (workbench, admin, history); the
    customer reads `repairs.states`, never these."""

    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
    IN_TRANSIT = "in_transit", _("On its way to the service center")
    RECEIVED = "received", _("Received by the service center")
    DIAGNOSTICS = "diagnostics", _("Diagnostics")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the customer's approval of the quote")
    IN_REPAIR = "in_repair", _("In repair")
    AWAITING_PARTS = "awaiting_parts", _("Waiting for spare parts")
    READY_FOR_RETURN = "ready_for_return", _("Ready to be sent back")
    SHIPPED = "shipped", _("Shipped back")
    DELIVERED = "delivered", _("Delivered")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATES = (OrderStatus.DELIVERED, OrderStatus.REFUNDED, OrderStatus.CANCELLED)
NON_FINAL_STATES = [code for code in OrderStatus.values if code not in FINAL_STATES]
# Where a product can be received (the intake act): announced, or its parcel registered.
RECEIVABLE_STATES = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.IN_TRANSIT)
MAX_QUOTE_KZT = 5_000_000  # above any repair of a household appliance: a typo


class Resolution(models.TextChoices):
    WARRANTY_REPAIR = "warranty_repair", _("Warranty repair")
    PAID_REPAIR = "paid_repair", _("Paid repair")
    REPLACEMENT = "replacement", _("Replacement")
    REFUND = "refund", _("Refund")
    UNREPAIRED = "unrepaired", _("Returned unrepaired")


WORK_PERMISSION = "repairs.work_on_order"
REASSIGN_PERMISSION = "repairs.reassign_order"


def fits_verdict(step: str):
    """A transition's condition: the step fits the verdict in force (`remedies`). Refused,
    the step is not offered, and run anyway it is refused like any illegal move."""

    def condition(order: "RepairOrder") -> bool:
        return verdict_allows(step, order.verdict_in_force)

    condition.__name__ = f"{step}_fits_verdict"
    return condition


def technician_may_cancel(order: models.Model, user) -> bool:
    """The cancel step's permission for a technician. Once shipped back the product is with
    the carrier, out of the center's hands: only support cancels then (a lost parcel).
    Support runs it without this check (`repairs.steps.run_step`)."""
    return user.has_perm(WORK_PERMISSION) and getattr(order, "status", "") != OrderStatus.SHIPPED


def is_quoted(order: models.Model) -> bool:
    """A quote exists to revise: sent and not answered yet, or accepted (a paid repair)."""
    return getattr(order, "status", "") == OrderStatus.AWAITING_APPROVAL or (
        getattr(order, "resolution", "") == Resolution.PAID_REPAIR
    )


class RepairOrder(ConcurrentTransitionMixin, models.Model):
    # Concurrent steps are refused by the step's row lock (repairs.steps.run_step), which
    # every write of an order takes; the mixin's conditional save is a second net, and it
    # lets refresh_from_db() reload the protected status.

    order_number = models.CharField(
        _("order number"), max_length=order_numbers.LENGTH, unique=True, editable=False
    )
    claim = models.OneToOneField(
        "claims.Claim",
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        related_name="repair_order",
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service center"),
        on_delete=models.PROTECT,
        related_name="repair_orders",
    )
    # The order's owner at its center (DESIGN §8); the queue's «Мои» tab filters on it.
    technician = models.ForeignKey(
        "repairs.Technician",
        verbose_name=_("technician"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    # What failed, picked from the product category's list at diagnostics (DESIGN §9).
    fault_category = models.ForeignKey(
        "repairs.FaultCategory",
        verbose_name=_("fault category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.AWAITING_SHIPMENT,
        protected=True,
        db_index=True,
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    intake_date = models.DateField(_("intake date"), null=True, blank=True)
    quote_amount = models.DecimalField(
        _("quote, KZT"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    quote_description = models.TextField(_("what the quote covers"), blank=True)
    awaiting_part = models.CharField(_("spare part awaited"), max_length=200, blank=True)
    parts_expected_date = models.DateField(_("spare part expected on"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    replacement_serial = models.CharField(
        _("serial number of the replacement unit"), max_length=64, blank=True
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    # When the order entered its current state: written with every move (services.moves.move_order),
    # so "days in this state" is a column read, not a search of the history.
    state_entered_at = models.DateTimeField(
        _("in this state since"), default=timezone.now, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    returned_at = models.DateTimeField(_("returned to the customer at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        permissions = [
            ("work_on_order", _("Can move repair orders of their service center")),
            ("reassign_order", _("Can move repair orders to another service center")),
            (
                "support_order",
                _("Can register the customer's parcel and cancel any center's repair orders"),
            ),
            # /admin/reports/ (DESIGN §9): support and management.
            ("view_reports", _("Can see the reports")),
        ]
        constraints = [
            models.UniqueConstraint(Upper("order_number"), name="order_number_ci_unique"),
        ]
        indexes = [
            # The workbench's tabs: one center's orders in one state, newest activity first
            # (its first two columns also serve every per-center, per-state count).
            models.Index(
                fields=["service_center", "status", "-updated_at"], name="order_queue_tab"
            ),
            # The dashboard's "longer than usual in this state", for every center at once.
            models.Index(fields=["status", "state_entered_at"], name="order_state_since"),
            # The same with the center and id alongside: the dashboard's open and late counts
            # per center are read off the index alone, not from 160,000 open rows (issue 23).
            # (Key columns, not INCLUDE: SQLite, the tests' database, has no covering indexes.)
            models.Index(
                fields=["status", "state_entered_at", "service_center", "id"],
                name="order_state_center",
            ),
            # The dashboard's median return: the last 90 days' returned orders with all it
            # reads of them, off the index alone (25,000 orders at a million claims).
            models.Index(
                fields=["updated_at", "service_center", "claim", "returned_at", "id"],
                condition=models.Q(status__in=["shipped", "delivered", "cancelled"]),
                name="order_returned",
            ),
        ]

    if TYPE_CHECKING:
        # FSMField adds this method to the class when the model is created.
        def get_available_status_transitions(self) -> Iterator[Transition]: ...
        def get_available_user_status_transitions(self, user) -> Iterator[Transition]: ...

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return order_numbers.display(self.order_number)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    @property
    def verdict_in_force(self) -> str:
        """The intake act's final verdict; before intake, the claim's preliminary one."""
        try:
            return self.intake_act.final_verdict
        except ObjectDoesNotExist:
            return self.claim.verdict

    @property
    def quote_consent(self):
        """The customer's answer to the quote in force (None when not answered online); from
        the prefetch of `quote_consents` when there is one. Earlier answers were to quotes
        since revised."""
        current = [c for c in self.quote_consents.all() if c.superseded_at is None]
        return current[-1] if current else None

    @property
    def status_events(self):
        """The order's own history rows (the claim's history holds them, DESIGN §3)."""
        return StatusEvent.objects.filter(claim_id=self.claim_id, subject=StatusEvent.Subject.ORDER)

    # Transitions only set fields (their keyword arguments are the step's form fields they
    # keep); repairs.steps.run_step locks, saves, logs and notifies.
    @transition(
        field=status,
        source=OrderStatus.AWAITING_SHIPMENT,
        target=OrderStatus.IN_TRANSIT,
        permission=WORK_PERMISSION,
    )
    def register_shipment(self):
        pass

    @transition(
        field=status,
        source=RECEIVABLE_STATES,
        target=OrderStatus.RECEIVED,
        permission=WORK_PERMISSION,
    )
    def receive(self):
        # The stub's date is local: Asia/Almaty even if a request activated another zone.
        self.intake_date = timezone.localdate(timezone=timezone.get_default_timezone())

    @transition(
        field=status,
        source=OrderStatus.RECEIVED,
        target=OrderStatus.DIAGNOSTICS,
        permission=WORK_PERMISSION,
    )
    def start_diagnostics(self):
        pass

    @transition(
        field=status,
        source=OrderStatus.DIAGNOSTICS,
        target=OrderStatus.IN_REPAIR,
        permission=WORK_PERMISSION,
        conditions=[fits_verdict("start_repair")],
    )
    def start_repair(self):
        self.resolution = Resolution.WARRANTY_REPAIR

    @transition(
        field=status,
        source=OrderStatus.DIAGNOSTICS,
        target=OrderStatus.AWAITING_APPROVAL,
        permission=WORK_PERMISSION,
        conditions=[fits_verdict("send_quote")],
    )
    def send_quote(self, *, lines=(), description: str = ""):
        self._quote(lines, description)

    def _quote(self, lines, description: str) -> None:
        """The quote is the estimate's lines (`repairs.services.work_lines` saves them): its
        amount is their sum, never typed."""
        from repairs.models.work import line_totals  # work.py imports this module

        amount = line_totals(lines or ()).total
        if not 0 < amount <= MAX_QUOTE_KZT:
            raise ValidationError(_("Enter a price between 1 and 5 000 000 ₸."), code="bad_amount")
        self.quote_amount = amount
        self.quote_description = description

    @transition(
        field=status,
        source=[OrderStatus.AWAITING_APPROVAL, OrderStatus.IN_REPAIR, OrderStatus.AWAITING_PARTS],
        target=OrderStatus.AWAITING_APPROVAL,
        permission=WORK_PERMISSION,
        conditions=[is_quoted],
    )
    def revise_quote(self, *, lines=(), description: str = ""):
        # A changed estimate is a new quote: the customer's earlier answer no longer covers
        # it, so the order waits for a new one (docs/decisions.md, issue 22).
        self.resolution = ""
        self._quote(lines, description)

    @transition(
        field=status,
        source=OrderStatus.AWAITING_APPROVAL,
        target=OrderStatus.IN_REPAIR,
        permission=WORK_PERMISSION,
    )
    def accept_quote(self):
        self.resolution = Resolution.PAID_REPAIR

    @transition(
        field=status,
        source=OrderStatus.AWAITING_APPROVAL,
        target=OrderStatus.READY_FOR_RETURN,
        permission=WORK_PERMISSION,
    )
    def decline_quote(self):
        self.resolution = Resolution.UNREPAIRED

    @transition(
        field=status,
        source=OrderStatus.IN_REPAIR,
        target=OrderStatus.AWAITING_PARTS,
        permission=WORK_PERMISSION,
    )
    def wait_for_parts(self, *, part: str = "", expected_date=None):
        self.awaiting_part = part
        self.parts_expected_date = expected_date

    @transition(
        field=status,
        source=OrderStatus.AWAITING_PARTS,
        target=OrderStatus.IN_REPAIR,
        permission=WORK_PERMISSION,
    )
    def parts_arrived(self):
        pass

    @transition(
        field=status,
        source=OrderStatus.IN_REPAIR,
        target=OrderStatus.READY_FOR_RETURN,
        permission=WORK_PERMISSION,
    )
    def complete(self, *, work_done: str = ""):
        self.work_done = work_done

    @transition(
        field=status,
        source=OrderStatus.DIAGNOSTICS,
        target=OrderStatus.READY_FOR_RETURN,
        permission=WORK_PERMISSION,
        conditions=[fits_verdict("resolve_replacement")],
    )
    def resolve_replacement(self, *, new_serial: str = ""):
        self.resolution = Resolution.REPLACEMENT
        self.replacement_serial = new_serial

    @transition(
        field=status,
        source=OrderStatus.DIAGNOSTICS,
        target=OrderStatus.REFUNDED,
        permission=WORK_PERMISSION,
        conditions=[fits_verdict("resolve_refund")],
    )
    def resolve_refund(self):
        self.resolution = Resolution.REFUND

    @transition(
        field=status,
        source=OrderStatus.READY_FOR_RETURN,
        target=OrderStatus.SHIPPED,
        permission=WORK_PERMISSION,
    )
    def ship_back(self):
        pass

    @transition(
        field=status,
        source=OrderStatus.SHIPPED,
        target=OrderStatus.DELIVERED,
        permission=WORK_PERMISSION,
    )
    def confirm_delivery(self):
        self.returned_at = timezone.now()

    @transition(
        field=status,
        source=NON_FINAL_STATES,
        target=OrderStatus.CANCELLED,
        permission=technician_may_cancel,
    )
    def cancel(self, *, reason: str):
        self.cancel_reason = reason


class Shipment(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("To the service center")
        OUTBOUND = "outbound", _("Back to the customer")

    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.CASCADE,
        related_name="shipments",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    carrier = models.CharField(_("carrier"), max_length=80)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["repair_order", "direction"], name="one_shipment_per_direction"
            )
        ]
        indexes = [
            # The parcel sent back, with its date: the dashboard's median return reads it
            # off the index for every recent return (issue 23).
            models.Index(
                fields=["repair_order", "created_at"],
                condition=models.Q(direction="outbound"),
                name="shipment_sent_back",
            )
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"
