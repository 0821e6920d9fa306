"""The forms of support's claim page: one per staff step of the triage table, the verdict
override, the corrections of the customer's data, and the list's bulk approval."""

import uuid

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from claims import mail_answers, warranty
from claims import services as claim_services
from claims.forms import (
    POSTAL_CODE_MESSAGE,
    REGIONS,
    SINGLE_LINE_CLAIM_FIELDS,
    SingleLineField,
    _clean_kz_phone,
)
from claims.models import Claim, Verdict
from repairs.admin.common import active_centers
from repairs.models import ServiceCenter

TEXT_MAX = 2000
CORRECTABLE = claim_services.CORRECTABLE_FIELDS
TO_CUSTOMER = _("It goes into the e-mail to the customer as you write it.")


# --- The step forms: one per staff row of the triage table, fields named as its `fields` ---


class StepForm(forms.Form):
    # The state the page showed: a step chosen on a page that is out of date is refused.
    from_status = forms.CharField(widget=forms.HiddenInput)


class ApproveForm(StepForm):
    # Any center, not only active ones: the service refuses an inactive one with its own
    # message ("does not accept repairs now"), clearer than "not a valid choice".
    service_center = forms.ModelChoiceField(
        label=_("Service center"),
        queryset=ServiceCenter.objects.all(),
        error_messages={"required": _("Choose a service center first.")},
    )


class RequestInfoForm(StepForm):
    message = forms.CharField(
        label=_("What information is missing"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TO_CUSTOMER,
        error_messages={"required": _("Write what information is needed.")},
    )


class RejectForm(StepForm):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TO_CUSTOMER,
        error_messages={"required": _("Write the reason for the rejection.")},
    )


class WithdrawForm(StepForm):
    pass


# Support's rows of the triage table, in the order the page offers them; `supplement` (the
# customer's) and `close` (when the order ends) are not support's to take.
STEP_FORMS = {
    "approve": ApproveForm,
    "request_info": RequestInfoForm,
    "reject": RejectForm,
    "withdraw": WithdrawForm,
}


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("New preliminary verdict"), choices=Verdict.choices)
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Staff only: recorded in the history."),
        error_messages={"required": _("Write why the verdict changes.")},
    )


class EmailAnswerForm(forms.Form):
    """Support's answer to the customer's e-mail (claims.mail_answers)."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=mail_answers.MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "It goes to the customer's e-mail in the claim's language, in the same thread as "
            "their e-mail, with their personal link; «My repair» shows it too."
        ),
        error_messages={
            "required": _("Write the answer to the customer."),
            "max_length": mail_answers.TOO_LONG,
        },
    )
    # The page's own name for this form: sent twice (a double click), it answers once.
    form_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    @classmethod
    def fresh(cls) -> "EmailAnswerForm":
        return cls(prefix="answer", initial={"form_token": uuid.uuid4().hex})


class ClaimCorrectionForm(forms.ModelForm):
    """What the customer typed, correctable; checked as the claim form checks it."""

    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{6}$", error_messages={"invalid": POSTAL_CODE_MESSAGE}
    )

    class Meta:
        model = Claim
        fields = CORRECTABLE
        # The claim form's one-line rule: line breaks become a space, control characters
        # are refused.
        field_classes = dict.fromkeys(SINGLE_LINE_CLAIM_FIELDS, SingleLineField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "region" in self.fields:
            choices = list(REGIONS)
            current = self.instance.region
            if current and current not in dict(choices):
                choices.append((current, current))  # an old spelling stays choosable
            self.fields["region"] = forms.ChoiceField(label=_("Region"), choices=choices)

    def clean_phone(self):
        return _clean_kz_phone(self.cleaned_data["phone"])

    def clean_whatsapp(self):
        return _clean_kz_phone(self.cleaned_data["whatsapp"])

    def clean_purchase_date(self):
        purchase_date = self.cleaned_data["purchase_date"]
        warranty.validate_purchase_date(purchase_date, self.instance.submitted_date)
        return purchase_date


class TriageActionForm(ActionForm):
    service_center = forms.ModelChoiceField(
        label=_("Service center"), queryset=active_centers(), required=False
    )
