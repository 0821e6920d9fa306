"""Which remedy a verdict allows (DESIGN §1's policy table): pure rules, no ORM.

The verdict in force is the intake act's final verdict. A remedy step that contradicts it
(a refund four months after purchase, a price for a free warranty repair) is refused: the
technician changes the verdict first, with a reason (`repairs.services.change_final_verdict`),
so every exception to the policy has its reason in the history.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from claims.warranty import FREE_REPAIR, PAID_REPAIR, REPLACE_OR_REFUND, RETURN_REFUND

EARLY = frozenset({RETURN_REFUND, REPLACE_OR_REFUND})  # the first weeks after purchase

# The verdicts under which each remedy step may run; a step not named here has no rule.
# A replacement is allowed under "return and refund" too: in the first days the customer
# may take a new unit instead of the money (a lesser remedy than the one they are owed).
# A free repair is allowed under the early verdicts for the same reason.
ALLOWED_UNDER: dict[str, frozenset[str]] = {
    "resolve_refund": EARLY,
    "resolve_replacement": EARLY,
    "start_repair": EARLY | {FREE_REPAIR},
    "send_quote": frozenset({PAID_REPAIR}),
}

# Why a step is not offered, for the technician: what the verdict allows and the way on.
REFUSALS: dict[str, Promise] = {
    # "%(days)d days": a plural in every language (ngettext on `days`).
    "resolve_refund": ngettext_lazy(
        "The money is refunded only in the first %(days)d day after purchase; this "
        "order's verdict is “%(verdict)s”. To refund the money, first change the verdict "
        "and write why.",
        "The money is refunded only in the first %(days)d days after purchase; this "
        "order's verdict is “%(verdict)s”. To refund the money, first change the verdict "
        "and write why.",
        "days",
    ),
    "resolve_replacement": ngettext_lazy(
        "A new unit is given only in the first %(days)d day after purchase; this order's "
        "verdict is “%(verdict)s”. To replace the product, first change the verdict and "
        "write why.",
        "A new unit is given only in the first %(days)d days after purchase; this order's "
        "verdict is “%(verdict)s”. To replace the product, first change the verdict and "
        "write why.",
        "days",
    ),
    "start_repair": _(
        "The verdict is “%(verdict)s”: the repair starts once the customer accepts its "
        "price, so send the price. If the repair is free after all, first change the "
        "verdict and write why."
    ),
    "send_quote": _(
        "The verdict is “%(verdict)s”: the repair is free for the customer, so there is no "
        "price to send. If the customer must pay (damage they caused, say), first change "
        "the verdict and write why."
    ),
}


def verdict_allows(step: str, verdict: str) -> bool:
    """May `step` run under `verdict`? Steps without a rule always may."""
    allowed = ALLOWED_UNDER.get(step)
    return allowed is None or verdict in allowed


def refusal(step: str, *, verdict_label: str, early_days: int) -> str:
    """The technician's explanation of why `step` does not fit the verdict in force
    (`early_days`: the policy's replacement-or-refund period)."""
    return str(REFUSALS[step] % {"verdict": verdict_label, "days": early_days})
