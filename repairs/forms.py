import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms import printable
from repairs import order_numbers, tracking
from repairs.models import Shipment, Technician

# The stub's QR link and date pickers send ISO; people type the date as it is printed.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]


class RepairStatusForm(forms.Form):
    """The stub's two values. Its errors are never shown one by one: every miss, malformed
    input included, gets the same answer, so the form only tells the view what to look up."""

    order_number = forms.CharField(label=_("Order number"), max_length=40)
    intake_date = forms.DateField(label=_("Intake date"), input_formats=DATE_INPUT_FORMATS)

    def clean_order_number(self) -> str:
        canonical = order_numbers.normalize(self.cleaned_data["order_number"])
        if canonical is None:
            raise forms.ValidationError("not an order number", code="invalid")
        return canonical

    @property
    def is_empty(self) -> bool:
        """Nothing typed at all: just show the form, count nothing."""
        return not any(str(self.data.get(name, "")).strip() for name in self.fields)

    def lookup_values(self) -> tuple[str | None, datetime.date | None]:
        """What to query: the cleaned values, or None where the input was malformed."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("order_number"), cleaned.get("intake_date")

    def typed_date(self) -> str:
        """The date to put back into the field: ISO when it parsed (a date input needs it)."""
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("intake_date"):
            return cleaned["intake_date"].isoformat()
        return str(self.data.get("intake_date", ""))[:40]


# Letters, digits, spaces and dashes: what carriers print; anything else is a typo or worse.
TRACKING_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z -]*")
# Offered as suggestions; any other carrier may be typed.
CARRIERS = tracking.CARRIER_NAMES


def _as_on_the_label(value: str) -> None:
    if not TRACKING_NUMBER.fullmatch(value):
        raise ValidationError(
            _("Use only Latin letters, digits, spaces and dashes, as on the carrier's label."),
            code="bad_tracking_number",
        )


class ParcelForm(forms.Form):
    """A parcel's carrier and tracking number, as the technician or the customer gives them
    (the field names are a contract, DESIGN §4)."""

    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=Shipment._meta.get_field("carrier").max_length,
        validators=[printable(multiline=False)],
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=Shipment._meta.get_field("tracking_number").max_length,
        validators=[printable(multiline=False), _as_on_the_label],
    )

    def clean(self):
        return clean_parcel(self, super().clean())


def clean_parcel(form: forms.Form, cleaned: dict) -> dict:
    """The carrier and the number in their one spelling (repairs.tracking), or the number's
    error on its field; every form with both fields calls it from its `clean`."""
    if cleaned.get("carrier") and cleaned.get("tracking_number"):
        try:
            parcel = tracking.normalize(
                carrier=cleaned["carrier"], tracking_number=cleaned["tracking_number"]
            )
        except ValidationError as error:
            form.add_error("tracking_number", error)
        else:
            cleaned["carrier"] = parcel.carrier
            cleaned["tracking_number"] = parcel.tracking_number
    return cleaned


# --- Who has an order (repairs.services.owners): the workbench's and the admin's form ---------


def center_technicians(service_center_id: int):
    """The technicians an order of this center may be given to: one query, names joined."""
    return (
        Technician.objects.filter(service_center_id=service_center_id, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


class TechnicianChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name


class OwnerForm(forms.Form):
    """Give the order to a technician of its center, or to nobody. Another center's
    technician is not among the choices: a crafted POST is invalid."""

    technician = TechnicianChoice(
        queryset=Technician.objects.none(),
        required=False,
        empty_label=_("Not assigned"),
        label=_("Give to a technician of the center"),
    )
    # The owner the page showed ("" for nobody): a colleague's change meanwhile is told.
    shown_technician = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, service_center_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["technician"]
        assert isinstance(field, TechnicianChoice)
        field.queryset = center_technicians(service_center_id)

    def shown_technician_id(self) -> int | None:
        return shown_technician_id(self.cleaned_data["shown_technician"])


def shown_technician_id(shown: str) -> int | None:
    return int(shown) if shown.isdigit() else None
