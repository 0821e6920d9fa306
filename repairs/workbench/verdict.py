"""The order page's guard rails: why a step is not offered now, and changing the final
verdict (with a reason) so that a step the policy refused becomes possible.

The rules are the domain's: which verdict allows which remedy (`repairs.models.remedies`,
the transitions' conditions), who may cancel once shipped (the cancel transition's
permission), where the verdict may change (`repairs.services.may_change_verdict`). This
module puts them in the technician's words.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Verdict, WarrantyPolicy
from claims.selectors import warranty_policy
from repairs import services, steps
from repairs.models import RepairOrder
from repairs.models.orders import technician_may_cancel
from repairs.models.remedies import ALLOWED_UNDER, refusal, verdict_allows
from repairs.step_forms import VerdictChangeForm

TITLE = gettext_lazy("Change the final verdict")


def why_not_offered(order: RepairOrder, name: str, *, user, early_days: int | None = None) -> str:
    """Why step `name`, possible from the order's state, is not the technician's to run
    now; "" when it is, or when the state rules it out anyway. `early_days` saves the
    policy's lookup when the caller has it."""
    if not _possible_now(order, name):
        return ""
    if name in ALLOWED_UNDER and not verdict_allows(name, order.verdict_in_force):
        return refusal(
            name,
            verdict_label=str(dict(Verdict.choices).get(order.verdict_in_force, "—")),
            early_days=_early_days() if early_days is None else early_days,
        )
    if name == "cancel" and not technician_may_cancel(order, user):
        return _(
            "The product is on its way back to the customer: only support can cancel the "
            "order now (a lost parcel, say). Write to support."
        )
    return ""


def refused_steps(order: RepairOrder, *, user) -> list[tuple[str, str]]:
    """(label, why) of each remedy step the order's state allows but its verdict refuses."""
    refused = [
        (name, row)
        for name, row in steps.ORDER_STEPS.items()
        if name in ALLOWED_UNDER
        and _possible_now(order, name)
        and not verdict_allows(name, order.verdict_in_force)
    ]
    if not refused:
        return []  # no policy lookup on most pages
    early_days = _early_days()
    return [
        (str(row.label), why_not_offered(order, name, user=user, early_days=early_days))
        for name, row in refused
    ]


def _possible_now(order: RepairOrder, name: str) -> bool:
    """Does the state machine allow step `name` from the order's state (whatever else)?"""
    return any(source in (order.status, "*") for step, source, _t in _moves() if step == name)


def _moves() -> list[tuple[str, str, str]]:
    return steps.declared_moves()


def _early_days() -> int:
    policy = warranty_policy()
    if policy is not None:
        return policy.replace_days
    return int(WarrantyPolicy._meta.get_field("replace_days").get_default())


# --- Changing the final verdict ----------------------------------------------------------


def verdict_form_for(order: RepairOrder, *, user) -> VerdictChangeForm | None:
    """A blank form when the verdict may be changed here now (after intake, before the
    remedy is chosen)."""
    if not services.may_change_verdict(user=user, order=order):
        return None
    return VerdictChangeForm(order=order)
