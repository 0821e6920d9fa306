"""Reads on repair orders shared by views."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from claims import warranty
from claims.models import StatusEvent, WarrantyPolicy
from repairs import order_numbers
from repairs.models import OrderStatus, ServiceCenter, Shipment

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
SELECT o.order_number, o.intake_date, o.status, o.quote_amount, o.returned_at,
       c.product_model, c.purchase_date, c.submitted_at,
       sc.name, sc.city, sc.phone,
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
    "quote_amount",
    "returned_at",
    "claim__product_model",
    "claim__purchase_date",
    "claim__submitted_at",
    "service_center__name",
    "service_center__city",
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
    product_model: str
    quote_amount: Decimal | None
    service_center_name: str
    service_center_city: str
    service_center_phone: object  # phonenumbers.PhoneNumber
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
        product_model=first["claim__product_model"],
        quote_amount=first["quote_amount"],
        service_center_name=first["service_center__name"],
        service_center_city=first["service_center__city"],
        service_center_phone=PhoneNumber.from_string(first["service_center__phone"]),
        return_shipment=return_shipment,
        warranty_end_date=_warranty_end_date(first),
        timeline=timeline,
    )


def _row(values: tuple) -> dict:
    row = dict(zip(_STATUS_COLUMNS, values, strict=True))
    for column in _DATETIME_COLUMNS:
        # PostgreSQL returns aware datetimes; SQLite naive ones, in UTC.
        value = row[column]
        if value is not None and timezone.is_naive(value):
            row[column] = timezone.make_aware(value, datetime.UTC)
    return row


def _is_news(row: dict) -> bool:
    # An event that changes nothing the customer can see (a staff note) is left out.
    return row["status_events__from_status"] != row["status_events__to_status"] or bool(
        row["status_events__public_note"]
    )


@dataclass(frozen=True)
class _Months:
    repair_months: int


def _warranty_end_date(row: dict) -> datetime.date | None:
    """The warranty's new end once the product is on its way back (DESIGN §1).

    Kazakh law adds the days without the product, from the claim to its return: the
    delivery date once known, until then the day it was shipped back.
    """
    if row["status"] not in RETURNED_STATES or row["warranty_months"] is None:
        return None
    if row["returned_at"] is not None:
        returned_date = timezone.localdate(row["returned_at"])
    elif row["outbound__created_at"] is not None:
        returned_date = timezone.localdate(row["outbound__created_at"])
    else:
        return None
    return warranty.warranty_end_after_return(
        purchase_date=row["claim__purchase_date"],
        policy=_Months(repair_months=row["warranty_months"]),
        claim_date=timezone.localdate(row["claim__submitted_at"]),
        returned_date=returned_date,
    )


def warranty_end_for(*, order, returned_date: datetime.date) -> datetime.date | None:
    """The customer's new warranty end if the product is back on `returned_date`
    (claims.warranty owns the rule), or None when there is nothing to extend."""
    policy = WarrantyPolicy.objects.filter(country=settings.WARRANTY_COUNTRY).first()
    if policy is None:
        return None
    return warranty.warranty_end_after_return(
        purchase_date=order.claim.purchase_date,
        policy=policy,
        claim_date=order.claim.submitted_date,
        returned_date=returned_date,
    )


def active_service_centers():
    """The centers the «Партнеры» page lists: one query, contacts the public may see."""
    return ServiceCenter.objects.filter(is_active=True).only(
        "name", "city", "postal_address", "phone", "working_hours"
    )
