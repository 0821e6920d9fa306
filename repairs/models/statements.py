"""Each center's monthly warranty statement (DESIGN §9): what DREAME owes the center for the
warranty work it finished in one Almaty calendar month, line by line.

A draft is regenerated from the orders' current work lines; once support approves it, its
lines and totals are frozen. A later change to a stated order reaches the next statement as
a correction line (the difference, pointing at the line it corrects)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from repairs.models.centers import ServiceCenter
from repairs.models.orders import RepairOrder
from repairs.models.work import WorkLine

APPROVE_STATEMENT_PERMISSION = "repairs.approve_statement"


class Statement(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service center"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    # The first day of the Almaty calendar month the statement covers.
    month = models.DateField(_("month"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    prepared_at = models.DateTimeField(_("prepared at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_statements",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Frozen on approval: accepted lines only (a disputed line is not paid).
    parts_total = models.DecimalField(
        _("parts, KZT"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    labour_total = models.DecimalField(
        _("labour, KZT"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    total = models.DecimalField(
        _("total, KZT"), max_digits=14, decimal_places=0, null=True, blank=True
    )

    class Meta:
        ordering = ["-month", "service_center__name"]
        verbose_name = _("warranty statement")
        verbose_name_plural = _("warranty statements")
        permissions = [
            ("approve_statement", _("Can dispute and approve centers' warranty statements")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service_center", "month"], name="one_statement_per_center_month"
            )
        ]

    def __str__(self):
        return f"{self.service_center} {self.month:%m.%Y}"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class StatementLine(models.Model):
    """A snapshot of one done work line at generation, or a correction of one stated before.

    `total` is what this line asks DREAME to pay: the line's full total, or for a correction
    the difference from what was paid. `stated_total` is the work line's own total as it
    stood when this line was written: the next statement compares against it."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DISPUTED = "disputed", _("disputed")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.PROTECT,
        related_name="statement_lines",
    )
    # The work line it copies; kept as a plain id too, since the line may be deleted later
    # (its deletion is itself a correction: minus what was paid).
    work_line = models.ForeignKey(
        WorkLine,
        verbose_name=_("work line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_lines",
    )
    work_line_ref = models.PositiveBigIntegerField(_("work line id"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    is_correction = models.BooleanField(_("correction"), default=False)
    order_number = models.CharField(_("order number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=WorkLine.Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    part_number = models.CharField(_("part number"), max_length=64, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("unit price, KZT"), max_digits=12, decimal_places=0)
    total = models.DecimalField(_("amount, KZT"), max_digits=14, decimal_places=0)
    stated_total = models.DecimalField(_("line total, KZT"), max_digits=14, decimal_places=0)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACCEPTED
    )
    dispute_reason = models.TextField(_("why disputed"), blank=True)
    position = models.PositiveIntegerField(_("line"), default=0)

    class Meta:
        ordering = ["statement", "position", "pk"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        indexes = [models.Index(fields=["work_line_ref"], name="statementline_work_line")]

    def __str__(self):
        return self.description

    @property
    def is_disputed(self) -> bool:
        return self.state == self.State.DISPUTED

    @property
    def payable(self) -> Decimal:
        return Decimal(0) if self.is_disputed else self.total


class StatementEvent(models.Model):
    """The statement's own history: prepared, a line disputed or accepted again, approved.
    Not an order's StatusEvent: no order changes state when support disputes a line."""

    class Action(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        DISPUTED = "disputed", _("line disputed")
        ACCEPTED = "accepted", _("line accepted")
        APPROVED = "approved", _("approved")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="events"
    )
    # The line by its order number and description, kept as text: a draft's lines are
    # rewritten when it is prepared again.
    line_label = models.CharField(_("line"), max_length=240, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_events",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("statement event")
        verbose_name_plural = _("statement events")

    def __str__(self):
        return self.action
