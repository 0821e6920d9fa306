"""Writes on claims besides the steps: a new claim, its history row, the personal link,
corrections and the verdict. Every state change is a step (`claims.steps.run_claim_step`).

`claims` knows nothing of repairs: approving a claim and opening its repair order is one
hand-off that lives downstream (`repairs.services.approve_claim_and_open_order`), and the
order's final state closes the claim through the claim's own step runner.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import (
    claim_numbers,
    duplicates,
    emails,
    links,
    notes,
    phone_consent,
    search,
    selectors,
    warranty,
)
from claims.models import (
    LINK_DAYS_AFTER_END,
    AttachmentKind,
    Channel,
    ChannelConsent,
    Claim,
    ClaimAttachment,
    StatusEvent,
    Verdict,
    WarrantyPolicy,
)
from dreame_service.kit.formats import format_date

CLAIM_NUMBER_ATTEMPTS = 5


def record_status_event(
    *,
    claim: Claim,
    transition: str,
    from_status: str,
    to_status: str,
    subject: str = StatusEvent.Subject.CLAIM,
    by: User | None = None,
    by_customer: bool = False,
    public_note: str = "",
    internal_note: str = "",
    note_code: str = "",
    note_params: dict[str, Any] | None = None,
) -> StatusEvent:
    """The case's history row; written in the transaction of the change it records.

    `by_customer`: the customer acted (through the personal link or a public form), not a
    user account and not the system.
    """
    return StatusEvent.objects.create(
        claim=claim,
        subject=subject,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        by=by,
        by_customer=by_customer,
        public_note=public_note,
        internal_note=internal_note,
        note_code=note_code,
        note_params=note_params or {},
    )


class DuplicateClaim(Exception):  # noqa: N818 - a state of the world, not a bug
    """This claim was already filed a moment ago: `number` is the one saved."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


def submit_claim(
    *,
    data: Mapping[str, Any],
    receipt: "UploadedFile[bytes] | None" = None,
    language: str = "ru",
    policy: WarrantyPolicy | None = None,
    channel: str = Channel.WEB,
    registered_by: User | None = None,
) -> Claim:
    """Save a customer's claim with its preliminary verdict and queue its e-mails.

    `data` holds the claim form's cleaned fields (names as on Claim). A claim is saved
    even when the broker or SMTP is down: the e-mails wait in the outbox. Every door
    (DESIGN §8) comes through here: `channel` says which, `registered_by` who typed it in
    for the customer (none for the web form).
    """
    policy = policy or selectors.warranty_policy()
    if policy is None:
        raise RuntimeError("No warranty policy: load the reference data first")
    submitted_at = timezone.now()
    today = timezone.localdate(submitted_at)
    assessment = warranty.assess(data["purchase_date"], today, policy)
    guard = duplicates.key(data=data, at=submitted_at)
    for _attempt in range(CLAIM_NUMBER_ATTEMPTS):
        claim = Claim(
            **data,
            number=claim_numbers.generate(),
            verdict=assessment.verdict,
            language=language,
            submitted_at=submitted_at,
            channel=channel,
            registered_by=registered_by,
            response_due_date=today + datetime.timedelta(days=policy.response_days),
            duplicate_key=guard,
        )
        if receipt is not None:
            claim.receipt = receipt
        try:
            with transaction.atomic():
                claim.save()
                _record_first_choice(claim)
                event = record_status_event(
                    claim=claim,
                    transition="submit",
                    from_status="",
                    to_status=claim.status,
                    by=registered_by,
                    by_customer=registered_by is None,
                )
                emails.queue_claim_email(claim=claim, event="claim_received", status_event=event)
                emails.queue_staff_email(claim=claim, event="staff_new_claim", status_event=event)
            return claim
        except IntegrityError:
            earlier = Claim.objects.filter(duplicate_key=guard).only("number").first()
            if earlier is not None:
                raise DuplicateClaim(earlier.number) from None
            if not Claim.objects.filter(number=claim.number).exists():
                raise
    raise RuntimeError("Could not draw a free claim number")


@transaction.atomic
def register_claim(
    *,
    data: Mapping[str, Any],
    receipt: "UploadedFile[bytes] | None",
    attachments: Sequence["UploadedFile[bytes]"] = (),
    language: str,
    channel: str,
    by: User,
    from_message: int | None = None,
) -> Claim:
    """A claim that came by e-mail or phone, typed in by support: submitted as the web's
    are (`submit_claim`: number, verdict, e-mails, personal link), with the other files the
    customer sent kept beside the receipt and, when it was made from a message of the
    support mailbox, that message filed with it. All or nothing: a duplicate saves none."""
    claim = submit_claim(
        data=data, receipt=receipt, language=language, channel=channel, registered_by=by
    )
    for upload in attachments:
        ClaimAttachment.objects.create(claim=claim, kind=AttachmentKind.FILE, file=upload)
    if from_message is not None:
        # Here, not at the top: mail_replies files its rows through this module's services.
        from claims import mail_replies

        try:
            mail_replies.attach_draft_message(claim=claim, message_pk=from_message, by=by)
        except mail_replies.NotADraft:
            raise ValidationError(
                _(
                    "The e-mail this claim was made from has been filed or set aside by "
                    "someone else meanwhile. The claim was not saved: check the e-mail first."
                ),
                code="not_a_draft",
            ) from None
    return claim


# --- News on the phone: the customer's consent, per channel --------------------------


# Where the first choice was made, by the door the claim came in: support reads the words
# to the customer on the call; the site shows them on its form.
FIRST_CHOICE_WHERE = {Channel.PHONE: ChannelConsent.Where.SUPPORT_CALL}


def _record_first_choice(claim: Claim) -> None:
    """The channels ticked with the claim, each with the words the customer saw or heard."""
    where = FIRST_CHOICE_WHERE.get(Channel(claim.channel), ChannelConsent.Where.CLAIM_FORM)
    for channel, field in phone_consent.FIELDS.items():
        if getattr(claim, field):
            _keep_choice(claim, channel, given=True, where=where)


def _keep_choice(claim: Claim, channel: str, *, given: bool, where: str) -> None:
    ChannelConsent.objects.create(
        claim=claim,
        channel=channel,
        given=given,
        wording=phone_consent.wording(channel, language=claim.language),
        language=claim.language,
        where=where,
    )


@transaction.atomic
def choose_phone_news(*, claim: Claim, whatsapp: bool, sms: bool) -> list[str]:
    """The customer turns each channel on or off on «Мой ремонт»; only a real change is
    kept (with the words shown). Returns the channels that changed. WhatsApp needs the
    claim's WhatsApp number."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if whatsapp and not claim.whatsapp:
        raise ValidationError(
            _("There is no WhatsApp number in the claim: write to support to add it."),
            code="no_whatsapp",
        )
    wanted = {ChannelConsent.Channel.WHATSAPP: whatsapp, ChannelConsent.Channel.SMS: sms}
    changed: dict[str, str] = {}  # channel: the claim's field
    for channel, given in wanted.items():
        field = phone_consent.FIELDS[channel]
        if getattr(claim, field) == given:
            continue
        setattr(claim, field, given)
        _keep_choice(claim, channel, given=given, where=ChannelConsent.Where.MY_REPAIR)
        changed[str(channel)] = field
    if changed:
        claim.save(update_fields=[*changed.values(), "updated_at"])
    return list(changed)


# --- The personal link ---------------------------------------------------------------

# A contact names at most this many claims' links in one "send my link again" e-mail run.
RESENT_LINKS_MAX = 3


def _email_link(
    *, claim: Claim, transition: str, by: User | None = None, by_customer: bool = False
) -> None:
    """E-mail the claim's personal link to the claim's own address, with a history row."""
    event = record_status_event(
        claim=claim,
        transition=transition,
        from_status=claim.status,
        to_status=claim.status,
        by=by,
        by_customer=by_customer,
    )
    emails.queue_claim_email(claim=claim, event="my_link", status_event=event)


@transaction.atomic
def resend_link_for_repeated_claim(*, number: str) -> None:
    """The same claim was sent again from another form page: its personal link goes to its
    own address again (the sender may be someone else and is shown nothing of it)."""
    claim = Claim.objects.filter(number=number).first()
    if claim is not None:
        _email_link(claim=claim, transition="resend_link", by_customer=True)


@transaction.atomic
def renew_link(*, claim: Claim, by: User | None) -> Claim:
    """Support revokes the customer's personal link (forwarded, leaked) and e-mails a new
    one to the claim's address: the old token names no claim from now on."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.link_key = links.new_link_key()
    claim.save(update_fields=["link_key", "updated_at"])
    _email_link(claim=claim, transition="renew_link", by=by)
    return claim


def claims_for_contact(contact: str) -> list[Claim]:
    """The newest claims whose e-mail or phone is `contact` and whose link still works."""
    readings = search.parse(contact)
    if readings is None or not (readings.phone or readings.email):
        return []
    found = Q(phone=readings.phone) if readings.phone else Q(email__iexact=readings.email)
    still_open = Q(ended_at__isnull=True) | Q(ended_at__gt=timezone.now() - LINK_DAYS_AFTER_END)
    return list(
        Claim.objects.filter(found, still_open).order_by("-submitted_at")[:RESENT_LINKS_MAX]
    )


@transaction.atomic
def send_links_again(*, contact: str) -> int:
    """The customer lost the e-mail: each matching claim's link goes to that claim's own
    address, never to what was typed. Returns how many were sent (never shown to them)."""
    claims = claims_for_contact(contact)
    for claim in claims:
        _email_link(claim=claim, transition="resend_link", by_customer=True)
    return len(claims)


# --- Corrections by support: no state changes, but each one is a history row --------------

# What the customer typed that support may correct (a typo in an address is a real need);
# everything else on the claim is written by a transition.
CORRECTABLE_FIELDS = (
    "full_name",
    "email",
    "phone",
    "whatsapp",
    "region",
    "city",
    "address",
    "postal_code",
    "product_model",
    "serial_number",
    "purchase_date",
    "seller",
    "fault_description",
)


def _as_text(value: object) -> str:
    """A field's value as the history shows it: dates ДД.ММ.ГГГГ, phones E.164, "—" empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(getattr(value, "as_e164", value))


@transaction.atomic
def correct_claim(*, claim: Claim, changes: Mapping[str, object], by: User | None) -> Claim:
    """Save support's corrections of the customer's data with one history row listing
    each "field: old → new"; no row when nothing actually changed.

    `changes` maps names of CORRECTABLE_FIELDS to new values (a form's cleaned data).
    """
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable here: {sorted(unknown)}")
    # Lock: compare with what is stored now, not with what the agent's page loaded.
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    corrections, changed = [], []
    for field in CORRECTABLE_FIELDS:
        if field not in changes:
            continue
        old, new = _as_text(getattr(claim, field)), _as_text(changes[field])
        if old == new:
            continue
        setattr(claim, field, changes[field])
        changed.append(field)
        corrections.append([field, old, new])
    if not changed:
        return claim
    claim.save(update_fields=[*changed, "updated_at"])
    # An automatic note: each field named in the reader's language, the values as typed.
    record_status_event(
        claim=claim,
        transition="correct",
        from_status=claim.status,
        to_status=claim.status,
        by=by,
        note_code=notes.DATA_CORRECTED,
        note_params={"changes": corrections},
    )
    return claim


@transaction.atomic
def override_verdict(*, claim: Claim, verdict: str, reason: str, by: User | None) -> Claim:
    """Support replaces the preliminary verdict (it is not a state: no transition), with
    the reason in the history for whoever reads the claim next."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the verdict changes."), code="reason_required")
    if verdict not in Verdict.values:
        raise ValidationError(_("Choose one of the verdicts."), code="unknown_verdict")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.verdict == verdict:
        raise ValidationError(_("The claim already has this verdict."), code="same_verdict")
    # An automatic note: read in the reader's language (claims.notes); the reason as typed.
    params = {"old": claim.verdict, "new": verdict, "reason": reason}
    claim.verdict = verdict
    claim.save(update_fields=["verdict", "updated_at"])
    record_status_event(
        claim=claim,
        transition="override_verdict",
        from_status=claim.status,
        to_status=claim.status,
        by=by,
        note_code=notes.VERDICT_OVERRIDDEN,
        note_params=params,
    )
    return claim
