"""The claim's transition table: name, service, what it needs, whether it e-mails, label.

The sources and targets stay on the model's `@transition` methods (DESIGN §3). Approval
here is the claim's half only; `repairs.transitions.TRIAGE_TRANSITIONS` completes it
with the hand-off that opens the repair order, and is what support's screens walk.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims import services


@dataclass(frozen=True)
class ClaimTransition:
    name: str
    service: Callable
    fields: tuple[str, ...]
    emails_customer: bool
    label: Promise


CLAIM_TRANSITIONS = {
    row.name: row
    for row in (
        ClaimTransition(
            "request_info",
            services.request_claim_info,
            ("message",),
            True,
            _("Request information"),
        ),
        ClaimTransition(
            "supplement",
            services.supplement_claim,
            ("text", "attachment"),
            False,
            _("The customer added information"),
        ),
        ClaimTransition("approve", services.approve_claim, (), False, _("Approve")),
        ClaimTransition("reject", services.reject_claim, ("reason",), True, _("Reject")),
        ClaimTransition("withdraw", services.withdraw_claim, (), True, _("Withdraw")),
        ClaimTransition("close", services.close_claim, (), False, _("Close")),
    )
}
