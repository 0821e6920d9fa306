"""The step forms every screen shows, made from the rows of `repairs.steps.ORDER_STEPS`: each
asks for exactly the fields its row names (`step_form`), so a new step with known fields
needs no form of its own. The workbench shows them on the order page (`receive` has the
intake act's own page); support's order page adds the state the page showed.
"""

import copy
import functools
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms import printable
from claims.models import Verdict
from dreame_service.kit.fsm import Step
from repairs.forms import DATE_INPUT_FORMATS, ParcelForm, clean_parcel
from repairs.models import MAX_QUOTE_KZT, FaultCategory, LineData, RepairOrder, WorkLine
from repairs.selectors import today
from repairs.services.work_lines import MAX_LINES, check_lines

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


class LineForm(forms.Form):
    """One line of an estimate or of the work done. Every field may stay blank: a row left
    wholly blank is one of the spare rows, ignored (`is_blank`); a row begun must be whole."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=WorkLine.Kind.choices, initial=WorkLine.Kind.PART
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=WorkLine._meta.get_field("description").max_length,
        validators=[printable(multiline=False)],
    )
    part_number = forms.CharField(
        label=_("Part number"),
        required=False,
        max_length=WorkLine._meta.get_field("part_number").max_length,
        validators=[printable(multiline=False)],
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        initial=1,
        min_value=Decimal("0.01"),
        max_value=1000,
        max_digits=8,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Enter a quantity from 0.01 to 1000."),
            "min_value": _("Enter a quantity from 0.01 to 1000."),
            "max_value": _("Enter a quantity from 0.01 to 1000."),
            "max_digits": _("Enter a quantity from 0.01 to 1000."),
            "max_decimal_places": _("At most two digits after the comma."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    unit_price = TengeField(
        label=_("Unit price, ₸"),
        required=False,
        min_value=0,
        max_value=MAX_QUOTE_KZT,
        error_messages={
            "invalid": _("Enter the price in whole tenge, digits only."),
            "min_value": _("Enter the unit price in whole tenge, 0 or more."),
            "max_value": PRICE_RANGE,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    is_blank = False

    def clean(self):
        cleaned = super().clean()
        typed = [cleaned.get(name) for name in ("description", "part_number", "unit_price")]
        if not self.errors and all(value in (None, "") for value in typed):
            self.is_blank = True  # a spare row
            return cleaned
        if not cleaned.get("description") and "description" not in self.errors:
            self.add_error("description", _("Describe what the line is."))
        if cleaned.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Enter the unit price."))
        if cleaned.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter a quantity from 0.01 to 1000."))
        return cleaned

    def line_data(self) -> LineData:
        data = self.cleaned_data
        return LineData(
            kind=data["kind"],
            description=data["description"],
            part_number=data["part_number"],
            quantity=data["quantity"],
            unit_price=Decimal(data["unit_price"]),
        )


SPARE_ROWS = 3  # blank rows under the lines; «More lines» adds as many again
LineFormSet = forms.formset_factory(
    LineForm, extra=SPARE_ROWS, can_delete=True, max_num=MAX_LINES, absolute_max=MAX_LINES + 20
)
# The steps whose form holds lines, and which lines (`repairs.services.work_lines`).
LINE_STAGES = {
    "send_quote": WorkLine.Stage.ESTIMATE,
    "revise_quote": WorkLine.Stage.ESTIMATE,
    "complete": WorkLine.Stage.DONE,
}


class StepForm(forms.Form):
    """What every step form shares: the notes go under a fold, the rest stays in view; a
    step with lines (`LINE_STAGES`) holds their formset as `lines`, and its cleaned lines
    go to the step as `cleaned_data["lines"]` (a list of `LineData`)."""

    line_stage = ""

    def __init__(
        self,
        *args,
        order: RepairOrder | None = None,
        line_rows=None,
        spare_rows: int = SPARE_ROWS,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Given the `order`, a fault category is picked from its product category's list only.
        self.order = order
        fault = self.fields.get(FAULT)
        if order is not None and isinstance(fault, forms.ModelChoiceField):
            fault.queryset = FaultCategory.offered_for(order)
        self.lines = None
        if self.line_stage:
            formset = forms.formset_factory(
                LineForm,
                extra=spare_rows,
                can_delete=True,
                max_num=MAX_LINES + spare_rows,
                absolute_max=MAX_LINES + 20,
            )
            self.lines = formset(
                self.data if self.is_bound else None,
                prefix=f"{self.prefix}-lines" if self.prefix else "lines",
                initial=line_rows,
            )

    def full_clean(self):
        super().full_clean()
        if self.lines is None or not self.is_bound:
            return
        if not self.lines.is_valid():
            self.add_error(None, _("Check the lines: the errors are beside them."))
            return
        rows = [
            form.line_data()
            for form in self.lines.forms
            # an untouched spare row is not even cleaned: its cleaned_data is empty
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank
        ]
        try:
            totals = check_lines(rows, require_total=self.line_stage == WorkLine.Stage.ESTIMATE)
        except ValidationError as error:
            self.add_error(None, error)
            return
        self.cleaned_data["lines"] = rows
        self.totals = totals

    def raw_line_rows(self) -> list[dict]:
        """What was typed in the rows, uncleaned, to show again with more spare rows."""
        if self.lines is None:
            return []
        rows = []
        for form in self.lines.forms:
            values = {name: form[name].value() for name in LineForm.base_fields}
            if any(
                values[name] not in (None, "")
                for name in ("description", "part_number", "unit_price")
            ):
                rows.append({name: values[name] for name in values if name != "DELETE"})
        return rows

    def with_more_rows(self) -> "StepForm":
        """This form unbound again, holding what was typed, with more spare rows: the
        «More lines» button (a normal submit: the CSP allows no inline script)."""
        assert self.lines is not None
        typed = self.raw_line_rows()
        spare = max(self.lines.total_form_count() - len(typed), 0) + SPARE_ROWS
        initial = {name: self[name].value() for name in self.fields}
        return type(self)(
            initial=initial,
            prefix=self.prefix,
            order=self.order,
            line_rows=typed,
            spare_rows=min(spare, MAX_LINES - len(typed)),
        )

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
    # The lines list what the price covers; this is the technician's word beside them.
    "description": lambda: text_field(
        label=_("Comment on the price"),
        help_text=_("Optional. The customer sees it beside the lines."),
        max_length=NOTE_MAX,
        rows=2,
        required=False,
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
    declared: dict[str, object] = {
        field: copy.deepcopy(FIELDS[field]()) for field in fields if field != "lines"
    }
    if "lines" in fields:
        declared["line_stage"] = LINE_STAGES[name]
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
