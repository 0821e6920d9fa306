"""The reports' monthly roll-ups: what they sum, how they are kept in step, how they are read.

At a million claims a report that scans the claims per request costs seconds; the same sums
kept per local month (repairs.models.rollups) cost milliseconds. Kept in step like this:

- every save or delete of a claim, an order or a return parcel adds the instants it touches
  to `ReportChange`, in its own transaction (the signals at the end of this module: an admin
  edit is caught as surely as a step);
- `refresh_stale_months` (a beat task, and `manage.py refresh_report_rollups`) recomputes each
  changed month from the live tables and then crosses off the changes it saw;
- a report reads the stored months that have no pending change, and computes the months that
  do from the live tables in the same request (usually only the current one). So a report is
  never behind the data: a refresh that is late only makes it slower.

Each roll-up is the same aggregate run at two grains: one month at the table's full grain
(the refresh) or any months at the report's grain (the live part of a read).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from claims.models import OPEN_STATES, Claim
from repairs.models import OrderStatus, RepairOrder, Resolution, Shipment
from repairs.models.rollups import (
    ClaimMonth,
    FaultMonth,
    OrderMonth,
    ReportChange,
    ReportMonth,
    ReturnMonth,
)

# --- Months ----------------------------------------------------------------------------


def month_of(value: datetime.date | datetime.datetime) -> datetime.date:
    """The first day of the local month `value` falls in (TruncMonth's, whatever the vendor:
    PostgreSQL returns an aware datetime, SQLite a naive local one)."""
    if isinstance(value, datetime.datetime):
        value = value.date() if timezone.is_naive(value) else timezone.localtime(value).date()
    return value.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_start(month: datetime.date) -> datetime.datetime:
    """The local midnight that starts `month`."""
    return timezone.make_aware(datetime.datetime.combine(month, datetime.time.min))


def spans(
    ranges: Iterable[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Date ranges [first, after) merged where they touch, as local instants."""
    merged: list[list[datetime.date]] = []
    for first, after in sorted(set(ranges)):
        if merged and merged[-1][1] >= first:
            merged[-1][1] = max(merged[-1][1], after)
        else:
            merged.append([first, after])
    return [(day_start(first), day_start(after)) for first, after in merged]


def day_start(day: datetime.date) -> datetime.datetime:
    """The local midnight that starts `day` (month_start of a first day is the same)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def current_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


@dataclass(frozen=True)
class Stale:
    """What is read live: whole months, and days of the current month (kept per day, so
    the month that changes all the time is read live a day at a time, not whole)."""

    months: frozenset[datetime.date] = frozenset()
    days: frozenset[datetime.date] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.months or self.days)

    def ranges(self) -> list[tuple[datetime.date, datetime.date]]:
        return [(month, next_month(month)) for month in self.months] + [
            (day, day + datetime.timedelta(days=1)) for day in self.days
        ]


# --- What each roll-up sums ------------------------------------------------------------


@dataclass(frozen=True)
class RollUp:
    """One roll-up table and the live aggregate it stores.

    `facts` is the live rows; `when` the facts' instant that picks the month; `paths` maps
    each of the table's columns (but the month and the sums) to the facts' expression;
    `sums` maps each summed column to its aggregate over the facts, `latest` each column
    that keeps the greatest value."""

    table: Any  # a roll-up model of repairs.models.rollups
    facts: Callable[[], models.QuerySet]
    when: str
    paths: dict[str, str]
    sums: dict[str, Callable[[], Any]]
    latest: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # A cheap bound the facts' `when` implies, for a month's range (an indexed column).
    narrow: Callable[[datetime.datetime], Q] = field(default=lambda start: Q())

    @property
    def dims(self) -> list[str]:
        return ["month", *self.paths]


def _claim_facts():
    return Claim.objects.annotate(answered_on=TruncDate("first_answer_at"))


def _return_facts():
    sent_back = Shipment.objects.filter(
        repair_order=OuterRef("pk"), direction=Shipment.Direction.OUTBOUND
    ).values("created_at")[:1]
    return (
        RepairOrder.objects.filter(
            status__in=[OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED]
        )
        .annotate(
            returned=Coalesce(F("returned_at"), Subquery(sent_back), output_field=DateTimeField())
        )
        .filter(returned__isnull=False)
        .annotate(
            # Whole days between the local dates, as the customer counts them.
            took=ExpressionWrapper(
                TruncDate("returned") - TruncDate("claim__submitted_at"),
                output_field=DurationField(),
            )
        )
    )


_ANSWERED = Q(first_answer_at__isnull=False)
_UNANSWERED = Q(first_answer_at__isnull=True, status__in=OPEN_STATES)

CLAIMS = RollUp(
    table=ClaimMonth,
    facts=_claim_facts,
    when="submitted_at",
    paths={
        "product_model": "product_model",
        "region": "region",
        "service_center_id": "repair_order__service_center_id",
    },
    sums={
        "claims": lambda: Count("pk"),
        "orders": lambda: Count("repair_order"),
        "answered_in_time": lambda: Count(
            "pk", filter=_ANSWERED & Q(answered_on__lte=F("response_due_date"))
        ),
        "answered_late": lambda: Count(
            "pk", filter=_ANSWERED & Q(answered_on__gt=F("response_due_date"))
        ),
        # Still waiting for support's answer; overdue once their due date has passed, which
        # depends on the day: the latest due date tells whether all of them are.
        "unanswered": lambda: Count("pk", filter=_UNANSWERED),
    },
    latest={"unanswered_due_last": lambda: Max("response_due_date", filter=_UNANSWERED)},
)

FAULTS = RollUp(
    table=FaultMonth,
    facts=lambda: RepairOrder.objects.filter(fault_category__isnull=False),
    when="claim__submitted_at",
    paths={
        "product_model": "claim__product_model",
        "region": "claim__region",
        "service_center_id": "service_center_id",
        "fault_category_id": "fault_category_id",
    },
    sums={"orders": lambda: Count("pk")},
)

ORDERS = RollUp(
    table=OrderMonth,
    facts=RepairOrder.objects.all,
    when="created_at",
    paths={
        "product_model": "claim__product_model",
        "region": "claim__region",
        "service_center_id": "service_center_id",
    },
    sums={
        "orders": lambda: Count("pk"),
        "replacements": lambda: Count("pk", filter=Q(resolution=Resolution.REPLACEMENT)),
        "refunds": lambda: Count("pk", filter=Q(resolution=Resolution.REFUND)),
    },
)

RETURNS = RollUp(
    table=ReturnMonth,
    facts=_return_facts,
    when="returned",
    paths={
        "product_model": "claim__product_model",
        "region": "claim__region",
        "service_center_id": "service_center_id",
        "days": "took",
    },
    sums={"returns": lambda: Count("pk")},
    # A product returned in the month was saved then or later (its order's last save).
    narrow=lambda start: Q(updated_at__gte=start),
)

ROLL_UPS = [CLAIMS, FAULTS, ORDERS, RETURNS]


@dataclass(frozen=True)
class Narrowing:
    """The reports' filters, as both the roll-up tables and the live facts read them."""

    model: str = ""
    region: str = ""
    center_id: int | None = None

    def on_table(self) -> Q:
        return self._q(
            {
                "product_model": "product_model",
                "region": "region",
                "service_center_id": "service_center_id",
            }
        )

    def on_facts(self, roll_up: RollUp) -> Q:
        return self._q(roll_up.paths)

    def _q(self, paths: dict[str, str]) -> Q:
        q = Q()
        if self.model:
            q &= Q(**{f"{paths['product_model']}__iexact": self.model})
        if self.region:
            q &= Q(**{paths["region"]: self.region})
        if self.center_id:
            q &= Q(**{paths["service_center_id"]: self.center_id})
        return q


# --- Reading ---------------------------------------------------------------------------


def stale(start: datetime.date, end: datetime.date) -> Stale:
    """What from `start` to `end` (months, first days, included) has changes not rolled up
    yet: one query."""
    changes = (
        ReportChange.objects.filter(at__gte=month_start(start), at__lt=month_start(next_month(end)))
        .values_list("at", "whole_month")
        .distinct()
    )
    this_month = current_month()
    months, days = set(), set()
    for at, whole_month in changes:
        month = month_of(at)
        if month != this_month or whole_month:
            months.add(month)
        else:
            days.add(timezone.localtime(at).date())
    return Stale(
        months=frozenset(months),
        days=frozenset(day for day in days if day.replace(day=1) not in months),
    )


def read(
    roll_up: RollUp,
    *,
    start: datetime.date,
    end: datetime.date,
    by: list[str],
    narrowing: Narrowing,
    stale: Stale,
) -> list[dict[str, Any]]:
    """The sums from `start` to `end` (months, included) grouped `by` some of the roll-up's
    columns: the stored months, and the `stale` ones computed live. One query, two with
    stale months in the period."""
    stored = (
        roll_up.table.objects.filter(narrowing.on_table(), month__gte=start, month__lte=end)
        .exclude(month__in=stale.months)
        .exclude(day__in=stale.days)
        .order_by()
        .values(*by)
        .annotate(
            **{name: Sum(name) for name in roll_up.sums},
            **{name: Max(name) for name in roll_up.latest},
        )
    )
    rows = [dict(row) for row in stored]
    if stale:
        rows += _live(roll_up, ranges=stale.ranges(), by=by, narrowing=narrowing)
    return _merged(rows, by=by, roll_up=roll_up)


def _live(
    roll_up: RollUp,
    *,
    ranges: list[tuple[datetime.date, datetime.date]],
    by: list[str],
    narrowing: Narrowing,
) -> list[dict[str, Any]]:
    """The roll-up's sums computed from the live tables for the date `ranges`, grouped `by`
    (the month and the day are the local ones of the facts' instant)."""
    instants = spans(ranges)
    if not instants:
        return []
    within = Q()
    for start, end in instants:
        within |= Q(**{f"{roll_up.when}__gte": start, f"{roll_up.when}__lt": end})
    facts = roll_up.facts().filter(
        narrowing.on_facts(roll_up), roll_up.narrow(instants[0][0]), within
    )
    paths = {name: (name if name in ("month", "day") else roll_up.paths[name]) for name in by}
    if "month" in by:
        facts = facts.annotate(month=TruncMonth(roll_up.when))
    if "day" in by:
        facts = facts.annotate(day=TruncDate(roll_up.when))
    rows = (
        facts.order_by()
        .values(*paths.values())
        .annotate(
            **{
                f"sum_{name}": aggregate()
                for name, aggregate in (roll_up.sums | roll_up.latest).items()
            }
        )
    )
    return [
        {
            **{name: _plain(name, row[path]) for name, path in paths.items()},
            **{name: row[f"sum_{name}"] for name in roll_up.sums | roll_up.latest},
        }
        for row in rows
    ]


def _plain(name: str, value: Any) -> Any:
    """A live value as the roll-up table stores it."""
    if name == "month":
        return month_of(value)
    if name == "days":
        return value.days  # a timedelta of whole days
    return value


def _merged(rows: list[dict[str, Any]], *, by: list[str], roll_up: RollUp) -> list[dict[str, Any]]:
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        if key not in merged:
            merged[key] = dict(row)
            continue
        into = merged[key]
        for name in roll_up.sums:
            into[name] += row[name]
        for name in roll_up.latest:
            into[name] = max(filter(None, [into[name], row[name]]), default=None)
    return list(merged.values())


# --- Keeping in step -------------------------------------------------------------------


def mark_changed(instants: Iterable[datetime.datetime | None]) -> None:
    """The days of `instants` need rolling up again: one insert (none for no instant)."""
    days = {timezone.localtime(at).date() for at in instants if at is not None}
    if days:
        ReportChange.objects.bulk_create([ReportChange(at=day_start(day)) for day in sorted(days)])


def mark_months_changed(months: Iterable[datetime.date]) -> None:
    """Whole months need rolling up again (a bulk load, a data fix): read live whole."""
    ReportChange.objects.bulk_create(
        [ReportChange(at=month_start(month), whole_month=True) for month in sorted(set(months))]
    )


def refresh_month(month: datetime.date) -> bool:
    """Recompute `month`'s roll-ups from the live tables and cross off the changes seen
    before; False when another refresh holds the month (it will do)."""
    ReportMonth.objects.get_or_create(month=month)
    with transaction.atomic():
        locked = ReportMonth.objects.select_for_update(skip_locked=True).filter(month=month).first()
        if locked is None:
            return False
        # The changes committed before this point; the live reads below see their data.
        seen = list(
            ReportChange.objects.filter(
                at__gte=month_start(month), at__lt=month_start(next_month(month))
            ).values_list("pk", flat=True)
        )
        # The current month is kept per day (see Stale); any other per month. A month kept
        # per day and then no longer current stays so until its next refresh: its rows are
        # still its sums.
        per_day = month == current_month()
        for roll_up in ROLL_UPS:
            by = [*roll_up.dims, "day"] if per_day else roll_up.dims
            rows = _live(
                roll_up,
                ranges=[(month, next_month(month))],
                by=by,
                narrowing=Narrowing(),
            )
            roll_up.table.objects.filter(month=month).delete()
            roll_up.table.objects.bulk_create(
                [roll_up.table(**row) for row in rows], batch_size=2000
            )
        ReportChange.objects.filter(pk__in=seen).delete()
        locked.refreshed_at = timezone.now()
        locked.save(update_fields=["refreshed_at"])
    return True


def refresh_stale_months(*, everything: bool = False) -> list[datetime.date]:
    """Roll up every month with a pending change (or, `everything`, every month with data);
    the months done, oldest first."""
    if everything:
        mark_months_changed(_every_month())
    months = sorted(
        {month_of(at) for at in ReportChange.objects.values_list("at", flat=True).distinct()}
    )
    return [month for month in months if refresh_month(month)]


def _every_month() -> list[datetime.date]:
    instants: set[datetime.datetime] = set()
    for roll_up in ROLL_UPS:
        instants.update(
            roll_up.facts()
            .annotate(month=TruncMonth(roll_up.when))
            .order_by()
            .values_list("month", flat=True)
            .distinct()
        )
    return [month_of(at) for at in instants]


# The saves that change what the roll-ups sum. Signals, not calls in the services: an admin
# edit or a data fix moves a month's figures as surely as a step does.


def _remember_claim_words(sender, instance: Claim, **kwargs) -> None:
    instance._rollup_words = (  # type: ignore[attr-defined]
        instance.__dict__.get("product_model"),
        instance.__dict__.get("region"),
    )


def _claim_saved(sender, instance: Claim, created: bool = False, **kwargs) -> None:
    instants: list[datetime.datetime | None] = [instance.submitted_at]
    before = getattr(instance, "_rollup_words", (None, None))
    if not created and before != (instance.product_model, instance.region):
        # Its order's months sum the claim's model and region too.
        order = RepairOrder.objects.filter(claim=instance).first()
        if order is not None:
            instants += _order_instants(order, claim_submitted_at=instance.submitted_at)
    mark_changed(instants)
    _remember_claim_words(sender, instance)


def _claim_deleted(sender, instance: Claim, **kwargs) -> None:
    mark_changed([instance.submitted_at])  # its order's delete marks the order's months


def _order_instants(
    order: RepairOrder, *, claim_submitted_at: datetime.datetime | None = None
) -> list[datetime.datetime | None]:
    if claim_submitted_at is None:
        if RepairOrder.claim.is_cached(order):
            claim_submitted_at = order.claim.submitted_at
        else:
            claim_submitted_at = (
                Claim.objects.filter(pk=order.claim_id)
                .values_list("submitted_at", flat=True)
                .first()
            )
    instants = [claim_submitted_at, order.created_at, order.returned_at]
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED):
        # A return counts in its parcel's month until the delivery moves it.
        instants += Shipment.objects.filter(
            repair_order_id=order.pk, direction=Shipment.Direction.OUTBOUND
        ).values_list("created_at", flat=True)
    return instants


def _order_saved(sender, instance: RepairOrder, **kwargs) -> None:
    mark_changed(_order_instants(instance))


def _shipment_saved(sender, instance: Shipment, **kwargs) -> None:
    if instance.direction == Shipment.Direction.OUTBOUND:
        mark_changed([instance.created_at])


def connect_signals() -> None:
    """Called once from RepairsConfig.ready."""
    post_init.connect(_remember_claim_words, sender=Claim, dispatch_uid="rollups-claim-init")
    post_save.connect(_claim_saved, sender=Claim, dispatch_uid="rollups-claim-save")
    post_delete.connect(_claim_deleted, sender=Claim, dispatch_uid="rollups-claim-delete")
    post_save.connect(_order_saved, sender=RepairOrder, dispatch_uid="rollups-order-save")
    post_delete.connect(_order_saved, sender=RepairOrder, dispatch_uid="rollups-order-delete")
    post_save.connect(_shipment_saved, sender=Shipment, dispatch_uid="rollups-shipment-save")
    post_delete.connect(_shipment_saved, sender=Shipment, dispatch_uid="rollups-shipment-delete")
