"""The reports' monthly roll-ups (repairs.rollups): sums per local month, kept in step.

A roll-up row holds one month's counts for one combination of the reports' filters (model,
region, center) and what the report splits by. `ReportChange` is the to-do list that keeps
them honest: every save of a claim, an order or a return parcel adds the instants it touches,
in the same transaction; a month with a change not yet rolled up is read from the live tables
instead, so a report is never behind the data, only slower while the refresh is pending.
"""

from django.db import models

from repairs.models.centers import ServiceCenter
from repairs.models.work import FaultCategory


class ReportChange(models.Model):
    """An instant whose local month's roll-ups are stale until the next refresh."""

    at = models.DateTimeField(db_index=True)
    # The whole month is to be read live (a bulk load, a data fix), not only `at`'s day.
    whole_month = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.at:%Y-%m}"


class ReportMonth(models.Model):
    """A month being rolled up: its row is the lock two refreshes of it take in turn."""

    month = models.DateField(primary_key=True)  # the first day of a local month
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.month:%Y-%m}"


class _RollUp(models.Model):
    month = models.DateField()  # the first day of a local month
    day = models.DateField(null=True)  # the current month's rows are per day (rollups.Stale)
    product_model = models.CharField(max_length=120)
    region = models.CharField(max_length=100)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.month:%Y-%m} {self.product_model} {self.region}"


class ClaimMonth(_RollUp):
    """Claims per month of submission; `service_center` is their order's (none: no order)."""

    service_center = models.ForeignKey(
        ServiceCenter, null=True, on_delete=models.CASCADE, related_name="+"
    )
    claims = models.PositiveIntegerField()
    orders = models.PositiveIntegerField()
    answered_in_time = models.PositiveIntegerField()
    answered_late = models.PositiveIntegerField()
    unanswered = models.PositiveIntegerField()  # open, support has not answered yet
    unanswered_due_last = models.DateField(null=True)  # their latest due date

    class Meta:
        indexes = [models.Index(fields=["month"], name="rollup_claim_month")]


class FaultMonth(_RollUp):
    """Orders per fault category, by their claim's month of submission."""

    service_center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="+")
    fault_category = models.ForeignKey(FaultCategory, on_delete=models.CASCADE, related_name="+")
    orders = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="rollup_fault_month")]


class OrderMonth(_RollUp):
    """Orders per month they were opened, and how many ended in a replacement or a refund."""

    service_center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="+")
    orders = models.PositiveIntegerField()
    replacements = models.PositiveIntegerField()
    refunds = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="rollup_order_month")]


class ReturnMonth(_RollUp):
    """Products returned per month of the return, by whole days from the claim."""

    service_center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="+")
    days = models.IntegerField()  # negative only where a data fix dated a return too early
    returns = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="rollup_return_month")]
