"""What support's claim page shows: the steps allowed now, the e-mails, the reply clock."""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ObjectDoesNotExist
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims import mail_answers
from claims import selectors as claim_selectors
from claims.admin import ReplyClock, reply_clock
from claims.models import Verdict
from dreame_service.kit.fsm import Step as StepRow
from notifications.admin import template_label
from repairs import selectors
from repairs.admin.triage_forms import STEP_FORMS, StepForm
from repairs.history import case_history
from repairs.steps import TRIAGE_STEPS

# --- What the page shows -------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    row: StepRow
    form: StepForm
    url: str
    centers: list = field(default_factory=list)  # approve: nearest first, one preselected


def steps_allowed(claim, *, allowed: set[str], bound: StepForm | None = None) -> list[Step]:
    """The staff steps allowed now, each with its form; the usual decision first."""
    steps = []
    for name in STEP_FORMS:
        if name not in allowed:
            continue
        row = TRIAGE_STEPS[name]
        if bound is None or bound.prefix != name:
            form = STEP_FORMS[name](prefix=name, initial={"from_status": claim.status})
        else:
            form = bound  # shown again with what was typed
        hand_off = "service_center" in row.fields  # approval: the nearest centers first
        centers = selectors.suggested_centers(claim=claim) if hand_off else []
        url = reverse("admin:claims_claim_triage", args=[claim.pk, name])
        steps.append(Step(row=row, form=form, url=url, centers=centers))
    return steps


def _subject(notification) -> str:
    """The e-mail's subject, in the agent's language, as its event's name on the page."""
    try:
        template = get_template(f"emails/{notification.template}_subject.txt")
    except TemplateDoesNotExist:
        return notification.template
    # Plain text, as the outbox renders it; the page's template escapes it. The stubs type
    # get_template() as the engine-neutral protocol; DjangoTemplates' wrapper has `.template`.
    text = template.template.render(  # type: ignore[attr-defined]
        Context(notification.context, autoescape=False)
    )
    return " ".join(text.split())


def _emails(claim, order, *, links: bool) -> list:
    """The outbox rows, each with its subject and (for who may see the outbox) its link."""
    rows = claim_selectors.claim_emails(
        claim=claim, order_number=order.order_number if order else ""
    )
    for row in rows:
        # For the page's template only: neither is a field of the outbox row.
        row.subject = _subject(row)  # type: ignore[attr-defined]
        row.admin_url = (  # type: ignore[attr-defined]
            reverse("admin:notifications_notification_change", args=[row.pk]) if links else ""
        )
    return rows


def _phone_messages(claim, order) -> list:
    """Every WhatsApp and SMS attempt of the case, named like the e-mail it goes with."""
    rows = claim_selectors.claim_phone_messages(
        claim=claim, order_number=order.order_number if order else ""
    )
    for row in rows:
        row.label = template_label(row.template)  # type: ignore[attr-defined]
    return rows


def _order_of(claim):
    try:
        return claim.repair_order
    except ObjectDoesNotExist:
        return None


def _reply_clock(claim) -> ReplyClock | None:
    """The list's clock; the page has room to say "5 d. left" where the column says "5 d."."""
    clock = reply_clock(claim)
    if clock is None or clock.days_left <= 0:
        return clock
    return replace(clock, text=_("%(days)d d. left") % {"days": clock.days_left})


@dataclass(frozen=True)
class CustomerEmail:
    at: datetime.datetime
    subject: str
    text: str
    awaiting: bool  # no staff row after it yet: the claim list's «Awaiting an answer»


SHOWN_EMAILS = 3  # the newest ones; the history holds them all


def answer_card(claim, *, form) -> dict | None:
    """The answer form with the customer's newest e-mails above it, read off the history
    the page already loaded (no query of its own); None without a form (no permission)."""
    if form is None:
        return None
    events = getattr(claim, "history", None)
    if events is None:
        events = list(claim.status_events.all())
    replies = mail_answers.email_replies(events)
    shown = [
        CustomerEmail(
            at=reply.created_at,
            subject=str(reply.note_params.get("subject", "")),
            text=reply.internal_note,
            awaiting=not mail_answers.is_answered(reply, events),
        )
        for reply in replies[:SHOWN_EMAILS]
    ]
    return {
        "form": form,
        "url": reverse("admin:claims_claim_answer", args=[claim.pk]),
        "emails": shown,
        "more": len(replies) - len(shown),
    }


def workspace(
    claim, *, steps: list[Step], verdict_form, outbox_links: bool, answer_form=None
) -> dict:
    order = _order_of(claim)
    assessment = claim_selectors.claim_assessment(claim=claim)
    assessed_verdict: str | Promise = ""
    if assessment is not None and assessment.verdict != claim.verdict:
        assessed_verdict = dict(Verdict.choices)[assessment.verdict]
    return {
        "claim": claim,
        "assessment": assessment,
        "assessed_verdict": assessed_verdict,
        "clock": _reply_clock(claim),
        "order": order,
        "order_url": reverse("admin:repairs_repairorder_change", args=[order.pk]) if order else "",
        "files": claim_selectors.claim_files(claim=claim),
        "history": case_history(claim),
        "emails": _emails(claim, order, links=outbox_links),
        "phone_messages": _phone_messages(claim, order),
        "steps": steps,
        "verdict_form": verdict_form,
        "verdict_url": reverse("admin:claims_claim_verdict", args=[claim.pk]),
        "answer": answer_card(claim, form=answer_form),
    }
