"""What «Мой ремонт» says about a claim before it becomes a repair order, in plain words.

The order's states have their own texts (repairs.states, the status page's); these
are the claim's, so the customer never sees a raw state code from submission on either.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims.models import ClaimStatus

S = ClaimStatus

CURRENT: dict[str, Promise] = {
    S.SUBMITTED: _("Support is checking your claim."),
    S.NEEDS_INFO: _("Support needs more information from you to decide on your claim."),
    S.APPROVED: _("Your claim is approved."),
    S.REJECTED: _("Your claim was not approved."),
    S.CLOSED: _("Your claim is closed."),
}

NEXT: dict[str, Promise] = {
    S.SUBMITTED: _(
        "We answer by the date below. If the claim is approved, we will tell you which "
        "service center to send the product to."
    ),
    S.NEEDS_INFO: _("Answer the question below. Support decides as soon as it has your answer."),
    S.REJECTED: _("The reason is below. If you have questions, write to support."),
    S.CLOSED: _("Nothing more to do. If you have questions, write to support."),
}

# The claim's first line in the customer's timeline; each step's is in its row
# (claims.steps.CLAIM_STEPS).
SUBMITTED = pgettext_lazy("repair timeline", "Claim received")


def current_text(status: str) -> str:
    return str(CURRENT.get(status, ""))


def next_text(status: str) -> str:
    return str(NEXT.get(status, ""))
