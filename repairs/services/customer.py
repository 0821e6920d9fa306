"""What the customer does to their order through «Мой ремонт» (the personal link).

The customer has no user account: each service here is the customer's permission check
(the order must be in the one state the step is offered in, checked under the row's lock,
so a stale page or a second click changes nothing) and then takes the same move path as a
technician, recorded "by the customer".
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import services as claim_services
from claims.models import StatusEvent
from dreame_service.formats import format_kzt
from dreame_service.fsm import lock_in_state
from repairs import emails
from repairs.models import OrderStatus, QuoteConsent, RepairOrder, ServiceRating
from repairs.services import steps
from repairs.services.moves import move_order

ADDRESS_HASH_SALT = "repairs.quote-consent.address"


class NotNow(Exception):  # noqa: N818 - a state of the world, not a bug
    """The order is no longer where the customer's page showed it: nothing was changed."""


def _locked_in(order: RepairOrder, status: str) -> RepairOrder:
    return lock_in_state(RepairOrder, pk=order.pk, expected=status, changed=NotNow)


def hash_address(address: str) -> str:
    """The client's address as the consent keeps it: keyed, so it cannot be reversed by
    trying every IPv4 address, yet the same address always gives the same value.
    SHA-256 named explicitly: Django's default (SHA-1) is deprecated and will change."""
    return salted_hmac(ADDRESS_HASH_SALT, address, algorithm="sha256").hexdigest()


@transaction.atomic
def register_parcel(*, order: RepairOrder, carrier: str, tracking_number: str) -> RepairOrder:
    """The customer has sent the product: the order is on its way to the center."""
    _locked_in(order, OrderStatus.AWAITING_SHIPMENT)
    return steps.register_shipment(
        order=order, carrier=carrier, tracking_number=tracking_number, by=None, by_customer=True
    )


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
    order = _locked_in(order, OrderStatus.AWAITING_APPROVAL)
    if order.quote_amount != amount_shown:
        raise NotNow
    decision = QuoteConsent.Decision.ACCEPTED if accept else QuoteConsent.Decision.DECLINED
    with translation.override(settings.LANGUAGE_CODE):  # staff read the history in Russian
        summary = gettext("Answered online through «My repair»: %(decision)s, %(amount)s.") % {
            "decision": QuoteConsent.Decision(decision).label,
            "amount": format_kzt(order.quote_amount),
        }
    order, event = move_order(
        order=order,
        transition="accept_quote" if accept else "decline_quote",
        by=None,
        by_customer=True,
        internal_note=f"{summary}\n{wording}",
    )
    consent = QuoteConsent.objects.create(
        repair_order=order,
        decision=decision,
        amount=order.quote_amount,
        description=order.quote_description,
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
    order = _locked_in(order, OrderStatus.DELIVERED)
    if ServiceRating.objects.filter(repair_order=order).exists():
        raise NotNow
    rating = ServiceRating.objects.create(
        repair_order=order, service_center_id=order.service_center_id, score=score, comment=comment
    )
    claim_services.record_status_event(
        claim=order.claim,
        subject=StatusEvent.Subject.ORDER,
        transition="rating",
        from_status=order.status,
        to_status=order.status,
        by_customer=True,
        internal_note=f"{score}/5" + (f"\n{comment}" if comment else ""),
    )
    return rating
