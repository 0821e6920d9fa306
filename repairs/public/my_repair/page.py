"""What «Мой ремонт» shows for one claim and its order: read in a fixed number of queries.

The page follows the claim and then its order; each state shows where the product is, what
happens next (the status page's texts: one source), the customer's own timeline (public
notes only, never a raw state code) and the one thing the customer can do now.
"""

import datetime
from dataclasses import dataclass, field
from typing import TypedDict

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import selectors as claim_selectors
from claims import status_text as claim_text
from claims.mail_answers import EMAIL_ANSWER
from claims.models import OPEN_STATES, Claim, ClaimStatus, StatusEvent, link_works_after
from claims.steps import CLAIM_STEPS
from dreame_service.kit import privacy
from dreame_service.kit.formats import format_kzt
from repairs import selectors, states
from repairs.models import OrderStatus, RepairOrder, Shipment, WorkLine, line_totals
from repairs.public.my_repair.wording import consent_wording, lines_covered

S = OrderStatus
# Where this page offers what the status page can only describe: the customer answers the
# price right here. Every other state reads the status page's sentence.
# After intake the order number and the act replace the stub the customer may have lost.
RECEIVED_OR_LATER = frozenset(S.values) - {S.AWAITING_SHIPMENT, S.IN_TRANSIT}
SUPPORT_ANSWERED = _("Support answered you by e-mail")


@dataclass(frozen=True)
class Link:
    """What serving a cached page needs of the claim a personal link names."""

    key: str  # the link's key, as the request's token carried it
    claim_id: int
    language: str
    ended_at: datetime.datetime | None
    updated_at: datetime.datetime | None  # never None in a row; as read, for the cache's tag
    order_id: int | None


# Written once, not compiled by the ORM per request: on a cached page this is the request's
# only query, and building it through a queryset cost more than running it (issue 23).
_LINK_SQL = """
SELECT c.id, c.language, c.ended_at, c.updated_at, o.id
FROM claims_claim c
LEFT JOIN repairs_repairorder o ON o.claim_id = c.id
WHERE c.link_key = %s
"""


def link_for_key(key: str) -> Link | None:
    """The claim a personal link names, as `Link`; None if none does or its link has
    expired. One query: checked on every request, cached page or not."""
    with connection.cursor() as cursor:
        cursor.execute(_LINK_SQL, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    claim_id, language, ended_at, updated_at, order_id = row
    link = Link(key, claim_id, language, _aware(ended_at), _aware(updated_at), order_id)
    return link if link_works_after(link.ended_at) else None


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    # SQLite gives the stored UTC time without its zone, PostgreSQL with it.
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, connection.timezone)


def claim_for_key(key: str) -> Claim | None:
    """The claim a personal link names, with everything the page reads; None if none does
    or its link has expired. Five queries: the claim with its order, center, act and rating
    (joined), its history, the order's answers to quotes, its estimate's lines and its
    parcels."""
    claim = (
        Claim.objects.select_related(
            "repair_order__service_center",
            "repair_order__intake_act",
            "repair_order__rating",
        )
        .prefetch_related(
            Prefetch(
                "status_events",
                queryset=StatusEvent.objects.order_by("created_at", "pk"),
                to_attr="timeline_events",
            ),
            "repair_order__quote_consents",
            Prefetch(
                "repair_order__work_lines",
                queryset=WorkLine.objects.filter(stage=WorkLine.Stage.ESTIMATE),
            ),
            Prefetch(
                "repair_order__shipments",
                queryset=Shipment.objects.order_by("created_at"),
                to_attr="parcels",
            ),
        )
        .filter(link_key=key)
        .first()
    )
    if claim is None or not claim.link_works:
        return None
    return claim


def order_of(claim: Claim) -> RepairOrder | None:
    try:
        return claim.repair_order
    except RepairOrder.DoesNotExist:
        return None


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    label: str
    note: str


def _claim_line(transition: str) -> str:
    """A claim's row in the timeline: its submission, or a step with a line of its own."""
    if transition == "submit":
        return str(claim_text.SUBMITTED)
    step = CLAIM_STEPS.get(transition)
    return str(step.timeline) if step and step.timeline else ""


def _timeline(claim: Claim) -> list[TimelineEntry]:
    """The customer's history, oldest first: moves and public notes, no staff-only rows."""
    entries = []
    for event in claim.timeline_events:  # type: ignore[attr-defined]  # claim_for_key's Prefetch
        is_order = event.subject == StatusEvent.Subject.ORDER
        if is_order and event.from_status != event.to_status:
            label = states.timeline_label(event.to_status)
        elif not is_order and (line := _claim_line(event.transition)):
            label = line
        elif event.transition == "note" and event.public_note:
            label = ""
        elif event.transition == EMAIL_ANSWER and event.public_note:
            label = str(SUPPORT_ANSWERED)  # what support wrote, as the e-mail said it
        else:
            continue  # the claim's closing, corrections, links sent, ratings: staff rows
        date = timezone.localdate(event.created_at, timezone=timezone.get_default_timezone())
        entries.append(TimelineEntry(date=date, label=label, note=event.public_note))
    return entries


def _parcel(order: RepairOrder, direction: str) -> Shipment | None:
    parcels = order.parcels  # type: ignore[attr-defined]  # claim_for_key's Prefetch(to_attr=)
    return next((p for p in parcels if p.direction == direction), None)


def _warranty_end(order: RepairOrder, outbound: Shipment | None) -> datetime.date | None:
    """The warranty's new end once the product is on its way back: as the status page."""
    if order.status not in selectors.RETURNED_STATES:
        return None
    return selectors.warranty_end_for(
        order=order,
        returned_at=order.returned_at,
        shipped_at=outbound.created_at if outbound else None,
    )


@dataclass
class MyRepairPage:
    claim: Claim
    order: RepairOrder | None
    state: str  # the order's state once there is an order, else the claim's
    current_text: str
    next_text: str
    timeline: list[TimelineEntry]
    masked_phone: str
    masked_email: str
    expected_by: datetime.date | None = None
    now_heading: str = ""  # above current_text: what is happening, or where the product is
    inbound: Shipment | None = None
    outbound: Shipment | None = None
    warranty_end: datetime.date | None = None
    quote_display: str = ""
    quote_lines: list = field(default_factory=list)  # the estimate's lines, when answering
    quote_totals: object = None
    wording: dict = field(default_factory=dict)
    consent_amount: str = ""  # the price the customer answered online, if they did
    policy: object = None  # the warranty policy, for the claim's verdict
    # What the customer can do now (each a form on the page).
    can_send_parcel: bool = False
    can_correct_parcel: bool = False  # a typo in the number, while the parcel is on its way
    can_decide_quote: bool = False
    can_rate: bool = False
    claim_open: bool = False  # support has not decided yet: the customer may withdraw
    can_supplement: bool = False

    @property
    def is_order(self) -> bool:
        return self.order is not None

    @property
    def shows_order_number(self) -> bool:
        return self.order is not None and self.order.status in RECEIVED_OR_LATER

    @property
    def has_act(self) -> bool:
        return self.shows_order_number and hasattr(self.order, "intake_act")


class _Common(TypedDict):
    """What the page shows in every state."""

    claim: Claim
    order: RepairOrder | None
    timeline: list[TimelineEntry]
    masked_phone: str
    masked_email: str


def build(claim: Claim) -> MyRepairPage:
    order = order_of(claim)
    common: _Common = {
        "claim": claim,
        "order": order,
        "timeline": _timeline(claim),
        "masked_phone": privacy.mask_phone(str(claim.phone)),
        "masked_email": privacy.mask_email(claim.email),
    }
    if order is None:
        return MyRepairPage(
            state=claim.status,
            now_heading=states.now_heading(""),  # a claim: the product is still at home
            policy=claim_selectors.warranty_policy(),
            current_text=claim_text.current_text(claim.status),
            next_text=claim_text.next_text(claim.status),
            claim_open=claim.status in OPEN_STATES,
            can_supplement=claim.status == ClaimStatus.NEEDS_INFO,
            **common,
        )
    outbound = _parcel(order, Shipment.Direction.OUTBOUND)
    inbound = _parcel(order, Shipment.Direction.INBOUND)
    awaiting_answer = order.status == S.AWAITING_APPROVAL and order.quote_amount is not None
    lines = list(order.work_lines.all())  # prefetched: the estimate's only
    return MyRepairPage(
        state=order.status,
        now_heading=states.now_heading(order.status),
        current_text=states.current_text(order.status),
        next_text=states.next_text(order.status, online=True),
        expected_by=states.expected_by_after(order.status, order.state_entered_at),
        inbound=inbound,
        outbound=outbound,
        warranty_end=_warranty_end(order, outbound),
        quote_display=format_kzt(order.quote_amount) if awaiting_answer else "",
        quote_lines=lines if awaiting_answer else [],
        quote_totals=line_totals(lines),
        wording=_wordings(order) if awaiting_answer else {},
        consent_amount=_consent_amount(order),
        can_send_parcel=order.status == S.AWAITING_SHIPMENT,
        can_correct_parcel=order.status == S.IN_TRANSIT and inbound is not None,
        can_decide_quote=awaiting_answer,
        can_rate=order.status == S.DELIVERED and not hasattr(order, "rating"),
        **common,
    )


def _consent_amount(order: RepairOrder) -> str:
    consent = getattr(order, "quote_consent", None)  # None when not answered online
    return format_kzt(consent.amount) if consent else ""


def _wordings(order: RepairOrder) -> dict:
    # What the price covers is its lines, then the technician's note if he wrote one.
    covers = "; ".join(
        part.rstrip(" .")
        for part in (lines_covered(order.work_lines.all()), order.quote_description)
        if part
    )
    return {
        decision: consent_wording(
            accept=decision == "accept",
            order_number=order.display_number,
            amount=order.quote_amount,
            covers=covers,
        )
        for decision in ("accept", "decline")
    }
