"""The intake act's form: what the technician finds when the parcel is opened.

Its fields carry IntakeAct's names; `act_data()` gives them to the `receive` step.
There is no intake date here on purpose: the service sets it (today in Asia/Almaty), and
a posted one is ignored.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import uploads
from claims.models import Verdict
from claims.reference_data import OTHER_CATEGORY
from repairs.models import AccessoryChecklist, IntakeAct, IntakePhoto
from repairs.models.intake import completeness_summary, item_text
from repairs.serials import same_serial
from repairs.workbench.signatures import SignatureField

TEXT_MAX = 2000
REASON_MAX = 1000
OTHER_ITEMS_MAX = 300
SERIAL_PATTERN = r"^[\w\-/. ]+$"
PHOTO_ACCEPT = "image/*"


def checklist_items(*, category_id: int | None) -> list[dict[str, str]]:
    """The accessories a complete product of the category has, each in every language
    ({"ru": …, "kk": …, "en": …}); the `other` category's list for a product typed by
    hand or a category without a list of its own. One query."""
    rows = {
        row.category_id: row
        for row in AccessoryChecklist.objects.filter(
            Q(category_id=category_id) | Q(category__code=OTHER_CATEGORY)
        ).select_related("category")
    }
    row = (rows.get(category_id) if category_id else None) or next(
        (row for row in rows.values() if row.category.code == OTHER_CATEGORY), None
    )
    return row.items_in_every_language() if row else []


def _text(label, *, max_length=TEXT_MAX, rows=3, help_text="", required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _(
                "Please shorten the text to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Up to IntakePhoto.MAX_PER_ACT images, each typed by its content like the receipt."""

    widget = PhotosInput

    def to_python(self, data):
        return [upload for upload in (data or []) if upload]

    def validate(self, value):
        super().validate(value)
        if len(value) > IntakePhoto.MAX_PER_ACT:
            raise ValidationError(
                _("At most %(limit)d photos: %(count)d were chosen."),
                code="too_many",
                params={"limit": IntakePhoto.MAX_PER_ACT, "count": len(value)},
            )
        errors = []
        for upload in value:
            try:
                validate_photo(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)


def validate_photo(upload):
    """The receipt's checks (size, type by content, the image decodes), for images only.

    The error names the file as it was chosen, so the technician knows which one to retake.
    """
    name = upload.name
    upload.seek(0)
    kind = uploads.sniff_kind(upload.read(16))
    upload.seek(0)
    if upload.size and kind in (None, uploads.PDF):
        raise ValidationError(
            _("%(name)s is not a photo: only JPEG, PNG, HEIC or WebP images are accepted."),
            code="not_a_photo",
            params={"name": name},
        )
    try:
        return uploads.validate_receipt(upload)
    except ValidationError as error:
        if error.code == "bad_image":
            error = ValidationError(
                _("%(name)s could not be read: the image may be damaged. Take it again."),
                code="bad_image",
                params={"name": name},
            )
        else:
            error = ValidationError(f"{name}: {' '.join(error.messages)}", code=error.code)
        raise error from None


def item_key(item: dict[str, str]) -> str:
    return item_text(item, settings.LANGUAGE_CODE)


class IntakeForm(forms.Form):
    has_receipt = forms.BooleanField(label=_("The receipt is enclosed"), required=False)
    has_warranty_card = forms.BooleanField(label=_("The warranty card is enclosed"), required=False)
    is_warranty_card_stamped = forms.BooleanField(
        label=_("The warranty card bears the seller's stamp"), required=False
    )
    accessories = forms.MultipleChoiceField(
        label=_("What came with the product"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what is in the parcel; the act lists the rest as missing."),
    )
    other_items = forms.CharField(
        label=_("Anything else in the parcel"),
        required=False,
        max_length=OTHER_ITEMS_MAX,
        help_text=_("For example: the original box, a bag, a spare filter."),
    )
    condition_marks = forms.MultipleChoiceField(
        label=_("Visible damage"),
        required=False,
        choices=IntakeAct.ConditionMark.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    condition = _text(
        _("Condition in words"),
        help_text=_("Where the damage is and how large; leave empty when there is none."),
    )
    serial_number = forms.RegexField(
        label=_("Serial number on the product"),
        max_length=64,
        regex=SERIAL_PATTERN,
        strip=True,  # RegexField keeps spaces by default: "   " must count as empty
        help_text=_("As on the sticker under the product (S/N)."),
        error_messages={
            "invalid": _("A serial number has only letters, digits, spaces and - / ."),
            "required": _("Type the serial number from the product's sticker."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    confirm_serial = forms.BooleanField(
        label=_("I checked: the serial number on the product differs from the claim's"),
        required=False,
    )
    fault_found = _text(
        _("Fault found at intake"),
        help_text=_("What you see or could reproduce; diagnostics come later."),
    )
    is_user_fault = forms.BooleanField(
        label=_("The damage was caused by the user (a fall, liquid, wrong use)"),
        required=False,
    )
    final_verdict = forms.ChoiceField(
        label=_("Warranty verdict"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Preselected with the claim's preliminary verdict. No receipt, no warranty card "
            "or damage caused by the user usually means a paid repair."
        ),
        error_messages={"required": _("Choose the warranty verdict.")},
    )
    verdict_reason = _text(
        _("Why the verdict differs"),
        max_length=REASON_MAX,
        help_text=_("Required when the verdict differs from the preliminary one."),
    )
    photos = PhotosField(
        label=_("Photos of the product"),
        required=False,
        widget=PhotosInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
    )
    received_by_post = forms.BooleanField(
        label=_("Received by post or courier (the customer is not here to sign)"),
        required=False,
    )
    signature = SignatureField(label=_("Customer's signature"))
    note = _text(
        _("Note for the customer"),
        help_text=_("Shown on the status page and in the e-mail to the customer."),
    )
    internal_note = _text(
        _("Internal note"), help_text=_("Only the service center and support see it.")
    )

    def __init__(
        self, *args, claim, checklist: list[dict[str, str]], has_parcel: bool = False, **kwargs
    ):
        kwargs.setdefault(
            "initial", {"serial_number": claim.serial_number, "final_verdict": claim.verdict}
        )
        super().__init__(*args, **kwargs)
        self.claim = claim
        # A registered inbound parcel says how the product came: no box to tick, no signature.
        self.has_parcel = has_parcel
        if has_parcel:
            del self.fields["received_by_post"]
            del self.fields["signature"]
        self.checklist = checklist
        accessories = self.fields["accessories"]
        assert isinstance(accessories, forms.ChoiceField)
        # Keyed by the Russian wording, labelled in the technician's language.
        accessories.choices = [(item_key(item), item_text(item)) for item in checklist]
        self.fields["photos"].help_text = gettext(
            "Up to %(count)d photos: JPEG, PNG, HEIC or WebP, up to %(megabytes)d MB each."
        ) % {
            "count": IntakePhoto.MAX_PER_ACT,
            "megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        }

    @property
    def serial_differs(self) -> bool:
        """Whether the page must show the mismatch warning (before and after a POST)."""
        typed = self["serial_number"].value() or ""
        return bool(typed.strip()) and not same_serial(typed, self.claim.serial_number)

    @property
    def paid_repair_expected(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("is_user_fault")
            or not data.get("has_receipt")
            or not data.get("has_warranty_card")
        )

    def clean(self):
        cleaned = super().clean()
        serial = cleaned.get("serial_number")
        if (
            serial
            and not same_serial(serial, self.claim.serial_number)
            and not cleaned.get("confirm_serial")
        ):
            self.add_error(
                "confirm_serial",
                ValidationError(
                    _(
                        "The serial number differs from the claim's (%(serial)s). Check the "
                        "sticker on the product and tick the confirmation."
                    ),
                    code="serial_differs",
                    params={"serial": self.claim.serial_number},
                ),
            )
        if cleaned.get("is_warranty_card_stamped") and not cleaned.get("has_warranty_card"):
            self.add_error(
                "is_warranty_card_stamped",
                _("A stamp needs a warranty card: tick that the card is enclosed, or untick this."),
            )
        self._check_verdict(cleaned)
        if self.is_received_by_post:
            cleaned["signature"] = None  # nobody was at the counter to sign
        return cleaned

    @property
    def is_received_by_post(self) -> bool:
        return self.has_parcel or bool(self.cleaned_data.get("received_by_post"))

    def _check_verdict(self, cleaned) -> None:
        verdict = cleaned.get("final_verdict")
        if not verdict or cleaned.get("verdict_reason"):
            return
        if verdict != self.claim.verdict:
            self.add_error(
                "verdict_reason",
                ValidationError(
                    _(
                        "The verdict differs from the preliminary one (%(preliminary)s): "
                        "write the reason."
                    ),
                    code="reason_required",
                    params={"preliminary": self.claim.get_verdict_display()},
                ),
            )
        elif verdict != Verdict.PAID_REPAIR and self.paid_repair_expected:
            self.add_error(
                "verdict_reason",
                ValidationError(
                    _(
                        "Without a receipt or a warranty card, or with damage caused by the "
                        "user, the verdict is usually a paid repair: choose it, or write why "
                        "the warranty still applies."
                    ),
                    code="paid_repair_expected",
                ),
            )

    def act_data(self) -> dict:
        """The cleaned values under IntakeAct's field names, for the `receive` step."""
        data = self.cleaned_data
        ticked = set(data["accessories"])
        present = [item for item in self.checklist if item_key(item) in ticked]
        missing = [item for item in self.checklist if item_key(item) not in ticked]
        other = data["other_items"]
        # The act on file keeps the line in Russian too; pages and PDFs read the items.
        with translation.override(settings.LANGUAGE_CODE):
            completeness = completeness_summary(
                present=[item_text(item) for item in present],
                missing=[item_text(item) for item in missing],
                other=other,
            )
        return {
            "serial_number": data["serial_number"],
            "has_receipt": data["has_receipt"],
            "has_warranty_card": data["has_warranty_card"],
            "is_warranty_card_stamped": data["is_warranty_card_stamped"],
            "accessories": present,
            "accessories_missing": missing,
            "other_items": other,
            "completeness": completeness,
            "condition_marks": data["condition_marks"],
            "condition": data["condition"],
            "fault_found": data["fault_found"],
            "is_user_fault": data["is_user_fault"],
            "final_verdict": data["final_verdict"],
            "verdict_reason": data["verdict_reason"],
            "received_by_post": self.is_received_by_post,
            # No signature (posted, or no JavaScript at the counter): signed on the paper act.
            "signature": data.get("signature") or "",
        }

    def notes(self) -> dict:
        """The history row's notes: `note` the customer sees, `internal_note` staff only."""
        return {
            "note": self.cleaned_data["note"],
            "internal_note": self.cleaned_data["internal_note"],
        }
