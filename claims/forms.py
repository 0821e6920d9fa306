"""The customer's forms: the claim and its supplement. Field names are a contract (DESIGN §3)."""

import re
import unicodedata
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from claims import phone_consent, uploads, warranty
from claims.models import AttachmentKind

FAULT_DESCRIPTION_MAX = 5000
SUPPLEMENT_TEXT_MAX = 5000
OTHER_PRODUCT = "other"

# Stored as the official Russian name (what support reads in admin), shown translated.
REGIONS = [
    ("Астана", _("Astana (city)")),
    ("Алматы", _("Almaty (city)")),
    ("Шымкент", _("Shymkent (city)")),
    ("Абайская область", _("Abai Region")),
    ("Акмолинская область", _("Akmola Region")),
    ("Актюбинская область", _("Aktobe Region")),
    ("Алматинская область", _("Almaty Region")),
    ("Атырауская область", _("Atyrau Region")),
    ("Восточно-Казахстанская область", _("East Kazakhstan Region")),
    ("Жамбылская область", _("Zhambyl Region")),
    ("Жетысуская область", _("Zhetysu Region")),
    ("Западно-Казахстанская область", _("West Kazakhstan Region")),
    ("Карагандинская область", _("Karaganda Region")),
    ("Костанайская область", _("Kostanay Region")),
    ("Кызылординская область", _("Kyzylorda Region")),
    ("Мангистауская область", _("Mangystau Region")),
    ("Павлодарская область", _("Pavlodar Region")),
    ("Северо-Казахстанская область", _("North Kazakhstan Region")),
    ("Туркестанская область", _("Turkestan Region")),
    ("Улытауская область", _("Ulytau Region")),
]

# Browsers send type=date as ISO; people who type (or old browsers) write 31.12.2025.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y"]
RECEIPT_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,image/webp,application/pdf,.heic,.heif"

POSTAL_CODE_MESSAGE = _("A postal code in Kazakhstan has 6 digits, e.g. 050000.")
PHONE_MESSAGE = _("Enter a Kazakhstan phone number: +7 and 10 digits, e.g. +7 701 234 56 78.")


# --- Rules for typed text: the claim form's, and every staff form that edits its fields ---

# Line and paragraph breaks, tabs and the other vertical spaces a paste can carry.
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+")


def printable(*, multiline: bool):
    """Refuse control and other invisible characters (a pasted NUL, a bidi override)."""
    allowed = {"\n", "\r", "\t"} if multiline else set()

    def validate(value: str) -> None:
        if any(c not in allowed and unicodedata.category(c)[0] == "C" for c in value):
            raise ValidationError(
                _("Remove the invisible or control characters from this text."),
                code="unprintable",
            )

    return validate


class SingleLineField(forms.CharField):
    """A one-line text: line breaks typed or pasted into it become one space, and control
    or invisible characters are refused. A name or a city with a line break in it would
    start a new line in an e-mail or a printed act; a bidi override would turn it round."""

    default_validators = [printable(multiline=False)]

    def to_python(self, value):
        value = super().to_python(value)
        return " ".join(_LINE_BREAKS.sub(" ", value).split()) if value else value


# The claim's fields the claim form takes as one line (`product_model` is typed into its
# `product_model_other`): support's correction form gives them the same SingleLineField.
SINGLE_LINE_CLAIM_FIELDS = (
    "full_name",
    "city",
    "address",
    "product_model",
    "serial_number",
    "seller",
)


def _text(max_length: int, autocomplete: str = "", **kwargs) -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return SingleLineField(max_length=max_length, widget=forms.TextInput(attrs=attrs), **kwargs)


def _kz_phone(*, label, required: bool, autocomplete: str = "tel") -> PhoneNumberField:
    return PhoneNumberField(
        label=label,
        region="KZ",
        required=required,
        error_messages={"invalid": PHONE_MESSAGE},
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": autocomplete}
        ),
    )


def _clean_kz_phone(number):
    # +7 is shared with Russia: only numbers of Kazakhstan's plan are accepted.
    if number and not phonenumbers.is_valid_number_for_region(number, "KZ"):
        raise ValidationError(PHONE_MESSAGE, code="not_kz")
    return number


def _set_receipt_limits(field: forms.FileField) -> None:
    """Say the size limit in the help text, and hand it to static/js/claim-form.js: a body
    over REQUEST_MAX_BYTES is refused whole (413) and everything typed is lost, so the
    browser checks the chosen file before sending. The server checks it again regardless."""
    megabytes = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    field.help_text = gettext(
        "A photo or PDF of the receipt, or a screenshot of it: JPEG, PNG, HEIC, WebP or PDF, "
        "up to %(megabytes)d MB."
    ) % {"megabytes": megabytes}
    field.widget.attrs.update(
        {
            "data-max-bytes": settings.UPLOAD_MAX_BYTES,
            "data-request-max-bytes": settings.REQUEST_MAX_BYTES,
            # The msgid of uploads.validate_receipt's refusal: the same words, one translation.
            "data-too-large-message": gettext("The file is too large: at most %(megabytes)d MB.")
            % {"megabytes": megabytes},
        }
    )


def _receipt_field(*, required: bool) -> forms.FileField:
    return forms.FileField(
        label=_("Receipt"),
        required=required,
        widget=forms.FileInput(attrs={"accept": RECEIPT_ACCEPT}),
        error_messages={"required": _("Choose the file with your receipt.")},
    )


class ClaimForm(forms.Form):
    full_name = _text(150, "name", label=_("Full name"))
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the claim number and every update here."),
    )
    phone = _kz_phone(label=_("Phone"), required=True)
    whatsapp_same_as_phone = forms.BooleanField(
        label=_("My WhatsApp number is the same as my phone"), required=False
    )
    whatsapp = _kz_phone(label=_("WhatsApp number"), required=False, autocomplete="off")
    # News on the phone: off unless ticked (DESIGN §7); e-mail stays the written record.
    notify_whatsapp = forms.BooleanField(
        label=phone_consent.WORDING[phone_consent.Channel.WHATSAPP], required=False
    )
    notify_sms = forms.BooleanField(
        label=phone_consent.WORDING[phone_consent.Channel.SMS], required=False
    )
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *REGIONS])
    city = _text(100, "address-level2", label=_("City or town"))
    address = _text(
        255,
        "street-address",
        label=_("Address"),
        help_text=_("Street, house, flat: where the repaired product will be sent back."),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": POSTAL_CODE_MESSAGE},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": "6"}
        ),
    )
    product_model = forms.ChoiceField(label=_("Product model"))
    product_model_other = _text(
        120, label=_("Model name, if it is not in the list"), required=False
    )
    serial_number = _text(
        64,
        label=_("Serial number"),
        help_text=_("On the sticker under the product or on its box (S/N)."),
    )
    purchase_date = forms.DateField(
        label=_("Purchase date"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As on the receipt. You can also type it as DD.MM.YYYY."),
        error_messages={"invalid": _("Enter the date as on the receipt, e.g. 31.12.2025.")},
    )
    seller = _text(150, label=_("Seller"), help_text=_("The shop or marketplace you bought from."))
    receipt = _receipt_field(required=True)
    fault_description = forms.CharField(
        label=_("What is wrong with the product?"),
        max_length=FAULT_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": _(
                "Please shorten the description to %(limit_value)d characters "
                "(it has %(show_value)d)."
            )
        },
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to handle this claim."),
        error_messages={
            "required": _("We can only handle the claim with your consent to data processing.")
        },
    )
    # Honeypot: hidden from people and screen readers; bots fill every field they see.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Idempotency token: a second POST of the same form page finds the first claim.
    form_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {str(product.pk): product for product in products}
        self.fields["product_model"].choices = [
            ("", "—"),
            *((pk, product.name) for pk, product in self.products.items()),
            (OTHER_PRODUCT, _("Other model (type its name below)")),
        ]
        self.fields["purchase_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        _set_receipt_limits(self.fields["receipt"])

    @property
    def is_honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("leave_empty"))

    def clean_phone(self):
        return _clean_kz_phone(self.cleaned_data.get("phone"))

    def clean_whatsapp(self):
        return _clean_kz_phone(self.cleaned_data.get("whatsapp"))

    def clean_purchase_date(self):
        purchase_date = self.cleaned_data["purchase_date"]
        warranty.validate_purchase_date(purchase_date, timezone.localdate())
        return purchase_date

    def clean_receipt(self):
        return uploads.validate_receipt(self.cleaned_data["receipt"])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("product_model") == OTHER_PRODUCT
            and not cleaned.get("product_model_other", "").strip()
        ):
            self.add_error(
                "product_model_other", _("Type the model name, as on the product or its box.")
            )
        if cleaned.get("whatsapp_same_as_phone") and cleaned.get("phone"):
            cleaned["whatsapp"] = cleaned["phone"]
        no_number = not cleaned.get("whatsapp") and "whatsapp" not in self.errors
        if cleaned.get("notify_whatsapp") and no_number:
            self.add_error(
                "notify_whatsapp",
                _("Give your WhatsApp number above, or tick that it is your phone number."),
            )
        return cleaned

    def claim_data(self) -> dict:
        """The cleaned values under Claim's field names, for `services.submit_claim`."""
        data = self.cleaned_data
        product = self.products.get(data["product_model"])
        return {
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "whatsapp": data["whatsapp"] or "",
            "notify_whatsapp": data["notify_whatsapp"],
            "notify_sms": data["notify_sms"],
            "region": data["region"],
            "city": data["city"],
            "address": data["address"],
            "postal_code": data["postal_code"],
            "product": product,
            "product_model": product.name if product else data["product_model_other"].strip(),
            "serial_number": data["serial_number"],
            "purchase_date": data["purchase_date"],
            "seller": data["seller"],
            "fault_description": data["fault_description"],
        }


# --- The customer's answer to support's request for information -------------------------

SUPPLEMENT_MAX_FILES = 5
# A name as the customer's phone gave it, shortened for an error message.
SHOWN_NAME_MAX = 60


class MultipleFileInput(forms.ClearableFileInput):
    """Django's documented pattern for several files in one field (forms.FileField docs)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; `clean` returns the list (empty when none is chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in (single_file_clean(d, initial) for d in files) if upload]


def _shown_name(upload) -> str:
    name = str(upload.name or "")
    return name if len(name) <= SHOWN_NAME_MAX else name[: SHOWN_NAME_MAX - 1] + "…"


def set_files_limits(field: forms.FileField, *, max_files: int) -> None:
    """A field of several files: its help text, and the limits static/js/claim-form.js
    checks before sending (the count, each file's size), in the server's own words."""
    _set_receipt_limits(field)
    field.help_text = gettext(
        "Up to %(count)d files at once: photos (JPEG, PNG, HEIC, WebP) or PDF documents, "
        "each up to %(megabytes)d MB. To choose several, select them together."
    ) % {"count": max_files, "megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
    field.widget.attrs["data-max-files"] = max_files
    field.widget.attrs["data-too-many-message"] = gettext(
        "You can send at most %(count)d files at once."
    ) % {"count": max_files}


def set_request_limit(field: forms.FileField, *, request_max_bytes: int) -> None:
    """The largest body the page's view takes (the body guard), for the browser's check of
    all the chosen files together."""
    field.widget.attrs["data-request-max-bytes"] = request_max_bytes
    field.widget.attrs["data-total-too-large-message"] = gettext(
        "Together the files are too large: at most %(megabytes)d MB can be sent at "
        "once. Choose fewer or smaller files."
    ) % {"megabytes": request_max_bytes // (1024 * 1024)}


def validate_files(files: list, *, max_files: int) -> list:
    """Several files at once, each checked as the receipt is (claims.uploads): too many,
    or one bad file, refuses them all (each bad one named), so none is half saved."""
    if len(files) > max_files:
        raise ValidationError(
            gettext(
                "You can send at most %(count)d files at once, and you chose %(chosen)d. "
                "Choose the most important ones."
            )
            % {"count": max_files, "chosen": len(files)},
            code="too_many",
        )
    problems = []
    for upload in files:
        shown = _shown_name(upload)  # before the check renames it
        try:
            uploads.validate_receipt(upload)
        except ValidationError as error:
            for message in error.messages:
                problems.append(
                    ValidationError(
                        gettext("“%(name)s”: %(problem)s") % {"name": shown, "problem": message},
                        code=error.error_list[0].code,
                    )
                )
    if problems:
        raise ValidationError(problems)
    return files


class SupplementForm(forms.Form):
    """What support asked for, answered: a text, up to SUPPLEMENT_MAX_FILES photos or
    documents, and the receipt once more if support asked for it. Each file is checked as
    the claim's receipt is (claims.uploads); one bad file refuses the whole answer, so it
    is never half saved."""

    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=SUPPLEMENT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Answer support's question in your own words."),
        error_messages={
            "max_length": _(
                "Please shorten the text to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
    attached_files = MultipleFileField(
        label=_("Files (photos, documents)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": RECEIPT_ACCEPT}),
    )
    receipt = forms.FileField(
        label=_("Receipt again (only if support asked for it)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": RECEIPT_ACCEPT}),
    )
    # One answer per form page (claims.views.claim_supplement).
    form_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_receipt_limits(self.fields["receipt"])
        self.fields["receipt"].help_text = gettext(
            "The receipt you sent with the claim stays; this one is added beside it. "
            "A photo or PDF, up to %(megabytes)d MB."
        ) % {"megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        files = self.fields["attached_files"]
        set_files_limits(files, max_files=SUPPLEMENT_MAX_FILES)
        for field in (files, self.fields["receipt"]):
            # This page takes more at once than the claim form (settings, body guard).
            set_request_limit(field, request_max_bytes=settings.CUSTOMER_UPLOAD_REQUEST_MAX_BYTES)

    def clean_attached_files(self):
        return validate_files(
            self.cleaned_data.get("attached_files") or [], max_files=SUPPLEMENT_MAX_FILES
        )

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        return uploads.validate_receipt(receipt) if receipt else None

    def clean(self):
        cleaned = super().clean()
        has_files = cleaned.get("attached_files") or cleaned.get("receipt")
        if not self.errors and not cleaned.get("text", "").strip() and not has_files:
            raise ValidationError(
                _("Write an answer or choose a file: the form is empty."), code="empty"
            )
        return cleaned

    def step_values(self) -> dict[str, Any]:
        """The answer as the `supplement` step's fields (claims.steps): each file with its
        kind, the receipt first."""
        receipt = self.cleaned_data["receipt"]
        attachments = [(AttachmentKind.RECEIPT, receipt)] if receipt else []
        attachments += [(AttachmentKind.FILE, f) for f in self.cleaned_data["attached_files"]]
        return {"text": self.cleaned_data["text"].strip(), "attachments": attachments}
