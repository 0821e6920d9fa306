"""What a repair costs and what failed (DESIGN §9): itemised lines of parts and labour, and
the fault category the technician picks at diagnostics. The reports and each center's
monthly warranty statement read these, never free text."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from claims.reference_data import OTHER_CATEGORY
from repairs.models.orders import RepairOrder


class FaultCategory(models.Model):
    """One kind of fault of a product category («Не заряжается», «Ошибка датчика»): data in
    ru, kk and en (repairs.translation), edited by support."""

    product_category = models.ForeignKey(
        "claims.ProductCategory",
        verbose_name=_("product category"),
        on_delete=models.PROTECT,
        related_name="fault_categories",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)
    is_active = models.BooleanField(_("offered to technicians"), default=True)

    objects = MultilingualManager()

    class Meta:
        ordering = ["product_category", "position", "pk"]
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")
        constraints = [
            models.UniqueConstraint(
                fields=["product_category", "code"], name="one_fault_code_per_category"
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def offered_for(cls, order: RepairOrder) -> models.QuerySet["FaultCategory"]:
        """The active faults of the order's product category; a product typed by hand (or
        one without a category) gets the `other` category's list."""
        product = order.claim.product
        if product is not None and product.category_id is not None:
            scope = Q(product_category_id=product.category_id)
        else:
            scope = Q(product_category__code=OTHER_CATEGORY)
        return cls.objects.filter(scope, is_active=True)

    def words(self) -> dict[str, str]:
        """The name in every language, for a history note read in the reader's language."""
        return {
            language: getattr(self, f"name_{language}") or self.name
            for language, _name in settings.LANGUAGES
        }


class WorkLine(models.Model):
    """One line of an estimate or of the work done: a part or labour, priced in KZT. For a
    paid repair the estimate's lines are the quote the customer accepts; for a warranty
    repair the done lines are what DREAME pays the center. Totals are computed, never typed."""

    class Stage(models.TextChoices):
        ESTIMATE = "estimate", _("estimate")
        DONE = "done", _("work done")

    class Kind(models.TextChoices):
        PART = "part", _("spare part")
        LABOUR = "labour", _("labour")

    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.CASCADE,
        related_name="work_lines",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    part_number = models.CharField(_("part number"), max_length=64, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, default=Decimal(1)
    )
    unit_price = models.DecimalField(_("unit price, KZT"), max_digits=12, decimal_places=0)
    position = models.PositiveSmallIntegerField(_("line"), default=0)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["repair_order", "stage", "position", "pk"]
        verbose_name = _("work line")
        verbose_name_plural = _("work lines")
        indexes = [models.Index(fields=["repair_order", "stage"], name="workline_order_stage")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="workline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="workline_price_not_negative"
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def total(self) -> Decimal:
        """Quantity × unit price, rounded to whole tenge (KZT has no coins in use), half up
        as a till does (Decimal's default would round 2 998,5 down, to the even tenge)."""
        return (self.quantity * self.unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineData:
    """One line as a form or a caller gives it, before it is saved (a `WorkLine` without
    its order): what the step forms hand to `repairs.services.work_lines`."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    part_number: str = ""

    @property
    def total(self) -> Decimal:
        return (Decimal(self.quantity) * Decimal(self.unit_price)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class LineTotals:
    parts: Decimal
    labour: Decimal

    @property
    def total(self) -> Decimal:
        return self.parts + self.labour


def line_totals(lines: "Iterable[LineData | WorkLine]") -> LineTotals:
    """The sums of some lines, parts and labour apart: each line rounded to whole tenge
    first, so the total is the sum of the totals printed beside the lines."""
    parts = labour = Decimal(0)
    for line in lines:
        if line.kind == WorkLine.Kind.PART:
            parts += line.total
        else:
            labour += line.total
    return LineTotals(parts=parts, labour=labour)


def line_snapshot(lines: "Iterable[LineData | WorkLine]") -> list[dict[str, str]]:
    """Lines as JSON keeps them (a quote's consent): strings, so no float creeps in."""
    return [
        {
            "kind": line.kind,
            "description": line.description,
            "part_number": line.part_number,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "total": str(line.total),
        }
        for line in lines
    ]
