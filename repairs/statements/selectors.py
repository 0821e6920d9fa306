"""Reads of the monthly warranty statements: which orders a month holds, the lines, totals."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import StatusEvent
from dreame_service.kit.pages import page_links
from repairs.models import (
    RepairOrder,
    Resolution,
    ServiceCenter,
    Statement,
    StatementEvent,
    StatementLine,
    WorkLine,
)

# Warranty work the center did and DREAME pays: a free repair (start_repair sets it, under a
# free-repair or early verdict) and a replacement (the center's work on it, if any).
WARRANTY_RESOLUTIONS = (Resolution.WARRANTY_REPAIR, Resolution.REPLACEMENT)
# The steps that finish the center's work on such an order; their history row dates it.
FINISHING_STEPS = ("complete", "resolve_replacement")


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first and the next month's first moment, in Asia/Almaty."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(first_of_month(month), datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(next_month(month), datetime.time(), tzinfo=zone)
    return start, end


def month_has_ended(month: datetime.date, *, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= month_bounds(month)[1]


def orders_finished_in(
    *, service_center: ServiceCenter, month: datetime.date
) -> QuerySet[RepairOrder]:
    """The center's warranty orders whose work was finished in the Almaty month `month`."""
    start, end = month_bounds(month)
    finished = StatusEvent.objects.filter(
        claim_id=OuterRef("claim_id"),
        subject=StatusEvent.Subject.ORDER,
        transition__in=FINISHING_STEPS,
        created_at__gte=start,
        created_at__lt=end,
    )
    return RepairOrder.objects.filter(
        service_center=service_center, resolution__in=WARRANTY_RESOLUTIONS
    ).filter(Exists(finished))


def done_lines_of(order_ids: Iterable[int]) -> QuerySet[WorkLine]:
    return WorkLine.objects.filter(
        repair_order_id__in=order_ids, stage=WorkLine.Stage.DONE
    ).order_by("repair_order_id", "position", "pk")


@dataclass(frozen=True)
class Totals:
    parts: Decimal
    labour: Decimal
    disputed: Decimal

    @property
    def total(self) -> Decimal:
        return self.parts + self.labour


def totals_of(lines: Iterable[StatementLine]) -> Totals:
    """What the lines ask DREAME to pay: accepted lines by kind; disputed ones aside."""
    parts = labour = disputed = Decimal(0)
    for line in lines:
        if line.is_disputed:
            disputed += line.total
        elif line.kind == WorkLine.Kind.PART:
            parts += line.total
        else:
            labour += line.total
    return Totals(parts=parts, labour=labour, disputed=disputed)


def statement_totals(statement: Statement, lines: Iterable[StatementLine]) -> Totals:
    """An approved statement's frozen totals; a draft's, from its lines as they are now."""
    if statement.is_approved:
        computed = totals_of(lines)
        return Totals(
            parts=statement.parts_total or Decimal(0),
            labour=statement.labour_total or Decimal(0),
            disputed=computed.disputed,
        )
    return totals_of(lines)


def statements_list(*, service_center: ServiceCenter | None = None) -> QuerySet[Statement]:
    """Newest month first, each with its center and the accepted lines' sum (one query)."""
    statements = Statement.objects.select_related("service_center").annotate(
        accepted_total=Coalesce(
            Sum("lines__total", filter=Q(lines__state=StatementLine.State.ACCEPTED)),
            Decimal(0),
        )
    )
    if service_center is not None:
        statements = statements.filter(service_center=service_center)
    return statements.order_by("-month", "service_center__name", "pk")


def statement_lines(statement: Statement) -> list[StatementLine]:
    return list(statement.lines.select_related("corrects__statement").order_by("position", "pk"))


def statement_history(statement: Statement) -> list[StatementEvent]:
    return list(statement.events.select_related("by").order_by("created_at", "pk"))


# A page of a statement's lines: a big center's month holds thousands (the print, the XLSX
# and the PDF hold them all).
LINES_PER_PAGE = 200


def page_of_line(line: StatementLine) -> int:
    """The page a line is shown on (positions run 1, 2, … in each statement)."""
    return (max(line.position, 1) - 1) // LINES_PER_PAGE + 1


def statement_page(statement: Statement, *, page: str | int | None) -> dict[str, object]:
    """One page of the statement's lines (a bad number: the first or the last page) and the
    whole statement's totals, summed in the database: three queries (count, page, sums)."""
    lines = statement.lines.select_related("corrects__statement").order_by("position", "pk")
    shown = Paginator(lines, LINES_PER_PAGE).get_page(page)
    return {
        "statement": statement,
        "lines": list(shown.object_list),
        "page": shown,
        "page_links": page_links(shown),
        "totals": _summed_totals(statement),
    }


def _summed_totals(statement: Statement) -> Totals:
    disputed = Q(state=StatementLine.State.DISPUTED)
    sums = statement.lines.aggregate(
        parts=Coalesce(Sum("total", filter=~disputed & Q(kind=WorkLine.Kind.PART)), Decimal(0)),
        labour=Coalesce(Sum("total", filter=~disputed & ~Q(kind=WorkLine.Kind.PART)), Decimal(0)),
        disputed=Coalesce(Sum("total", filter=disputed), Decimal(0)),
    )
    if statement.is_approved:
        sums["parts"] = statement.parts_total or Decimal(0)
        sums["labour"] = statement.labour_total or Decimal(0)
    return Totals(**sums)


def statement_document(statement: Statement) -> dict[str, object]:
    """What the whole-statement views show (print, XLSX, PDF): every line and the totals."""
    lines = statement_lines(statement)
    return {
        "statement": statement,
        "lines": lines,
        "totals": statement_totals(statement, lines),
    }
