"""What «Мой ремонт» says about a claim before it becomes a repair order, in plain words.

The order's states have their own texts (repairs.status_text, the status page's); these
are the claim's, so the customer never sees a raw state code from submission on either.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims.models import ClaimStatus

S = ClaimStatus

CURRENT = {
    S.SUBMITTED: _("Support is checking your claim."),
    S.NEEDS_INFO: _("Support needs more information from you to decide on your claim."),
    S.APPROVED: _("Your claim is approved."),
    S.REJECTED: _("Your claim was not approved."),
    S.CLOSED: _("Your claim is closed."),
}

NEXT = {
    S.SUBMITTED: _(
        "We answer by the date below. If the claim is approved, we will tell you which "
        "service center to send the product to."
    ),
    S.NEEDS_INFO: _("Answer the question below. Support decides as soon as it has your answer."),
    S.REJECTED: _("The reason is below. If you have questions, write to support."),
    S.CLOSED: _("Nothing more to do. If you have questions, write to support."),
}

# The claim's rows in the customer's timeline, by the step that made them.
TIMELINE = {
    "submit": pgettext_lazy("repair timeline", "Claim received"),
    "request_info": pgettext_lazy("repair timeline", "Support asked for information"),
    "supplement": pgettext_lazy("repair timeline", "You added information"),
    "approve": pgettext_lazy("repair timeline", "Claim approved"),
    "reject": pgettext_lazy("repair timeline", "Claim not approved"),
    "withdraw": pgettext_lazy("repair timeline", "You withdrew the claim"),
}


def current_text(status: str) -> str:
    return str(CURRENT.get(status, ""))


def next_text(status: str) -> str:
    return str(NEXT.get(status, ""))
