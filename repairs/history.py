"""The case in words for staff: every StatusEvent of a claim and its order, and what the
intake act found beside what the claim said.

The workbench's order page and support's admin pages show the same timeline: when, who,
what happened (in the past tense: a step's `done`, never its button), the states as
labels (never a raw code), public and internal notes apart; and the same facts of the act:
its damage marks as labels, a serial that differs.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Channel, ClaimStatus, StatusEvent
from claims.notes import NoteReader
from claims.steps import CLAIM_STEPS
from repairs.models import IntakeAct, OrderStatus
from repairs.serials import same_serial
from repairs.steps import ORDER_STEPS

# History rows that are not transitions of either table: what happened, as the rows' `done`.
OTHER_STEPS = {
    "submit": _("Claim submitted"),
    "create": _("Repair order opened"),
    "note": _("Note added"),
    "reassign": _("Moved to another service center"),
    "correct": _("Customer's data corrected"),
    "override_verdict": _("Preliminary verdict changed"),
    "change_verdict": _("Final verdict changed"),
    "renew_link": _("New personal link sent"),
    "resend_link": _("Personal link sent again on request"),
    "rating": _("Customer rated the service"),
    "correct_parcel": _("Tracking number corrected"),
    "whatsapp_reply": _("Customer wrote on WhatsApp"),  # claims.phone_replies
    "email_reply": _("E-mail from the customer"),  # claims.mail_replies
    "email_answer": _("Support answered by e-mail"),  # claims.mail_answers
    "change_technician": _("Responsible technician changed"),  # repairs.services.owners
}
# The first row says which door the claim came in by (DESIGN §8); the site's is "submitted".
SUBMITTED_BY_CHANNEL = {
    Channel.EMAIL: _("Claim registered by support (e-mail)"),
    Channel.PHONE: _("Claim registered by support (phone call)"),
    Channel.COUNTER: _("Claim registered at the service center's counter"),
}
STATUS_UPDATED = _("Status updated")  # a code no table knows yet still shows no raw code


@dataclass(frozen=True)
class HistoryRow:
    is_order: bool
    what: str
    from_label: str
    to_label: str
    at: datetime.datetime
    at_text: str
    who: str
    public_note: str
    internal_note: str
    is_move: bool  # False for a note: the state stayed


def _status_label(code: str, *, is_order: bool) -> str:
    if not code:
        return ""
    labels = dict(OrderStatus.choices if is_order else ClaimStatus.choices)
    return str(labels.get(code, STATUS_UPDATED))


def _step_label(name: str, *, is_order: bool, channel: str = Channel.WEB) -> str:
    """What happened, in the past tense: the row's `done`, never its button."""
    if name == "submit" and not is_order and channel in SUBMITTED_BY_CHANNEL:
        return str(SUBMITTED_BY_CHANNEL[Channel(channel)])
    table = ORDER_STEPS if is_order else CLAIM_STEPS
    if name in table:
        return str(table[name].done)
    return str(OTHER_STEPS.get(name, STATUS_UPDATED))


def _who(event: StatusEvent) -> str:
    if event.by is not None:
        return event.by.get_full_name() or event.by.get_username()
    return str(_("Customer") if event.by_customer else _("System"))


def _newest_first(events):
    return events.select_related("by").order_by("-created_at", "-pk")


def history_prefetch(path: str) -> Prefetch:
    """Prefetch the claim's history at `path` ("status_events" from a claim,
    "claim__status_events" from an order) as `case_history` reads it: one query."""
    return Prefetch(path, queryset=_newest_first(StatusEvent.objects), to_attr="history")


def case_history(claim) -> list[HistoryRow]:
    """The claim's and its order's history, newest first, in words (never raw codes).

    Uses `claim.history` when the caller prefetched it (`history_prefetch`), else one query.
    """
    events = getattr(claim, "history", None)
    if events is None:
        events = _newest_first(claim.status_events)
    local = timezone.get_default_timezone()  # Asia/Almaty, whatever a request activated
    notes = NoteReader()  # automatic notes in the reader's language
    rows = []
    for event in events:
        is_order = event.subject == StatusEvent.Subject.ORDER
        at = timezone.localtime(event.created_at, timezone=local)
        rows.append(
            HistoryRow(
                is_order=is_order,
                what=_step_label(event.transition, is_order=is_order, channel=claim.channel),
                from_label=_status_label(event.from_status, is_order=is_order),
                to_label=_status_label(event.to_status, is_order=is_order),
                at=at,
                at_text=at.strftime("%d.%m.%Y %H:%M"),
                who=_who(event),
                public_note=event.public_note,
                internal_note=notes.staff_note(event),
                is_move=event.from_status != event.to_status,
            )
        )
    return rows


# --- The intake act beside the claim ------------------------------------------------------


def act_facts(act: IntakeAct | None, *, declared_serial: str) -> dict:
    """What the order pages say of the act: its damage marks as labels, and whether the
    serial found on the product is not the one the customer declared."""
    if act is None:
        return {"condition_marks": [], "serial_differs": False}
    labels = dict(IntakeAct.ConditionMark.choices)
    return {
        "condition_marks": [str(labels[mark]) for mark in act.condition_marks if mark in labels],
        "serial_differs": not same_serial(act.serial_number, declared_serial),
    }


def orders_with_case(orders):
    """`orders` with what both order pages (the workbench's, support's) show, joined or
    prefetched: order+claim+center+act+act author in one query, then one query each for
    the act's photos, the history (with authors) and the shipments."""
    return orders.select_related(
        "claim",
        "claim__product",
        "service_center",
        "intake_act",
        "intake_act__received_by",
        "fault_category",
    ).prefetch_related("intake_act__photos", history_prefetch("claim__status_events"), "shipments")
