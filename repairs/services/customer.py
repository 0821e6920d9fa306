"""What the customer does to their order through «Мой ремонт» (the personal link).

The customer has no user account: the personal link is the permission, and each step is
run through `repairs.steps.run_step` as the customer with what the page showed (a stale
page or a second click changes nothing: `Stale`), recorded "by the customer".
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from claims import notes
from dreame_service.kit.fsm import Actor, Stale
from repairs import emails, tracking
from repairs.models import (
    OrderStatus,
    QuoteConsent,
    RepairOrder,
    ServiceRating,
    Shipment,
    WorkLine,
    line_snapshot,
)
from repairs.services.orders import lock_order, record_order_event
from repairs.steps import run_step

ADDRESS_HASH_SALT = "repairs.quote-consent.address"
PARCEL_CORRECTED = "correct_parcel"  # the history row's name (repairs.history labels it)


def hash_address(address: str) -> str:
    """The client's address as the consent keeps it: keyed, so it cannot be reversed by
    trying every IPv4 address, yet the same address always gives the same value.
    SHA-256 named explicitly: Django's default (SHA-1) is deprecated and will change."""
    return salted_hmac(ADDRESS_HASH_SALT, address, algorithm="sha256").hexdigest()


@transaction.atomic
def register_parcel(*, order: RepairOrder, carrier: str, tracking_number: str) -> RepairOrder:
    """The customer has sent the product: the order is on its way to the center."""
    order, _event = run_step(
        order,
        "register_shipment",
        actor=Actor.CUSTOMER,
        values={"carrier": carrier, "tracking_number": tracking_number},
        shown={"status": OrderStatus.AWAITING_SHIPMENT},
    )
    return order


@transaction.atomic
def correct_parcel(*, order: RepairOrder, carrier: str, tracking_number: str) -> Shipment:
    """The customer fixes a typo in the parcel they registered, while it is on its way: the
    center must look for the right number. Once the center has the product, the number no
    longer matters and is kept as it was. The history row keeps both spellings."""
    order = lock_order(order, shown={"status": OrderStatus.IN_TRANSIT})
    shipment = Shipment.objects.filter(
        repair_order=order, direction=Shipment.Direction.INBOUND
    ).first()
    if shipment is None:  # the center registered none yet: nothing to correct
        raise Stale
    parcel = tracking.normalize(carrier=carrier, tracking_number=tracking_number)
    before = f"{shipment.carrier} {shipment.tracking_number}"
    if (parcel.carrier, parcel.tracking_number) == (shipment.carrier, shipment.tracking_number):
        return shipment  # a second click or the same number again: nothing happened
    shipment.carrier = parcel.carrier
    shipment.tracking_number = parcel.tracking_number
    shipment.save(update_fields=["carrier", "tracking_number"])
    record_order_event(
        order=order,
        transition=PARCEL_CORRECTED,
        from_status=order.status,
        to_status=order.status,
        by_customer=True,
        internal_note=f"{before} → {parcel.carrier} {parcel.tracking_number}",
    )
    return shipment


@transaction.atomic
def decide_quote(
    *,
    order: RepairOrder,
    accept: bool,
    amount_shown: Decimal,
    wording: str,
    language: str,
    client_address: str,
) -> QuoteConsent:
    """The customer's written answer to the quote: the move, the consent record, the center's
    e-mail. `wording` is the text the page showed beside the button, `amount_shown` the price
    on it: a quote that changed since then is not the one the customer answered."""
    decision = QuoteConsent.Decision.ACCEPTED if accept else QuoteConsent.Decision.DECLINED
    order, event = run_step(
        order,
        "accept_quote" if accept else "decline_quote",
        actor=Actor.CUSTOMER,
        # What the customer was shown, in their words; the note itself is read in the
        # reader's language (claims.notes).
        values={"internal_note": wording},
        # The price the page showed is part of what the customer answered.
        shown={"status": OrderStatus.AWAITING_APPROVAL, "quote_amount": amount_shown},
    )
    notes.attach_note(
        event,
        code=notes.QUOTE_ACCEPTED_ONLINE if accept else notes.QUOTE_DECLINED_ONLINE,
        params={"amount": str(amount_shown)},
    )
    assert order.quote_amount is not None  # run_step checked it is still `amount_shown`
    consent = QuoteConsent.objects.create(
        repair_order=order,
        decision=decision,
        amount=order.quote_amount,
        description=order.quote_description,
        # The lines as they were when answered: a later revision does not rewrite them.
        lines=line_snapshot(
            WorkLine.objects.filter(repair_order=order, stage=WorkLine.Stage.ESTIMATE)
        ),
        wording=wording,
        language=language,
        client_address_hash=hash_address(client_address),
        status_event=event,
    )
    emails.queue_center_quote_email(order=order, consent=consent)
    return consent


@transaction.atomic
def rate_service(*, order: RepairOrder, score: int, comment: str = "") -> ServiceRating:
    """The customer's rating once the product is back: one per order."""
    if score not in ServiceRating.SCORES:
        raise ValidationError(_("Choose from 1 to 5 stars."), code="bad_score")
    if len(comment) > ServiceRating.COMMENT_MAX:
        raise ValidationError(_("The comment is too long."), code="long_comment")
    order = lock_order(order, shown={"status": OrderStatus.DELIVERED})
    if ServiceRating.objects.filter(repair_order=order).exists():
        raise Stale
    rating = ServiceRating.objects.create(
        repair_order=order, service_center_id=order.service_center_id, score=score, comment=comment
    )
    record_order_event(
        order=order,
        transition="rating",
        from_status=order.status,
        to_status=order.status,
        by_customer=True,
        internal_note=f"{score}/5" + (f"\n{comment}" if comment else ""),
    )
    return rating
