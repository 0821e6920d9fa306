"""Support's form for a claim that came by e-mail or by phone (DESIGN §8).

The claim form's fields, names and checks (`ClaimForm`), with what only support knows: the
door it came by, the customer's language, the files of their e-mail, and why there is no
receipt when there is none. Support reads the phone-news words to the customer on a call;
an e-mail has not shown them, so there the customer turns the news on at «Мой ремонт».
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import phone_consent, uploads
from claims.forms import (
    RECEIPT_ACCEPT,
    ClaimForm,
    MultipleFileField,
    MultipleFileInput,
    SingleLineField,
    _receipt_field,
    set_files_limits,
    set_request_limit,
    validate_files,
)
from claims.models import Channel

# The doors support types claims in for: the site's form is the customer's own, the
# counter has the workbench's walk-in page. A call first: an e-mail's draft claim comes
# with `?channel=email` (DESIGN §8), the page opened by hand is most often a call.
REGISTRATION_CHANNELS = [Channel.PHONE, Channel.EMAIL]
# An e-mail may carry more photos than a customer's answer on the site (5).
REGISTRATION_MAX_FILES = 10
RECEIPT_MISSING_REASON_MAX = 300

BROKEN_MESSAGE_LINK = _(
    "The link from the support mailbox is damaged: open the message's draft claim again."
)

CONSENT_LABELS = {
    phone_consent.Channel.WHATSAPP: _("The customer agreed on the call to news on WhatsApp"),
    phone_consent.Channel.SMS: _("The customer agreed on the call to news by SMS"),
}


class ClaimRegistrationForm(ClaimForm):
    """The claim form as support fills it in for the customer."""

    # No honeypot: a signed-in member of staff types here (Django removes a field set to None).
    leave_empty = None  # type: ignore[assignment]
    channel = forms.ChoiceField(
        label=_("Came by"),
        choices=[(door.value, door.label) for door in REGISTRATION_CHANNELS],
        initial=Channel.PHONE,
    )
    language = forms.ChoiceField(
        label=_("Customer's language"),
        choices=settings.LANGUAGES,
        initial="ru",
        help_text=_("The e-mails and the personal link's page reach the customer in it."),
    )
    receipt = _receipt_field(required=False)
    receipt_missing_reason = SingleLineField(
        label=_("Why there is no receipt"),
        max_length=RECEIPT_MISSING_REASON_MAX,
        required=False,
        help_text=_("Only without a receipt, e.g. «the customer will send it by e-mail»."),
    )
    attachments = MultipleFileField(
        label=_("Other files from the customer"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": RECEIPT_ACCEPT}),
    )
    consent = forms.BooleanField(
        label=_("The customer agreed to the processing of their personal data for this claim."),
        error_messages={
            "required": _("Ask the customer for their consent to data processing first.")
        },
    )
    # The support mailbox's message this claim is made from (its draft claim's link).
    from_message = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": BROKEN_MESSAGE_LINK,
            "min_value": BROKEN_MESSAGE_LINK,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["whatsapp_same_as_phone"].label = _("The WhatsApp number is the phone number")
        for channel, name in phone_consent.FIELDS.items():
            field = self.fields[name]
            field.label = CONSENT_LABELS[channel]
            field.help_text = gettext(
                "Read these words to the customer and tick only if they agree: «%(words)s»"
            ) % {"words": phone_consent.WORDING[channel]}
        set_files_limits(self.fields["attachments"], max_files=REGISTRATION_MAX_FILES)
        for name in ("receipt", "attachments"):
            set_request_limit(self.fields[name], request_max_bytes=settings.REQUEST_MAX_BYTES)

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        return uploads.validate_receipt(receipt) if receipt else None

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        return validate_files(files, max_files=REGISTRATION_MAX_FILES)

    def clean(self):
        cleaned = super().clean()
        no_receipt = not cleaned.get("receipt") and "receipt" not in self.errors
        if no_receipt and not cleaned.get("receipt_missing_reason"):
            self.add_error(
                "receipt_missing_reason",
                ValidationError(
                    _("Attach the receipt, or write why there is none."), code="no_receipt"
                ),
            )
        if cleaned.get("channel") == Channel.EMAIL:
            for name in phone_consent.FIELDS.values():
                if cleaned.get(name):
                    self.add_error(
                        name,
                        ValidationError(
                            _(
                                "News on the phone needs the customer's consent to these "
                                "words on a call. By e-mail, they turn it on themselves at "
                                "«My repair» (the link in their e-mail)."
                            ),
                            code="consent_on_call",
                        ),
                    )
        return cleaned

    def registration_data(self) -> dict[str, Any]:
        """The claim's fields for `services.register_claim`."""
        data = self.claim_data()
        if not self.cleaned_data["receipt"]:
            data["receipt_missing_reason"] = self.cleaned_data["receipt_missing_reason"]
        return data


def initial_from_query(query: QueryDict) -> dict[str, Any]:
    """What a link to the page fills in (`?channel=email&full_name=…&from_message=…`), as
    Django's admin does for a model's fields: every field but the files and the token."""
    skipped = {"form_token", "receipt", "attachments"}
    return {
        name: query[name]
        for name in ClaimRegistrationForm.base_fields
        if name in query and name not in skipped
    }
