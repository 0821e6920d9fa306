"""The itemised lines of an order (DESIGN §9): the estimate the customer accepts and the work
done that DREAME pays for a warranty repair. Lines are replaced as a whole, under the order's
row lock, never edited one by one: what was saved is always one coherent list whose sum is
the quote (`RepairOrder.quote_amount`)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import StatusEvent
from repairs import page_versions
from repairs.models import (
    MAX_QUOTE_KZT,
    LineData,
    LineTotals,
    QuoteConsent,
    RepairOrder,
    Resolution,
    WorkLine,
    line_totals,
)
from repairs.services.orders import lock_order

MAX_LINES = 50  # more is a pasted list, not a repair of a household appliance
MAX_QUANTITY = Decimal(1000)
ESTIMATE, DONE = WorkLine.Stage.ESTIMATE, WorkLine.Stage.DONE

__all__ = [
    "MAX_LINES",
    "check_lines",
    "lines_of",
    "record_done_lines",
    "record_estimate_lines",
    "record_revised_estimate",
    "set_done_lines",
    "set_estimate_lines",
    "totals_of",
]


def check_lines(lines: Sequence[LineData], *, require_total: bool) -> LineTotals:
    """Refuse lines no repair has (ValidationError, in the reader's language); else their
    sums. A quote must cost something (`require_total`); work done may be free."""
    if not lines:
        raise ValidationError(_("Add at least one line."), code="no_lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            _("At most %(max)d lines."), code="too_many_lines", params={"max": MAX_LINES}
        )
    for line in lines:
        if line.kind not in WorkLine.Kind.values:
            raise ValidationError(_("Choose a part or labour."), code="bad_kind")
        if not line.description.strip():
            raise ValidationError(_("Describe every line."), code="no_description")
        if not Decimal(0) < Decimal(line.quantity) <= MAX_QUANTITY:
            raise ValidationError(_("Enter a quantity from 0.01 to 1000."), code="bad_quantity")
        if Decimal(line.unit_price) < 0 or Decimal(line.unit_price) != int(line.unit_price):
            raise ValidationError(
                _("Enter the unit price in whole tenge, 0 or more."), code="bad_price"
            )
    totals = line_totals(lines)
    if totals.total > MAX_QUOTE_KZT or (require_total and totals.total <= 0):
        raise ValidationError(_("The total must be between 1 and 5 000 000 ₸."), code="bad_total")
    return totals


def _replace(order: RepairOrder, *, stage: str, lines: Sequence[LineData]) -> list[WorkLine]:
    # bulk_create sends no signal: «Мой ремонт» shows the estimate, so it is told here.
    page_versions.order_changed(order.pk)
    WorkLine.objects.filter(repair_order=order, stage=stage).delete()
    return WorkLine.objects.bulk_create(
        WorkLine(
            repair_order=order,
            stage=stage,
            kind=line.kind,
            description=line.description.strip(),
            part_number=line.part_number.strip(),
            quantity=line.quantity,
            unit_price=line.unit_price,
            position=position,
        )
        for position, line in enumerate(lines, start=1)
    )


@transaction.atomic
def set_estimate_lines(
    *, order: RepairOrder, lines: Sequence[LineData], shown: Mapping[str, object] | None = None
) -> RepairOrder:
    """The estimate replaced by `lines`, and the quote's amount made their sum."""
    check_lines(lines, require_total=True)
    order = lock_order(order, shown=shown)
    _write_estimate(order, lines)
    return order


def _write_estimate(order: RepairOrder, lines: Sequence[LineData]) -> None:
    """The estimate replaced, on an order the caller has locked."""
    totals = check_lines(lines, require_total=True)
    _replace(order, stage=ESTIMATE, lines=lines)
    if order.quote_amount != totals.total:  # a quote step's transition has set it already
        order.quote_amount = totals.total
        order.save(update_fields=["quote_amount", "updated_at"])


@transaction.atomic
def set_done_lines(
    *, order: RepairOrder, lines: Sequence[LineData], shown: Mapping[str, object] | None = None
) -> list[WorkLine]:
    """The work done replaced by `lines` (for a warranty repair, what DREAME pays)."""
    check_lines(lines, require_total=False)
    order = lock_order(order, shown=shown)
    return _replace(order, stage=DONE, lines=lines)


def lines_of(order: RepairOrder, stage: str) -> list[WorkLine]:
    """The order's lines of one stage, in order; from the prefetch when there is one."""
    return [line for line in order.work_lines.all() if line.stage == stage]


def totals_of(order: RepairOrder, stage: str) -> LineTotals:
    return line_totals(lines_of(order, stage))


# --- What the steps do beside the move (their rows in repairs.steps name these) --------
# `run_step` holds the order's row lock already: these write without taking it again.


def record_estimate_lines(
    order: RepairOrder, event: StatusEvent, values: Mapping[str, Any]
) -> None:
    _write_estimate(order, values.get("lines") or [])


def record_revised_estimate(
    order: RepairOrder, event: StatusEvent, values: Mapping[str, Any]
) -> None:
    """A revised estimate: its lines saved, and the customer's earlier answer no longer the
    one in force (it is kept: it was the answer to the quote as it was then)."""
    record_estimate_lines(order, event, values)  # tells «Мой ремонт» (page_versions)
    QuoteConsent.objects.filter(repair_order=order, superseded_at__isnull=True).update(
        superseded_at=timezone.now()
    )


def record_done_lines(order: RepairOrder, event: StatusEvent, values: Mapping[str, Any]) -> None:
    """The done lines the technician gave; none given (a caller without the form), a paid
    repair's are the accepted estimate's: what the customer agreed to pay for."""
    lines = values.get("lines")
    if lines is None:
        if order.resolution != Resolution.PAID_REPAIR:
            return
        lines = [
            as_data(line) for line in WorkLine.objects.filter(repair_order=order, stage=ESTIMATE)
        ]
        if not lines:
            return
    check_lines(lines, require_total=False)
    _replace(order, stage=DONE, lines=lines)


def as_data(line: WorkLine) -> LineData:
    return LineData(
        kind=line.kind,
        description=line.description,
        part_number=line.part_number,
        quantity=line.quantity,
        unit_price=line.unit_price,
    )
