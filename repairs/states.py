"""Everything a repair order's state means to the people who see it, in one table.

For each state: what the customer reads about it (what is happening now, or where the product
is when that is what matters, what comes next and roughly when, its line in the timeline; «Мой
ремонт» may say what to do there instead),
how many days it usually takes, the workbench queue's tab and the support badge's colour.
Customers never see a raw state code. Periods are what our centers usually manage, not
promises, hence "usually"; `usual_days` reads them at their upper bound, N working days
counted as N + 2 weekend days per started week, and the workbench marks an order overdue
past it. States that wait on the customer (sending the parcel, deciding on the price)
promise no period; final states have no tab (they are history, not work).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from repairs.models import OrderStatus

S = OrderStatus


@dataclass(frozen=True)
class StateFacts:
    current: Promise
    next: Promise
    timeline: Promise
    usual_days: int | None
    tab: Promise | None
    tone: str  # the badge: waiting, work, return, done, cancelled
    next_online: Promise | None = None  # «Мой ремонт», where the customer acts on the page
    # Whether `current` says where the product is: its heading on the customers' pages is
    # then «Where your product is now», else «What is happening now» (the product may still
    # be at home while support reads the claim).
    says_where: bool = False


# The heading above `current` on the status page and «Мой ремонт».
WHERE_HEADING = _("Where your product is now")
NOW_HEADING = _("What is happening now")


STATES: dict[str, StateFacts] = {
    S.AWAITING_SHIPMENT: StateFacts(
        current=_("We are waiting for you to send the product to the service center."),
        next=_(
            "Send the complete product with the receipt and the stamped warranty card. "
            "When it arrives, the center inspects it and gives you a stub with the order number."
        ),
        timeline=pgettext_lazy("repair timeline", "Repair order opened"),
        usual_days=None,
        tab=pgettext_lazy("workbench queue", "Awaiting shipment"),
        tone="waiting",
    ),
    S.IN_TRANSIT: StateFacts(
        current=_("Your product is on its way to the service center."),
        next=_(
            "When the parcel arrives, the center usually inspects the product within "
            "1–2 working days and issues the stub."
        ),
        timeline=pgettext_lazy("repair timeline", "Sent to the service center"),
        usual_days=None,
        tab=pgettext_lazy("workbench queue", "In transit"),
        tone="waiting",
        says_where=True,
    ),
    S.RECEIVED: StateFacts(
        current=_("The service center has received your product."),
        next=_("Diagnostics usually starts within 1–2 working days."),
        timeline=pgettext_lazy("repair timeline", "Received by the service center"),
        usual_days=4,  # diagnostics starts within 1–2 working days
        tab=pgettext_lazy("workbench queue", "Received"),
        tone="work",
        says_where=True,
    ),
    S.DIAGNOSTICS: StateFacts(
        current=_("The technician is finding out what is wrong with your product."),
        next=_(
            "Diagnostics usually takes up to 3 working days. A warranty repair starts right "
            "after it; for a paid repair the center first tells you the price."
        ),
        timeline=pgettext_lazy("repair timeline", "Diagnostics started"),
        usual_days=5,  # up to 3 working days
        tab=pgettext_lazy("workbench queue", "Diagnostics"),
        tone="work",
    ),
    S.AWAITING_APPROVAL: StateFacts(
        current=_("The service center is waiting for your decision on the repair price."),
        next=_(
            "Accept or decline the price on «My repair»: open it with the personal link in any "
            "of our e-mails. Or call the service center. The repair starts as soon as you "
            "accept; if you decline, the product is sent back unrepaired within 1–2 working days."
        ),
        timeline=pgettext_lazy("repair timeline", "Price sent for your approval"),
        usual_days=None,
        tab=pgettext_lazy("workbench queue", "Awaiting approval"),
        tone="waiting",
        next_online=_(
            "Accept or decline the price below. The repair starts as soon as you accept; if "
            "you decline, the product is sent back unrepaired within 1–2 working days."
        ),
    ),
    S.IN_REPAIR: StateFacts(
        current=_("Your product is being repaired."),
        next=_(
            "A repair usually takes 3 to 7 working days. When it is finished we will e-mail you "
            "and send the product back."
        ),
        timeline=pgettext_lazy("repair timeline", "Repair in progress"),
        usual_days=11,  # 3 to 7 working days
        tab=pgettext_lazy("workbench queue", "In repair"),
        tone="work",
    ),
    S.AWAITING_PARTS: StateFacts(
        current=_("The repair is waiting for spare parts."),
        next=_(
            "Spare parts usually arrive within 2 to 4 weeks; the repair continues as soon "
            "as they do."
        ),
        timeline=pgettext_lazy("repair timeline", "Waiting for spare parts"),
        usual_days=28,  # 2 to 4 weeks
        tab=pgettext_lazy("workbench queue", "Awaiting parts"),
        tone="work",
    ),
    S.READY_FOR_RETURN: StateFacts(
        current=_("Your product is ready to be sent back to you."),
        next=_(
            "The product is usually handed to the carrier within 1–2 working days; you will get "
            "an e-mail with the tracking number."
        ),
        timeline=pgettext_lazy("repair timeline", "Ready to be sent back"),
        usual_days=4,  # handed to the carrier within 1–2 working days
        tab=pgettext_lazy("workbench queue", "Ready for return"),
        tone="return",
    ),
    S.SHIPPED: StateFacts(
        current=_("Your product is on its way back to you."),
        next=_(
            "Delivery within Kazakhstan usually takes 2 to 7 days. You can follow the parcel "
            "with the tracking number below."
        ),
        timeline=pgettext_lazy("repair timeline", "Shipped back to you"),
        usual_days=7,  # delivery within Kazakhstan, 2 to 7 days
        tab=pgettext_lazy("workbench queue", "Shipped"),
        tone="return",
        says_where=True,
    ),
    S.DELIVERED: StateFacts(
        current=_("Your product has been delivered back to you."),
        next=_(
            "Nothing more to do. If something is still wrong with the product, call the "
            "service center."
        ),
        timeline=pgettext_lazy("repair timeline", "Delivered"),
        usual_days=None,
        tab=None,
        tone="done",
        says_where=True,
    ),
    S.REFUNDED: StateFacts(
        current=_("The service center has decided on a refund instead of a repair."),
        next=_(
            "We will contact you about returning the money, usually within 10 days. If no one "
            "has, call the service center."
        ),
        timeline=pgettext_lazy("repair timeline", "Refund decided"),
        usual_days=None,
        tab=None,
        tone="done",
    ),
    S.CANCELLED: StateFacts(
        current=_("The repair order has been cancelled."),
        next=_(
            "The reason is in the history below. If you have questions, call the service center."
        ),
        timeline=pgettext_lazy("repair timeline", "Order cancelled"),
        usual_days=None,
        tab=None,
        tone="cancelled",
    ),
}
# A code this table does not know yet still must not leak to the customer.
UNKNOWN = pgettext_lazy("repair timeline", "Status updated")

# Read from the table, never written beside it.
USUAL_DAYS = {code: facts.usual_days for code, facts in STATES.items() if facts.usual_days}
QUEUE_STATES = tuple(code for code, facts in STATES.items() if facts.tab is not None)


def current_text(status: str) -> str:
    facts = STATES.get(status)
    return str(facts.current if facts else UNKNOWN)


def now_heading(status: str) -> str:
    """The heading above the state's `current` text; a claim's states (no order yet) and
    unknown codes get «What is happening now»."""
    facts = STATES.get(status)
    return str(WHERE_HEADING if facts and facts.says_where else NOW_HEADING)


def next_text(status: str, *, online: bool = False) -> str:
    facts = STATES.get(status)
    if facts is None:
        return ""
    return str(facts.next_online if online and facts.next_online else facts.next)


def timeline_label(status: str) -> str:
    facts = STATES.get(status)
    return str(facts.timeline if facts else UNKNOWN)


def tab_label(status: str) -> str:
    """The queue's short name for a state; a finished order (found by a search) has no
    tab, so its model label."""
    facts = STATES.get(status)
    if facts is not None and facts.tab is not None:
        return str(facts.tab)
    return str(dict(OrderStatus.choices).get(status, UNKNOWN))


def tone(status: str) -> str:
    facts = STATES.get(status)
    return facts.tone if facts else "work"


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
