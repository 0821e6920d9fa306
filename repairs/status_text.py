"""What the public status page says about each state, in plain words.

Customers never see a raw state code: each code maps to a sentence about where the
product is now, one about what happens next and roughly when, and a short label for the
timeline. Periods are what our centers usually manage, not promises, hence "usually".
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from repairs.models import OrderStatus

S = OrderStatus

CURRENT = {
    S.AWAITING_SHIPMENT: _("We are waiting for you to send the product to the service center."),
    S.IN_TRANSIT: _("Your product is on its way to the service center."),
    S.RECEIVED: _("The service center has received your product."),
    S.DIAGNOSTICS: _("The technician is finding out what is wrong with your product."),
    S.AWAITING_APPROVAL: _("The service center is waiting for your decision on the repair price."),
    S.IN_REPAIR: _("Your product is being repaired."),
    S.AWAITING_PARTS: _("The repair is waiting for spare parts."),
    S.READY_FOR_RETURN: _("Your product is ready to be sent back to you."),
    S.SHIPPED: _("Your product is on its way back to you."),
    S.DELIVERED: _("Your product has been delivered back to you."),
    S.REFUNDED: _("The service center has decided on a refund instead of a repair."),
    S.CANCELLED: _("The repair order has been cancelled."),
}

NEXT = {
    S.AWAITING_SHIPMENT: _(
        "Send the complete product with the receipt and the stamped warranty card. "
        "When it arrives, the center inspects it and gives you a stub with the order number."
    ),
    S.IN_TRANSIT: _(
        "When the parcel arrives, the center usually inspects the product within "
        "1–2 working days and issues the stub."
    ),
    S.RECEIVED: _("Diagnostics usually starts within 1–2 working days."),
    S.DIAGNOSTICS: _(
        "Diagnostics usually takes up to 3 working days. A warranty repair starts right "
        "after it; for a paid repair the center first tells you the price."
    ),
    S.AWAITING_APPROVAL: _(
        "Call the service center to approve or decline the price. The repair starts as "
        "soon as you approve; if you decline, the product is sent back unrepaired within "
        "1–2 working days."
    ),
    S.IN_REPAIR: _(
        "A repair usually takes 3 to 7 working days. When it is finished we will e-mail you "
        "and send the product back."
    ),
    S.AWAITING_PARTS: _(
        "Spare parts usually arrive within 2 to 4 weeks; the repair continues as soon as they do."
    ),
    S.READY_FOR_RETURN: _(
        "The product is usually handed to the carrier within 1–2 working days; you will get "
        "an e-mail with the tracking number."
    ),
    S.SHIPPED: _(
        "Delivery within Kazakhstan usually takes 2 to 7 days. You can follow the parcel "
        "with the tracking number below."
    ),
    S.DELIVERED: _(
        "Nothing more to do. If something is still wrong with the product, call the service center."
    ),
    S.REFUNDED: _(
        "We will contact you about returning the money, usually within 10 days. If no one "
        "has, call the service center."
    ),
    S.CANCELLED: _(
        "The reason is in the history below. If you have questions, call the service center."
    ),
}

TIMELINE = {
    S.AWAITING_SHIPMENT: pgettext_lazy("repair timeline", "Repair order opened"),
    S.IN_TRANSIT: pgettext_lazy("repair timeline", "Sent to the service center"),
    S.RECEIVED: pgettext_lazy("repair timeline", "Received by the service center"),
    S.DIAGNOSTICS: pgettext_lazy("repair timeline", "Diagnostics started"),
    S.AWAITING_APPROVAL: pgettext_lazy("repair timeline", "Price sent for your approval"),
    S.IN_REPAIR: pgettext_lazy("repair timeline", "Repair in progress"),
    S.AWAITING_PARTS: pgettext_lazy("repair timeline", "Waiting for spare parts"),
    S.READY_FOR_RETURN: pgettext_lazy("repair timeline", "Ready to be sent back"),
    S.SHIPPED: pgettext_lazy("repair timeline", "Shipped back to you"),
    S.DELIVERED: pgettext_lazy("repair timeline", "Delivered"),
    S.REFUNDED: pgettext_lazy("repair timeline", "Refund decided"),
    S.CANCELLED: pgettext_lazy("repair timeline", "Order cancelled"),
}
# A code this module does not know yet still must not leak to the customer.
UNKNOWN = pgettext_lazy("repair timeline", "Status updated")


def current_text(status: str) -> str:
    return str(CURRENT.get(status, UNKNOWN))


def next_text(status: str) -> str:
    return str(NEXT.get(status, ""))


def timeline_label(status: str) -> str:
    return str(TIMELINE.get(status, UNKNOWN))


# How many calendar days each state usually takes: the periods NEXT promises above, read at
# their upper bound, N working days counted as N + 2 weekend days per started week. The
# workbench marks an order overdue past them. States that wait on the customer (sending the
# parcel, deciding on the price) promise no period, so they have none here.
USUAL_DAYS = {
    S.RECEIVED: 4,  # diagnostics starts within 1–2 working days
    S.DIAGNOSTICS: 5,  # up to 3 working days
    S.IN_REPAIR: 11,  # 3 to 7 working days
    S.AWAITING_PARTS: 28,  # 2 to 4 weeks
    S.READY_FOR_RETURN: 4,  # handed to the carrier within 1–2 working days
    S.SHIPPED: 7,  # delivery within Kazakhstan, 2 to 7 days
}


def expected_by(status: str, entered_on: datetime.date) -> datetime.date | None:
    """The day an order that entered `status` on `entered_on` (a local date) usually moves
    on: the last day the workbench does not yet call it overdue. None for the states with
    no usual period (waiting on the customer, final)."""
    days = USUAL_DAYS.get(status)
    if days is None:
        return None
    return entered_on + datetime.timedelta(days=days)


def expected_by_after(status: str, entered_at: datetime.datetime) -> datetime.date | None:
    """`expected_by` for the moment the order entered `status`, counted in Almaty's days
    (TIME_ZONE), as the workbench counts the days in a state."""
    entered_on = timezone.localdate(entered_at, timezone=timezone.get_default_timezone())
    return expected_by(status, entered_on)
