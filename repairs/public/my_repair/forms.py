"""The forms of «Мой ремонт». Each posts to its own URL under the personal link."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims import phone_consent, search
from claims.forms import printable
from repairs.forms import CARRIERS, ParcelForm
from repairs.models import MAX_QUOTE_KZT, ServiceRating


class CustomerParcelForm(ParcelForm):
    """The parcel the customer sent (carrier, tracking_number: DESIGN §4's names)."""

    carriers = CARRIERS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].widget.attrs.update({"list": "carriers", "autocomplete": "off"})
        self.fields["tracking_number"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        self.fields["tracking_number"].help_text = _(
            "As printed on the carrier's receipt, for example RR123456785KZ."
        )


class QuoteDecisionForm(forms.Form):
    """Accept or decline, with the price the page showed (a changed price is refused)."""

    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    quote_amount = forms.IntegerField(min_value=1, max_value=MAX_QUOTE_KZT)
    # Declining cannot be undone online: one tap is not enough (the CSP allows no script
    # to ask "are you sure?", so the form asks).
    confirm_decline = forms.BooleanField(
        label=_("Yes, I decline the price. I understand this cannot be undone."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("confirm_decline"):
            self.add_error(
                "confirm_decline",
                ValidationError(
                    _("Tick the box to confirm that you decline the price."),
                    code="not_confirmed",
                ),
            )
        return data

    @property
    def is_unconfirmed_decline(self) -> bool:
        """Only the tick is missing: the customer is asked again, not shown a stale page."""
        return set(self.errors) == {"confirm_decline"}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(score, str(score)) for score in reversed(ServiceRating.SCORES)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=ServiceRating.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[printable(multiline=True)],
        error_messages={
            "max_length": _(
                "Please shorten the text to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my claim: I no longer need the repair"),
        error_messages={"required": _("Tick the box to confirm that you withdraw the claim.")},
    )


class LinkRequestForm(forms.Form):
    """ "I lost the e-mail": the e-mail or phone given in the claim."""

    contact = forms.CharField(
        label=_("E-mail or phone from your claim"),
        max_length=search.MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_contact(self) -> str:
        """A phone in E.164 whatever its spelling, so each spelling does not get its own
        per-contact limit; an e-mail as typed (the view counts its `email_identity`)."""
        text = search.clean(self.cleaned_data["contact"])
        if phone := search.phone(text):
            return phone
        if search.is_email(text):
            return text
        raise ValidationError(
            _("Enter the e-mail or the Kazakhstan phone number you gave in the claim."),
            code="not_a_contact",
        )


class PhoneNewsForm(forms.Form):
    """News on the phone, each channel on or off, with the words the customer agrees to
    (claims.phone_consent, kept with every change)."""

    notify_whatsapp = forms.BooleanField(
        label=phone_consent.WORDING[phone_consent.Channel.WHATSAPP], required=False
    )
    notify_sms = forms.BooleanField(
        label=phone_consent.WORDING[phone_consent.Channel.SMS], required=False
    )

    def __init__(self, *args, claim, **kwargs):
        kwargs.setdefault(
            "initial", {"notify_whatsapp": claim.notify_whatsapp, "notify_sms": claim.notify_sms}
        )
        super().__init__(*args, **kwargs)
        if not claim.whatsapp:  # nothing to send to: the choice is not offered
            del self.fields["notify_whatsapp"]
