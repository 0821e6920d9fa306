"""Support's and management's reports (/admin/reports/, DESIGN §9): the selectors.

A report is a selector (filters in, rows out: one row per table line, plain numbers and
words, the same for the page, the CSV and the XLSX) and a pure function drawing its chart
from those rows. Every selector aggregates in the database with a fixed number of queries
whatever the data (its docstring counts them); nothing here depends on the request.

"A month" is a calendar month in Asia/Almaty (the current time zone): TruncMonth and the
period's limits are local.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    FloatField,
    IntegerField,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from claims.models import OPEN_STATES, Claim
from repairs import rollups
from repairs.admin.charts import Series
from repairs.models import (
    FaultCategory,
    QuoteConsent,
    ServiceCenter,
    ServiceRating,
)
from repairs.selectors import in_reader_language, translated


@dataclass(frozen=True)
class Filters:
    """What the report's form chose; months are first days of months, local."""

    start: datetime.date  # first month in the period
    end: datetime.date  # last month in the period (included)
    center_id: int | None = None
    model: str = ""
    region: str = ""

    @property
    def start_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period: the next month's local midnight."""
        return _local_midnight(_next_month(self.end))


@dataclass(frozen=True)
class Chart:
    """What the chart shows, drawn by repairs.admin.charts.bar_chart."""

    categories: list[str]
    series: list[Series]
    axis_label: str | Promise
    decimals: int = 0
    top: float | None = None


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    description: str | Promise
    period_by: str | Promise  # which date the period filter is applied to
    columns: list[str | Promise]
    selector: Callable[[Filters], list[tuple]]
    chart: Callable[[list[tuple]], Chart]
    queries: int  # at most, whatever the data (the page's budget adds its own)
    notes: list[str | Promise] = field(default_factory=list)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_label(value: datetime.date | datetime.datetime | None) -> str:
    """A month as support reads it: 03.2026."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        # SQLite's TruncMonth is naive and already local; PostgreSQL's is aware.
        value = value.date() if timezone.is_naive(value) else timezone.localtime(value).date()
    return f"{value:%m.%Y}"


def _claim_filters(filters: Filters, *, prefix: str = "") -> Q:
    """The model and the region of the claim reached through `prefix` ("" for a claim)."""
    q = Q()
    if filters.model:
        q &= Q(**{f"{prefix}product_model__iexact": filters.model})
    if filters.region:
        q &= Q(**{f"{prefix}region": filters.region})
    return q


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- 1. Claims and orders per month, by model and region ---------------------------------


def claims_and_orders(filters: Filters) -> list[tuple]:
    """(month, model, region, claims, orders): the roll-ups (two queries, three with
    months not rolled up yet)."""
    rows = _read(rollups.CLAIMS, filters, by=["month", "product_model", "region"])
    rows.sort(key=lambda row: (row["month"], row["product_model"], row["region"]))
    return [
        (
            month_label(row["month"]),
            row["product_model"],
            row["region"],
            row["claims"],
            row["orders"],
        )
        for row in rows
    ]


def _read(roll_up: rollups.RollUp, filters: Filters, *, by: list[str], stale=None) -> list[dict]:
    """`roll_up`'s sums over the period and the filters, grouped `by`."""
    if stale is None:
        stale = rollups.stale(filters.start, filters.end)
    return rollups.read(
        roll_up,
        start=filters.start,
        end=filters.end,
        by=by,
        narrowing=rollups.Narrowing(
            model=filters.model, region=filters.region, center_id=filters.center_id
        ),
        stale=stale,
    )


def claims_and_orders_chart(rows: list[tuple]) -> Chart:
    months: dict[str, list[int]] = {}
    for month, _model, _region, claims, orders in rows:
        totals = months.setdefault(month, [0, 0])
        totals[0] += claims
        totals[1] += orders
    return Chart(
        categories=list(months),
        series=[
            Series(gettext("Claims"), [t[0] for t in months.values()]),
            Series(gettext("Repair orders"), [t[1] for t in months.values()]),
        ],
        axis_label=_("claims and orders per month"),
    )


# --- 2. Fault categories per model, per 100 claims -------------------------------------


def faults_per_model(filters: Filters) -> list[tuple]:
    """(model, fault category, orders, per 100 claims of the model): the claims per model
    and the orders per model and fault category from the roll-ups, then the categories'
    names (four queries, six with months not rolled up yet)."""
    stale = rollups.stale(filters.start, filters.end)
    per_model = {
        row["product_model"]: row["claims"]
        for row in _read(rollups.CLAIMS, filters, by=["product_model"], stale=stale)
    }
    faults = _read(rollups.FAULTS, filters, by=["product_model", "fault_category_id"], stale=stale)
    names = {
        row["pk"]: in_reader_language(row, "name")
        for row in FaultCategory.objects.filter(
            pk__in={row["fault_category_id"] for row in faults}
        ).values("pk", *translated("name"))
    }
    rows = [
        (
            row["product_model"],
            names[row["fault_category_id"]],
            row["orders"],
            _percent(row["orders"], per_model.get(row["product_model"], 0)),
        )
        for row in faults
    ]
    rows.sort(key=lambda row: (row[0], -row[2], row[1]))
    return rows


def faults_chart(rows: list[tuple]) -> Chart:
    top = sorted(rows, key=lambda row: -(row[3] or 0))
    return Chart(
        categories=[f"{model} · {fault}" for model, fault, _n, _p in top],
        series=[Series(gettext("per 100 claims"), [row[3] for row in top])],
        axis_label=_("orders with this fault per 100 claims of the model"),
        decimals=1,
    )


# --- 3. Days from the claim to the return, per center ----------------------------------

# Histogram bins, in whole days from the claim to the return: (label, up to and including).
DAY_BINS: list[tuple[str, int | None]] = [
    ("0–7", 7),
    ("8–14", 14),
    ("15–21", 21),
    ("22–30", 30),
    ("31–45", 45),
    ("46–60", 60),
    ("61+", None),
]


DAYS = pgettext_lazy("report: a range of days", "d.")


def return_days(filters: Filters) -> list[tuple]:
    """(center, returns, median days, 90th percentile, *returns per DAY_BINS bin).

    A return is the product's delivery back to the customer, else the parcel sent back (it
    left the center); its days are whole days from the claim's local date to the return's.
    The roll-ups hold the returns per center and day count; the percentiles are computed
    here from those counts, as PostgreSQL's percentile_cont would from the rows. Three
    queries (four with months not rolled up yet): the counts and the centers' names."""
    per_center: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in _read(rollups.RETURNS, filters, by=["service_center_id", "days"]):
        per_center[row["service_center_id"]].append((row["days"], row["returns"]))
    names = {
        row["pk"]: in_reader_language(row, "name")
        for row in ServiceCenter.objects.filter(pk__in=per_center).values("pk", *translated("name"))
    }
    result = []
    for center, counts in per_center.items():
        counts.sort()
        bins = [0] * len(DAY_BINS)
        for days, returns in counts:
            bins[_bin_of(days)] += returns
        result.append(
            (
                names[center],
                sum(bins),
                round(percentile_cont(counts, 0.5), 1),
                round(percentile_cont(counts, 0.9), 1),
                *bins,
            )
        )
    result.sort(key=lambda row: str(row[0]))
    return result


def _bin_of(days: int) -> int:
    for index, (_label, limit) in enumerate(DAY_BINS):
        if limit is None or days <= limit:
            return index
    raise AssertionError("the last bin has no limit")


def percentile_cont(counts: list[tuple[int, int]], fraction: float) -> float:
    """PostgreSQL's percentile_cont(fraction) of the values `counts` lists as (value,
    how many), sorted by value: linear interpolation between the two closest ranks."""
    total = sum(count for _value, count in counts)
    position = fraction * (total - 1)
    low_rank = int(position)

    def value_at(rank: int) -> int:
        seen = 0
        for value, count in counts:
            seen += count
            if rank < seen:
                return value
        return counts[-1][0]

    low, high = value_at(low_rank), value_at(min(low_rank + 1, total - 1))
    return low + (high - low) * (position - low_rank)


def return_days_chart(rows: list[tuple]) -> Chart:
    totals = [sum(row[4 + index] for row in rows) for index in range(len(DAY_BINS))]
    return Chart(
        categories=[f"{label} {DAYS}" for label, _limit in DAY_BINS],
        series=[Series(gettext("Returns"), totals)],
        axis_label=_("returns to the customer, by days from the claim"),
    )


# --- 4. Quotes accepted and declined ---------------------------------------------------


def quotes(filters: Filters) -> list[tuple]:
    """(month, accepted, declined, accepted %, KZT accepted, KZT declined): one query."""
    answers = QuoteConsent.objects.filter(
        _claim_filters(filters, prefix="repair_order__claim__"),
        superseded_at__isnull=True,  # an answer to a quote revised since is not counted twice
        decided_at__gte=filters.start_at,
        decided_at__lt=filters.end_before,
    )
    if filters.center_id:
        answers = answers.filter(repair_order__service_center_id=filters.center_id)
    accepted = Q(decision=QuoteConsent.Decision.ACCEPTED)
    declined = Q(decision=QuoteConsent.Decision.DECLINED)
    rows = (
        answers.annotate(month=TruncMonth("decided_at"))
        .order_by()
        .values_list("month")
        .annotate(
            accepted=Count("pk", filter=accepted),
            declined=Count("pk", filter=declined),
            accepted_amount=Coalesce(
                Sum("amount", filter=accepted), 0, output_field=IntegerField()
            ),
            declined_amount=Coalesce(
                Sum("amount", filter=declined), 0, output_field=IntegerField()
            ),
        )
        .order_by("month")
    )
    return [
        (month_label(m), a, d, _percent(a, a + d), int(a_sum), int(d_sum))
        for m, a, d, a_sum, d_sum in rows
    ]


def quotes_chart(rows: list[tuple]) -> Chart:
    return Chart(
        categories=[row[0] for row in rows],
        series=[
            Series(gettext("Accepted"), [row[1] for row in rows]),
            Series(gettext("Declined"), [row[2] for row in rows]),
        ],
        axis_label=_("answers to quotes per month"),
    )


# --- 5. Replacements and refunds per model ---------------------------------------------


def replacements_and_refunds(filters: Filters) -> list[tuple]:
    """(model, orders, replacements, refunds, their share %): the roll-ups (two queries,
    three with months not rolled up yet)."""
    rows = _read(rollups.ORDERS, filters, by=["product_model"])
    rows.sort(key=lambda row: row["product_model"])
    return [
        (
            row["product_model"],
            row["orders"],
            row["replacements"],
            row["refunds"],
            _percent(row["replacements"] + row["refunds"], row["orders"]),
        )
        for row in rows
    ]


def replacements_chart(rows: list[tuple]) -> Chart:
    return Chart(
        categories=[row[0] for row in rows],
        series=[
            Series(gettext("Replacements"), [row[2] for row in rows]),
            Series(gettext("Refunds"), [row[3] for row in rows]),
        ],
        axis_label=_("orders ended in a replacement or a refund"),
    )


# --- 6. Ratings per center ---------------------------------------------------------------


def ratings(filters: Filters) -> list[tuple]:
    """(center, ratings, average, count of 5, 4, 3, 2, 1): one query."""
    given = ServiceRating.objects.filter(
        _claim_filters(filters, prefix="repair_order__claim__"),
        created_at__gte=filters.start_at,
        created_at__lt=filters.end_before,
    )
    if filters.center_id:
        given = given.filter(service_center_id=filters.center_id)
    rows = (
        given.order_by()
        .values("service_center_id", *translated("service_center__name"))
        .annotate(
            count=Count("pk"),
            average=Avg("score", output_field=FloatField()),
            **{f"s{score}": Count("pk", filter=Q(score=score)) for score in range(5, 0, -1)},
        )
    )
    result = [
        (
            in_reader_language(row, "service_center__name"),
            row["count"],
            round(row["average"], 2),
            *(row[f"s{score}"] for score in range(5, 0, -1)),
        )
        for row in rows
    ]
    result.sort(key=lambda row: row[0])
    return result


def ratings_chart(rows: list[tuple]) -> Chart:
    return Chart(
        categories=[row[0] for row in rows],
        series=[Series(gettext("Average rating"), [row[2] for row in rows])],
        axis_label=_("average customer rating, 1 to 5"),
        decimals=2,
        top=5,
    )


# --- 7. Replies past the 10-day limit ----------------------------------------------------


def late_replies(filters: Filters, *, today: datetime.date | None = None) -> list[tuple]:
    """(month, claims, answered in time, answered late, unanswered and overdue, late %).

    The reply clock is the claim list's (claims.admin.reply_clock): it runs while the
    claim is open (submitted or waiting for the customer) and stops at support's first
    move out of «submitted» (`Claim.first_answer_at`: a question, an approval, a
    rejection); late when that came on a local date after `response_due_date`.

    All from the roll-ups (two queries, three with months not rolled up yet), but for the
    months whose unanswered claims are not all past due yet (the latest few): those are
    counted live on their own small index (claim_unanswered), one more query."""
    today = today or timezone.localdate()
    per_month = {row["month"]: row for row in _read(rollups.CLAIMS, filters, by=["month"])}
    undecided = [
        month
        for month, row in per_month.items()
        if row["unanswered_due_last"] is not None and row["unanswered_due_last"] >= today
    ]
    overdue = {
        month: row["unanswered"] for month, row in per_month.items() if month not in undecided
    }
    overdue.update(_overdue_live(filters, months=undecided, today=today))
    rows = []
    for month in sorted(per_month):
        row = per_month[month]
        unanswered = overdue.get(month, 0)
        rows.append(
            (
                month_label(month),
                row["claims"],
                row["answered_in_time"],
                row["answered_late"],
                unanswered,
                _percent(row["answered_late"] + unanswered, row["claims"]),
            )
        )
    return rows


def _overdue_live(
    filters: Filters, *, months: list[datetime.date], today: datetime.date
) -> dict[datetime.date, int]:
    """Open claims support has not answered, past their due date, in `months`."""
    if not months:
        return {}
    in_months = Q()
    for start, end in rollups.spans([(month, rollups.next_month(month)) for month in months]):
        in_months |= Q(submitted_at__gte=start, submitted_at__lt=end)
    claims = Claim.objects.filter(
        _claim_filters(filters),
        in_months,
        first_answer_at__isnull=True,
        status__in=OPEN_STATES,
        response_due_date__lt=today,
    )
    if filters.center_id:
        claims = claims.filter(repair_order__service_center_id=filters.center_id)
    counted = (
        claims.annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values_list("month")
        .annotate(count=Count("pk"))
    )
    return {rollups.month_of(month): count for month, count in counted}


def late_replies_chart(rows: list[tuple]) -> Chart:
    return Chart(
        categories=[row[0] for row in rows],
        series=[
            Series(gettext("In time"), [row[2] for row in rows]),
            Series(gettext("Late"), [row[3] for row in rows]),
            Series(gettext("Unanswered, overdue"), [row[4] for row in rows]),
        ],
        axis_label=_("claims per month of submission"),
    )


REPORTS: dict[str, Report] = {
    report.slug: report
    for report in [
        Report(
            slug="claims-orders",
            title=_("Claims and repair orders per month"),
            description=_("Claims received and repair orders opened, by model and region."),
            period_by=_("the claim's submission date"),
            columns=[_("Month"), _("Model"), _("Region"), _("Claims"), _("Repair orders")],
            selector=claims_and_orders,
            chart=claims_and_orders_chart,
            queries=3,
        ),
        Report(
            slug="faults",
            title=_("Fault categories per model"),
            description=_(
                "What failed, as the technicians recorded it, per 100 claims of the model."
            ),
            period_by=_("the claim's submission date"),
            columns=[_("Model"), _("Fault category"), _("Repair orders"), _("Per 100 claims")],
            selector=faults_per_model,
            chart=faults_chart,
            queries=6,
        ),
        Report(
            slug="return-days",
            title=_("Days from the claim to the return"),
            description=_(
                "How long customers wait, per service center: the median, the 90th "
                "percentile and the distribution."
            ),
            period_by=_("the date the product was returned"),
            columns=[
                _("Service center"),
                _("Returns"),
                _("Median, days"),
                _("90th percentile, days"),
                *[format_lazy("{} {}", label, DAYS) for label, _limit in DAY_BINS],
            ],
            selector=return_days,
            chart=return_days_chart,
            queries=4,
        ),
        Report(
            slug="quotes",
            title=_("Quotes accepted and declined"),
            description=_("The customers' answers to paid-repair quotes."),
            period_by=_("the date of the customer's answer"),
            columns=[
                _("Month"),
                _("Accepted"),
                _("Declined"),
                _("Accepted, %"),
                _("Accepted, KZT"),
                _("Declined, KZT"),
            ],
            selector=quotes,
            chart=quotes_chart,
            queries=1,
        ),
        Report(
            slug="replacements-refunds",
            title=_("Replacements and refunds per model"),
            description=_("Repair orders that ended in a replacement unit or a refund."),
            period_by=_("the date the repair order was opened"),
            columns=[
                _("Model"),
                _("Repair orders"),
                _("Replacements"),
                _("Refunds"),
                _("Replacements and refunds, %"),
            ],
            selector=replacements_and_refunds,
            chart=replacements_chart,
            queries=3,
        ),
        Report(
            slug="ratings",
            title=_("Ratings per service center"),
            description=_("The customers' ratings after delivery, 1 to 5."),
            period_by=_("the date of the rating"),
            columns=[
                _("Service center"),
                _("Ratings"),
                _("Average"),
                *[f"{score} ★" for score in range(5, 0, -1)],
            ],
            selector=ratings,
            chart=ratings_chart,
            queries=1,
        ),
        Report(
            slug="late-replies",
            title=_("Replies past the 10-day limit"),
            description=_(
                "Claims answered after their due date, or still unanswered past it, "
                "by the month they came."
            ),
            period_by=_("the claim's submission date"),
            columns=[
                _("Month"),
                _("Claims"),
                _("Answered in time"),
                _("Answered late"),
                _("Unanswered, overdue"),
                _("Late, %"),
            ],
            selector=late_replies,
            chart=late_replies_chart,
            queries=4,
        ),
    ]
}
