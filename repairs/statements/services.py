"""Writes on the monthly warranty statements: prepare (idempotent while a draft), dispute or
accept a line with the reason in the statement's history, approve (frozen)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairs import order_numbers
from repairs.models import (
    RepairOrder,
    ServiceCenter,
    Statement,
    StatementEvent,
    StatementLine,
    WorkLine,
)
from repairs.statements.selectors import (
    done_lines_of,
    first_of_month,
    month_has_ended,
    orders_finished_in,
    totals_of,
)

Event = StatementEvent.Action


@transaction.atomic
def prepare_statement(
    *, service_center: ServiceCenter, month: datetime.date, by: User | None = None
) -> Statement:
    """The center's statement for `month`, its lines written afresh from the current work
    lines while it is a draft (a dispute already made on a line stays on it); an approved
    statement is returned as it is."""
    month = first_of_month(month)
    statement, _created = Statement.objects.select_for_update().get_or_create(
        service_center=service_center, month=month, defaults={"prepared_at": timezone.now()}
    )
    if statement.is_approved:
        return statement
    disputes = {
        (line.work_line_ref, line.is_correction): line.dispute_reason
        for line in statement.lines.filter(state=StatementLine.State.DISPUTED)
    }
    statement.lines.all().delete()
    lines = [*_month_lines(statement), *_correction_lines(statement)]
    for position, line in enumerate(lines, start=1):
        line.position = position
        reason = disputes.get((line.work_line_ref, line.is_correction))
        if reason is not None:
            line.state, line.dispute_reason = StatementLine.State.DISPUTED, reason
    StatementLine.objects.bulk_create(lines)
    statement.prepared_at = timezone.now()
    statement.save(update_fields=["prepared_at"])
    StatementEvent.objects.create(statement=statement, action=Event.PREPARED, by=by)
    return statement


def _snapshot(statement: Statement, work_line: WorkLine, order_number: str) -> StatementLine:
    return StatementLine(
        statement=statement,
        repair_order_id=work_line.repair_order_id,
        work_line=work_line,
        work_line_ref=work_line.pk,
        order_number=order_number,
        kind=work_line.kind,
        description=work_line.description,
        part_number=work_line.part_number,
        quantity=work_line.quantity,
        unit_price=work_line.unit_price,
        total=work_line.total,
        stated_total=work_line.total,
    )


def _month_lines(statement: Statement) -> list[StatementLine]:
    orders = orders_finished_in(service_center=statement.service_center, month=statement.month)
    numbers = dict(orders.values_list("pk", "order_number"))
    return [
        _snapshot(statement, work_line, order_numbers.display(numbers[work_line.repair_order_id]))
        for work_line in done_lines_of(numbers)
    ]


def _correction_lines(statement: Statement) -> list[StatementLine]:
    """What changed in orders stated in earlier approved statements, as differences.

    Per work line: `paid` is the sum of its accepted stated amounts, and its level is the
    line total the latest stated line recorded. A line whose total moved from that level
    gets a correction of (now - paid): a changed price, a new line on a stated order, a
    deleted line (now = 0). A disputed line left unchanged stays disputed, not re-billed."""
    stated = StatementLine.objects.filter(
        statement__service_center=statement.service_center,
        statement__state=Statement.State.APPROVED,
        statement__month__lt=statement.month,
    ).order_by("statement__month", "pk")
    by_ref: dict[int, list[StatementLine]] = defaultdict(list)
    for line in stated:
        by_ref[line.work_line_ref].append(line)
    if not by_ref:
        return []
    order_ids = {history[0].repair_order_id for history in by_ref.values()}
    numbers = dict(RepairOrder.objects.filter(pk__in=order_ids).values_list("pk", "order_number"))
    corrections = []
    current = {line.pk: line for line in done_lines_of(order_ids)}
    for ref, history in by_ref.items():
        paid = sum((line.payable for line in history), Decimal(0))
        level = history[-1].stated_total
        work_line = current.pop(ref, None)
        now = work_line.total if work_line else Decimal(0)
        if now in (level, paid):
            continue
        if work_line is not None:
            line = _snapshot(
                statement, work_line, order_numbers.display(numbers[work_line.repair_order_id])
            )
        else:  # deleted since: the old words, nothing left of it
            line = StatementLine(
                statement=statement,
                repair_order_id=history[0].repair_order_id,
                work_line_ref=ref,
                order_number=history[0].order_number,
                kind=history[0].kind,
                description=history[-1].description,
                part_number=history[-1].part_number,
                quantity=history[-1].quantity,
                unit_price=history[-1].unit_price,
                stated_total=Decimal(0),
            )
        line.total, line.is_correction, line.corrects = now - paid, True, history[0]
        corrections.append(line)
    for work_line in current.values():  # added to an order already stated
        line = _snapshot(
            statement, work_line, order_numbers.display(numbers[work_line.repair_order_id])
        )
        line.is_correction = True
        corrections.append(line)
    return corrections


def _line_label(line: StatementLine) -> str:
    return f"{line.order_number} · {line.description}"[:240]


def _draft_line(line: StatementLine) -> StatementLine:
    line = StatementLine.objects.select_related("statement").select_for_update().get(pk=line.pk)
    if line.statement.is_approved:
        raise ValidationError(
            _("This statement is approved: its lines cannot change."), code="approved"
        )
    return line


@transaction.atomic
def dispute_statement_line(*, line: StatementLine, by: User, reason: str) -> StatementLine:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why this line is disputed."), code="no_reason")
    line = _draft_line(line)
    line.state, line.dispute_reason = StatementLine.State.DISPUTED, reason
    line.save(update_fields=["state", "dispute_reason"])
    StatementEvent.objects.create(
        statement=line.statement,
        action=Event.DISPUTED,
        line_label=_line_label(line),
        reason=reason,
        by=by,
    )
    return line


@transaction.atomic
def accept_statement_line(*, line: StatementLine, by: User, reason: str = "") -> StatementLine:
    line = _draft_line(line)
    line.state, line.dispute_reason = StatementLine.State.ACCEPTED, ""
    line.save(update_fields=["state", "dispute_reason"])
    StatementEvent.objects.create(
        statement=line.statement,
        action=Event.ACCEPTED,
        line_label=_line_label(line),
        reason=(reason or "").strip(),
        by=by,
    )
    return line


@transaction.atomic
def approve_statement(*, statement: Statement, by: User) -> Statement:
    """Freeze the statement: its totals (accepted lines) are written and never move again.

    Refused for a month not yet over (work finished later in it would never be stated),
    while an earlier month of the center is still a draft, and for a draft prepared before
    another statement of the center was approved (its corrections would count twice)."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.is_approved:
        raise ValidationError(_("This statement is already approved."), code="approved")
    if not month_has_ended(statement.month):
        raise ValidationError(
            _("The month is not over yet: approve its statement after it ends."),
            code="month_open",
        )
    others = Statement.objects.filter(service_center_id=statement.service_center_id).exclude(
        pk=statement.pk
    )
    if others.filter(state=Statement.State.DRAFT, month__lt=statement.month).exists():
        raise ValidationError(
            _("An earlier month of this center is not approved yet: approve it first."),
            code="earlier_draft",
        )
    if others.filter(approved_at__gt=statement.prepared_at).exists():
        raise ValidationError(
            _("Another statement was approved since this one was prepared: prepare it again."),
            code="stale",
        )
    totals = totals_of(statement.lines.all())
    statement.state = Statement.State.APPROVED
    statement.approved_by, statement.approved_at = by, timezone.now()
    statement.parts_total, statement.labour_total = totals.parts, totals.labour
    statement.total = totals.total
    statement.save()
    StatementEvent.objects.create(statement=statement, action=Event.APPROVED, by=by)
    return statement
