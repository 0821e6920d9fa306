"""The order page's step forms: one per row of repairs.transitions.ORDER_TRANSITIONS
(except `receive`, which is the intake act's own page), asking for exactly the fields
the row names. Field names are the services' keyword arguments, so `cleaned_data` goes
to `transitions.run` as it is.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms import printable
from repairs.forms import DATE_INPUT_FORMATS, ParcelForm
from repairs.models import RepairOrder
from repairs.services import MAX_QUOTE_KZT
from repairs.workbench.order_selectors import today

NOTE_MAX = 2000
LONG_TEXT_MAX = 5000
NOTE_FIELDS = ("note", "internal_note")
PRICE_RANGE = _("Enter a price between 1 and 5 000 000 ₸.")


def text_field(*, label, max_length: int, required: bool = True, help_text="", rows: int = 0):
    """A stripped text field; a textarea when `rows` is given."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=widget,
        validators=[printable(multiline=bool(rows))],
    )


def _note():
    return text_field(
        label=_("Note for the customer"),
        help_text=_("The customer sees it on the status page."),
        max_length=NOTE_MAX,
        required=False,
        rows=2,
    )


def _internal_note():
    return text_field(
        label=_("Internal note"),
        help_text=_("Only the service center and support see it."),
        max_length=NOTE_MAX,
        required=False,
        rows=2,
    )


class TengeField(forms.IntegerField):
    """Whole tenge; people type «25 000» as it is printed, so spaces are dropped."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
        return super().to_python(value)


class StepForm(forms.Form):
    """What every step form shares: the notes go under a fold, the rest stays in view."""

    def main_fields(self):
        return [self[name] for name in self.fields if name not in NOTE_FIELDS]

    def note_fields(self):
        return [self[name] for name in self.fields if name in NOTE_FIELDS]

    @property
    def notes_open(self) -> bool:
        """Unfold the notes when they hold something typed or an error."""
        return any(field.errors or field.value() for field in self.note_fields())


class NotesForm(StepForm):
    """A step that needs nothing but the two notes."""

    note = _note()
    internal_note = _internal_note()


class ShipmentForm(ParcelForm, StepForm):
    internal_note = _internal_note()


class QuoteForm(StepForm):
    amount = TengeField(
        label=_("Price, ₸"),
        help_text=_("Whole tenge, from 1 to 5 000 000."),
        min_value=1,
        max_value=MAX_QUOTE_KZT,
        error_messages={
            "invalid": _("Enter the price in whole tenge, digits only."),
            "min_value": PRICE_RANGE,
            "max_value": PRICE_RANGE,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    description = text_field(label=_("What the price covers"), max_length=NOTE_MAX, rows=2)
    note = _note()
    internal_note = _internal_note()


class PartsForm(StepForm):
    part = text_field(
        label=_("Spare part awaited"),
        max_length=RepairOrder._meta.get_field("awaiting_part").max_length,
    )
    expected_date = forms.DateField(
        label=_("Expected on"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = _note()
    internal_note = _internal_note()

    def clean_expected_date(self):
        value = self.cleaned_data["expected_date"]
        if value is not None and value < today():
            raise ValidationError(
                _("The expected date cannot be in the past."), code="date_in_past"
            )
        return value


class CompleteForm(StepForm):
    work_done = text_field(label=_("Work done"), max_length=LONG_TEXT_MAX, rows=3)
    note = _note()
    internal_note = _internal_note()


class ReplacementForm(StepForm):
    new_serial = text_field(
        label=_("Serial number of the new unit"),
        max_length=RepairOrder._meta.get_field("replacement_serial").max_length,
    )
    note = _note()
    internal_note = _internal_note()


class CancelForm(StepForm):
    reason = text_field(
        label=_("Reason"),
        help_text=_("The customer sees it on the status page and in the e-mail."),
        max_length=NOTE_MAX,
        rows=2,
    )
    internal_note = _internal_note()


# The explicit map from a posted `transition` to its form; the view never looks a name
# up anywhere else. `receive` is missing on purpose: the intake act has its own page.
STEP_FORMS: dict[str, type[StepForm]] = {
    "register_shipment": ShipmentForm,
    "start_diagnostics": NotesForm,
    "start_repair": NotesForm,
    "wait_for_parts": PartsForm,
    "parts_arrived": NotesForm,
    "complete": CompleteForm,
    "send_quote": QuoteForm,
    "accept_quote": NotesForm,
    "decline_quote": NotesForm,
    "resolve_replacement": ReplacementForm,
    "resolve_refund": NotesForm,
    "ship_back": ShipmentForm,
    "confirm_delivery": NotesForm,
    "cancel": CancelForm,
}
