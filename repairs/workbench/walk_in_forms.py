"""The walk-in's page is two forms under one <form>: the customer's claim (the public claim
form's fields and checks) and the intake act (the act form's). Their field names do not
meet: the claim's serial number is the act's, typed once.

Only what the counter changes is written here: the receipt may be missing (with the reason)
and may be photographed on the spot; the technician confirms the customer's consent; the
act's verdict defaults to what the policy gives for the purchase date.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims import uploads, warranty
from claims.forms import ClaimForm, SingleLineField
from claims.models import Claim, Verdict, WarrantyPolicy
from repairs.workbench.intake_forms import IntakeForm

RECEIPT_PHOTO_ACCEPT = "image/*"
RECEIPT_MISSING_REASON_MAX = Claim._meta.get_field("receipt_missing_reason").max_length
POLICY_VERDICT = ""


class WalkInClaimForm(ClaimForm):
    receipt_missing_reason = SingleLineField(
        label=_("Why there is no receipt"),
        required=False,
        max_length=RECEIPT_MISSING_REASON_MAX,
        help_text=_("For example: lost, a gift, the marketplace order is in the app."),
    )
    language = forms.ChoiceField(
        label=_("Language of the customer's e-mails"),
        choices=settings.LANGUAGES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["leave_empty"]  # a bot trap: the counter is staff
        receipt = self.fields["receipt"]
        assert isinstance(receipt, forms.FileField)
        receipt.required = False
        receipt.label = _("Receipt (photograph it, or choose the file)")
        # The tablet's camera opens straight away; a file from the gallery is also accepted.
        receipt.widget.attrs.update({"accept": RECEIPT_PHOTO_ACCEPT, "capture": "environment"})
        self.fields["whatsapp_same_as_phone"].label = _(
            "The customer's WhatsApp number is the same as the phone"
        )
        consent = self.fields["consent"]
        consent.label = _(
            "The customer agrees to the processing of their personal data to handle this claim."
        )
        consent.error_messages["required"] = _(
            "Ask the customer for the consent to data processing: without it the claim "
            "cannot be registered."
        )

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        return uploads.validate_receipt(receipt) if receipt else None

    def clean(self):
        cleaned = super().clean()
        if (
            "receipt" not in self.errors
            and not cleaned.get("receipt")
            and not cleaned.get("receipt_missing_reason")
        ):
            self.add_error(
                "receipt_missing_reason",
                ValidationError(
                    _("Photograph the receipt, or write why the customer has none."),
                    code="reason_required",
                ),
            )
        return cleaned

    def claim_data(self) -> dict:
        data = super().claim_data()
        data["receipt_missing_reason"] = (
            "" if self.cleaned_data.get("receipt") else self.cleaned_data["receipt_missing_reason"]
        )
        return data


def provisional_claim(
    claim_form: WalkInClaimForm, *, policy: WarrantyPolicy | None, today: datetime.date
) -> Claim:
    """What the act is checked against before the claim exists: its serial number and the
    verdict `submit_claim` will give (the policy's, for the purchase date). Unsaved."""
    cleaned = getattr(claim_form, "cleaned_data", {})
    purchase_date = cleaned.get("purchase_date")
    verdict = ""
    if purchase_date and policy is not None:
        verdict = warranty.assess(purchase_date, today, policy).verdict
    return Claim(serial_number=cleaned.get("serial_number", ""), verdict=verdict)


class WalkInActForm(IntakeForm):
    """The act of a product the customer hands over now: no parcel, the serial number is
    the claim's, the receipt is enclosed when it was photographed."""

    def __init__(self, *args, claim, checklist, has_receipt: bool = False, **kwargs):
        kwargs.setdefault("initial", {"final_verdict": POLICY_VERDICT})
        super().__init__(*args, claim=claim, checklist=checklist, **kwargs)
        self.receipt_given = has_receipt
        for name in ("serial_number", "confirm_serial", "has_receipt", "received_by_post"):
            del self.fields[name]
        verdict = self.fields["final_verdict"]
        assert isinstance(verdict, forms.ChoiceField)
        verdict.required = False
        verdict.choices = [
            (POLICY_VERDICT, _("As the warranty policy gives for the purchase date")),
            *Verdict.choices,
        ]
        verdict.help_text = _(
            "The portal gives the preliminary verdict from the purchase date. Choose another "
            "only with a reason; no receipt, no warranty card or damage caused by the user "
            "usually means a paid repair."
        )
        self.fields["accessories"].help_text = _(
            "Tick what the customer hands over; the act lists the rest as missing."
        )
        self.fields["other_items"].label = _("Anything else handed over")

    def clean_final_verdict(self):
        return self.cleaned_data.get("final_verdict") or self.claim.verdict

    def clean(self):
        self.cleaned_data["has_receipt"] = self.receipt_given
        return super().clean()

    def _check_verdict(self, cleaned) -> None:
        if self.claim.verdict:  # unknown until the purchase date is right: checked then
            super()._check_verdict(cleaned)

    def act_data(self) -> dict:
        self.cleaned_data["serial_number"] = self.claim.serial_number
        return super().act_data()
