import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from repairs import order_numbers

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
