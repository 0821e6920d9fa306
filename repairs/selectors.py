"""Reads on repair orders shared by views."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from phonenumber_field.phonenumber import PhoneNumber

from claims import warranty
from claims.models import Claim, StatusEvent
from claims.selectors import warranty_policy
from repairs import order_numbers
from repairs.models import (
    NON_FINAL_STATES,
    WORK_PERMISSION,
    OrderStatus,
    RepairOrder,
    ServiceCenter,
    Shipment,
    Technician,
    WorkLine,
    line_totals,
)

# Stand-ins for input that cannot be an order: the lookup still runs the same query, so a
# malformed request costs what a real miss costs. "*" is outside the alphabet, so no
# issued number can ever match.
NO_MATCH_NUMBER = "*" * order_numbers.LENGTH
NO_MATCH_DATE = datetime.date(1970, 1, 1)

# The lookup is the most visited public request, so its SQL is written once here instead of
# being compiled by the ORM on every request (that compilation cost more than the query).
# Only what the public page shows: nothing here names or reaches the customer (no name,
# phone, e-mail, address or serial number), no internal note, no author of an event.
_STATUS_SQL = """
SELECT o.order_number, o.intake_date, o.status, o.state_entered_at, o.quote_amount,
       o.returned_at, c.product_model, c.purchase_date, c.submitted_at,
       sc.name_ru, sc.name_kk, sc.name_en, sc.city_ru, sc.city_kk, sc.city_en, sc.phone,
       sh.carrier, sh.tracking_number, sh.created_at,
       (SELECT p.repair_months FROM claims_warrantypolicy p WHERE p.country = %s),
       e.from_status, e.to_status, e.created_at, e.public_note
FROM repairs_repairorder o
JOIN claims_claim c ON c.id = o.claim_id
JOIN repairs_servicecenter sc ON sc.id = o.service_center_id
LEFT JOIN repairs_shipment sh ON sh.repair_order_id = o.id AND sh.direction = %s
LEFT JOIN claims_statusevent e ON e.claim_id = o.claim_id AND e.subject = %s
WHERE o.order_number = %s AND o.intake_date = %s
ORDER BY e.created_at, e.id
"""
_STATUS_COLUMNS = (
    "order_number",
    "intake_date",
    "status",
    "state_entered_at",
    "quote_amount",
    "returned_at",
    "claim__product_model",
    "claim__purchase_date",
    "claim__submitted_at",
    # The center's words in every language (repairs.translation): the reader's is picked.
    "service_center__name_ru",
    "service_center__name_kk",
    "service_center__name_en",
    "service_center__city_ru",
    "service_center__city_kk",
    "service_center__city_en",
    "service_center__phone",
    "outbound__carrier",
    "outbound__tracking_number",
    "outbound__created_at",
    "warranty_months",
    "status_events__from_status",
    "status_events__to_status",
    "status_events__created_at",
    "status_events__public_note",
)
_DATETIME_COLUMNS = (
    "state_entered_at",
    "returned_at",
    "claim__submitted_at",
    "outbound__created_at",
    "status_events__created_at",
)

RETURNED_STATES = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: datetime.datetime
    public_note: str


@dataclass(frozen=True)
class ReturnShipment:
    carrier: str
    tracking_number: str


@dataclass(frozen=True)
class RepairStatus:
    order_number: str
    intake_date: datetime.date
    status: str
    state_entered_at: datetime.datetime  # when the order entered `status`
    product_model: str
    quote_amount: Decimal | None
    service_center_name: str
    service_center_city: str
    service_center_phone: PhoneNumber
    return_shipment: ReturnShipment | None
    warranty_end_date: datetime.date | None
    timeline: tuple[TimelineEntry, ...]


def repair_status_for(
    *, order_number: str | None, intake_date: datetime.date | None
) -> RepairStatus | None:
    """The public view of one order, or None: unknown number, wrong date or junk alike.

    One SQL query, hit or miss: the order joined with its claim and center, the outbound
    shipment (a filtered LEFT JOIN), the warranty months (a scalar subquery) and one row
    per status event (LEFT JOIN), in event order. Number and date are matched in the same
    WHERE, so a right number with a wrong date takes the same path as an unknown number.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _STATUS_SQL,
            [
                settings.WARRANTY_COUNTRY,
                Shipment.Direction.OUTBOUND,
                StatusEvent.Subject.ORDER,
                order_number or NO_MATCH_NUMBER,
                intake_date or NO_MATCH_DATE,
            ],
        )
        rows = [_row(values) for values in cursor.fetchall()]
    if not rows:
        return None
    first = rows[0]
    timeline = tuple(
        TimelineEntry(
            status=row["status_events__to_status"],
            at=row["status_events__created_at"],
            public_note=row["status_events__public_note"],
        )
        for row in rows
        if row["status_events__created_at"] is not None and _is_news(row)
    )
    return_shipment = None
    if first["status"] in RETURNED_STATES and first["outbound__tracking_number"]:
        return_shipment = ReturnShipment(
            carrier=first["outbound__carrier"], tracking_number=first["outbound__tracking_number"]
        )
    return RepairStatus(
        order_number=order_numbers.display(first["order_number"]),
        intake_date=first["intake_date"],
        status=first["status"],
        state_entered_at=first["state_entered_at"],
        product_model=first["claim__product_model"],
        quote_amount=first["quote_amount"],
        service_center_name=in_reader_language(first, "service_center__name"),
        service_center_city=in_reader_language(first, "service_center__city"),
        service_center_phone=PhoneNumber.from_string(first["service_center__phone"]),
        return_shipment=return_shipment,
        warranty_end_date=_warranty_end_date(first),
        timeline=timeline,
    )


def translated(column: str) -> list[str]:
    """`column` in every language, for `values()`: a related model's words are not
    rewritten to the reader's language there (django-modeltranslation does it only for
    the model's own fields)."""
    return [f"{column}_{language}" for language, _name in settings.LANGUAGES]


def in_reader_language(row: dict[str, Any], column: str) -> str:
    """`column`'s translation in the active language, Russian where it has none."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return row.get(f"{column}_{language}") or row[f"{column}_{settings.LANGUAGE_CODE}"] or ""


def _row(values: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(_STATUS_COLUMNS, values, strict=True))
    for column in _DATETIME_COLUMNS:
        # PostgreSQL returns aware datetimes; SQLite naive ones, in UTC.
        value = row[column]
        if value is not None and timezone.is_naive(value):
            row[column] = timezone.make_aware(value, datetime.UTC)
    return row


def _is_news(row: dict[str, Any]) -> bool:
    # An event that changes nothing the customer can see (a staff note) is left out.
    return row["status_events__from_status"] != row["status_events__to_status"] or bool(
        row["status_events__public_note"]
    )


@dataclass(frozen=True)
class _Months:
    repair_months: int


def _warranty_end_date(row: dict[str, Any]) -> datetime.date | None:
    """The warranty's new end once the product is on its way back (DESIGN §1).

    Kazakh law adds the days without the product, from the claim to its return: the
    delivery date once known, until then the day it was shipped back.
    """
    if row["status"] not in RETURNED_STATES or row["warranty_months"] is None:
        return None
    returned_date = back_on(returned_at=row["returned_at"], shipped_at=row["outbound__created_at"])
    if returned_date is None:
        return None
    return warranty.warranty_end_after_return(
        purchase_date=row["claim__purchase_date"],
        policy=_Months(repair_months=row["warranty_months"]),
        claim_date=timezone.localdate(row["claim__submitted_at"]),
        returned_date=returned_date,
    )


def today() -> datetime.date:
    """Today in Asia/Almaty (TIME_ZONE), whatever zone a request activated."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def back_on(
    *, returned_at: datetime.datetime | None, shipped_at: datetime.datetime | None
) -> datetime.date | None:
    """The day the product counts as back with the customer: its delivery once known,
    until then the day it was shipped back; None before either."""
    moment = returned_at or shipped_at
    return timezone.localdate(moment) if moment is not None else None


def warranty_end_for(
    *,
    order: RepairOrder,
    returned_at: datetime.datetime | None = None,
    shipped_at: datetime.datetime | None = None,
) -> datetime.date | None:
    """The customer's new warranty end once the product is back (`back_on`: delivered at
    `returned_at`, else shipped back at `shipped_at`; claims.warranty owns the rule), or None
    before either or when there is nothing to extend."""
    returned_date = back_on(returned_at=returned_at, shipped_at=shipped_at)
    if returned_date is None:
        return None
    policy = warranty_policy()
    if policy is None:
        return None
    return warranty.warranty_end_after_return(
        purchase_date=order.claim.purchase_date,
        policy=policy,
        claim_date=order.claim.submitted_date,
        returned_date=returned_date,
    )


def active_service_centers() -> QuerySet[ServiceCenter]:
    """The centers the «Партнеры» page lists: one query, contacts the public may see."""
    return ServiceCenter.objects.filter(is_active=True).only(
        "name", "city", "postal_address", "phone", "working_hours"
    )


# --- Support's claim page ---------------------------------------------------------------

SAME_CITY, SAME_REGION, ELSEWHERE = 0, 1, 2


def _words(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def _nearness(center: ServiceCenter, *, city: str, region: str) -> int:
    """How near the center is to the customer, from what both typed (no geography data).

    Same city: the center's city equals the customer's. Same region: the center's city is
    the customer's region (the three cities of republican status are regions of their
    own), or the center's postal address names the region ("Алматинская область" is found
    in "…, Алматинская обл., г. Талгар" by its first word). Loose on purpose: a wrong guess
    only changes which radio button is preselected, and the agent sees the city.
    """
    # The customer typed the city in any of our languages: «Алматы» or «Almaty».
    languages = [code for code, _name in settings.LANGUAGES]
    cities = {_words(getattr(center, f"city_{language}") or "") for language in languages}
    addresses = " ".join(
        _words(getattr(center, f"postal_address_{language}") or "") for language in languages
    )
    if city and city in cities:
        return SAME_CITY
    region_word = region.split(" ")[0] if region else ""
    if region and (region in cities or region_word in addresses):
        return SAME_REGION
    return ELSEWHERE


def suggested_centers(*, claim: Claim) -> list[ServiceCenter]:
    """Active centers, nearest to the customer first (same city, then same region), each
    with `open_orders` (orders not in a final state) and `nearness`. One query.

    The ranking is done here rather than in SQL: there are a handful of centers, and
    Python's casefold compares Cyrillic correctly where SQLite's LIKE does not.
    """
    # A count per center read off the index (service_center, status): a LEFT JOIN of every
    # order with a filtered COUNT read the whole table (29 ms at 90,000 orders, this 9 ms).
    open_orders = (
        RepairOrder.objects.filter(service_center=OuterRef("pk"), status__in=NON_FINAL_STATES)
        .order_by()
        .values("service_center")
        .annotate(count=Count("*"))
        .values("count")
    )
    centers = list(
        ServiceCenter.objects.filter(is_active=True).annotate(
            open_orders=Coalesce(Subquery(open_orders), 0)
        )
    )
    city, region = _words(claim.city), _words(claim.region)
    nearness = {center.pk: _nearness(center, city=city, region=region) for center in centers}
    for center in centers:
        # For the approval form's template, beside `open_orders`: not a field of the model.
        center.nearness = nearness[center.pk]  # type: ignore[attr-defined]
    # Stable: within a rank the model's order (city, name) stays.
    return sorted(centers, key=lambda center: nearness[center.pk])


def technician_of(user: User | AnonymousUser) -> Technician | None:
    """The user's technician record, if they may work in the workbench now."""
    if not (user.is_authenticated and user.is_active and user.has_perm(WORK_PERMISSION)):
        return None
    try:
        return Technician.objects.select_related("service_center").get(user=user)
    except Technician.DoesNotExist:
        return None


def line_tables(order: RepairOrder) -> dict[str, object]:
    """The order's estimate and work done as the staff's order pages show them (with sums),
    from the prefetched `work_lines`: no query of its own, however many lines."""
    lines = list(order.work_lines.all())
    estimate = [line for line in lines if line.stage == WorkLine.Stage.ESTIMATE]
    done = [line for line in lines if line.stage == WorkLine.Stage.DONE]
    return {
        "estimate_lines": estimate,
        "estimate_totals": line_totals(estimate),
        "done_lines": done,
        "done_totals": line_totals(done),
    }
