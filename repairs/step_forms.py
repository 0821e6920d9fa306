"""The step forms every screen shows, made from the rows of `repairs.steps.ORDER_STEPS`: each
asks for exactly the fields its row names (`step_form`), so a new step with known fields
needs no form of its own. The workbench shows them on the order page (`receive` has the
intake act's own page); support's order page adds the state the page showed.
"""

import copy
import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms import printable
from claims.models import Verdict
from dreame_service.kit.fsm import Step
from repairs.forms import DATE_INPUT_FORMATS, ParcelForm, clean_parcel
from repairs.models import MAX_QUOTE_KZT, FaultCategory, RepairOrder
from repairs.selectors import today

NOTE_MAX = 2000
LONG_TEXT_MAX = 5000
NOTE_FIELDS = ("note", "internal_note")
FAULT = "fault_category"  # repairs.steps.FAULT: the rows that end diagnostics ask for it
PRICE_RANGE = _("Enter a price between 1 and 5 000 000 ₸.")


def text_field(
    *, label, max_length: int | None, required: bool = True, help_text="", rows: int = 0
):
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
    """What every step form shares: the notes go under a fold, the rest stays in view.

    Given the `order`, a fault category is picked from its product category's list only."""

    def __init__(self, *args, order: RepairOrder | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fault = self.fields.get(FAULT)
        if order is not None and isinstance(fault, forms.ModelChoiceField):
            fault.queryset = FaultCategory.offered_for(order)

    def main_fields(self):
        return [self[name] for name in self.fields if name not in NOTE_FIELDS]

    def note_fields(self):
        return [self[name] for name in self.fields if name in NOTE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if "tracking_number" in self.fields:  # a parcel step: one spelling per number
            cleaned = clean_parcel(self, cleaned)
        return cleaned

    @property
    def notes_open(self) -> bool:
        """Unfold the notes when they hold something typed or an error."""
        return any(field.errors or field.value() for field in self.note_fields())


def _expected_date_field():
    return forms.DateField(
        label=_("Expected on"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[_not_in_past],
    )


def _not_in_past(value) -> None:
    if value is not None and value < today():
        raise ValidationError(_("The expected date cannot be in the past."), code="date_in_past")


def _amount_field():
    return TengeField(
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


def _fault_field():
    # Another product's fault (a crafted form) is refused here with words a person reads;
    # the step runner checks it again (repairs.services.orders.keep_fault).
    return forms.ModelChoiceField(
        label=_("Fault category"),
        help_text=_("What failed, from this product category's list; details go in the notes."),
        queryset=FaultCategory.objects.filter(is_active=True),
        empty_label=_("Choose the fault"),
        error_messages={
            "required": _("Choose the fault category."),
            "invalid_choice": _(
                "This fault category is not one of this product's. Choose one from the list."
            ),
        },
    )


def _reason_field():
    return text_field(
        label=_("Reason"),
        help_text=_("The customer sees it on the status page and in the e-mail."),
        max_length=NOTE_MAX,
        rows=2,
    )


def _confirmation(*, label, required_error):
    """A required tick for a step that cannot be undone (the CSP allows no script to ask)."""
    return forms.BooleanField(label=label, error_messages={"required": required_error})


# Every field a step's row may name, by its name (the transition's keyword argument): a
# step's form is its row's fields, in the row's order (`step_form`).
FIELDS = {
    "note": _note,
    "internal_note": _internal_note,
    "carrier": lambda: ParcelForm.base_fields["carrier"],
    "tracking_number": lambda: ParcelForm.base_fields["tracking_number"],
    "amount": _amount_field,
    "description": lambda: text_field(
        label=_("What the price covers"), max_length=NOTE_MAX, rows=2
    ),
    "part": lambda: text_field(
        label=_("Spare part awaited"),
        max_length=RepairOrder._meta.get_field("awaiting_part").max_length,
    ),
    "expected_date": _expected_date_field,
    "work_done": lambda: text_field(label=_("Work done"), max_length=LONG_TEXT_MAX, rows=3),
    "new_serial": lambda: text_field(
        label=_("Serial number of the new unit"),
        max_length=RepairOrder._meta.get_field("replacement_serial").max_length,
    ),
    "reason": _reason_field,
    FAULT: _fault_field,
    "confirm_decline": lambda: _confirmation(
        label=_(
            "I confirm: the customer declined the price, and the product goes back "
            "unrepaired. This cannot be undone."
        ),
        required_error=_("Tick the box to confirm that the customer declined the price."),
    ),
    "confirm_refund": lambda: _confirmation(
        label=_(
            "I confirm the refund: the order ends with the money returned. This cannot be undone."
        ),
        required_error=_("Tick the box to confirm the refund."),
    ),
}


def step_form(step: Step, base: type[StepForm] = StepForm) -> type[StepForm]:
    """The form of a step: its row's fields, on `base` (support's pages add the state the
    page showed). `cleaned_data` goes to `repairs.steps.run_step` as it is."""
    return _form_class(step.name, step.fields, base)


@functools.cache
def _form_class(name: str, fields: tuple[str, ...], base: type[StepForm]) -> type[StepForm]:
    declared = {field: copy.deepcopy(FIELDS[field]()) for field in fields}
    return type(f"{name.title().replace('_', '')}Form", (base,), declared)


# --- The final verdict changed with a reason (the workbench's and support's order pages) --

VERDICT_PREFIX = "verdict"


class VerdictChangeForm(forms.Form):
    """A new final verdict (never the one in force) and why, with the state and verdict
    the page showed (`repairs.services.change_final_verdict` refuses a stale page)."""

    verdict = forms.ChoiceField(
        label=_("New final verdict"),
        error_messages={"required": _("Choose the new verdict.")},
    )
    reason = forms.CharField(
        label=_("Why the verdict changes"),
        help_text=_("Staff only: it goes into the order's history."),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[printable(multiline=True)],
        error_messages={"required": _("Write why the verdict changes.")},
    )
    from_status = forms.CharField(widget=forms.HiddenInput)
    from_verdict = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, order: RepairOrder, **kwargs):
        current = order.verdict_in_force
        kwargs.setdefault("initial", {"from_status": order.status, "from_verdict": current})
        kwargs["prefix"] = VERDICT_PREFIX
        super().__init__(*args, **kwargs)
        verdict = self.fields["verdict"]
        assert isinstance(verdict, forms.ChoiceField)
        verdict.choices = [("", "—")] + [
            (code, label) for code, label in Verdict.choices if code != current
        ]
