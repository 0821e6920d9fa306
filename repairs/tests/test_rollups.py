"""The reports' monthly roll-ups (repairs.rollups): the same figures stored as live, every
change seen at once, and the stored months caught up by the refresh."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from claims.tests.factories import ClaimFactory, claim_step
from repairs import rollups
from repairs.admin.reports import REPORTS, Filters
from repairs.models import (
    ClaimMonth,
    OrderStatus,
    ReportChange,
    ReportMonth,
    ReturnMonth,
    Shipment,
)
from repairs.tasks import refresh_report_rollups
from repairs.tests.factories import (
    STEP_VALUES,
    SupportUserFactory,
    TechnicianFactory,
    fit_verdict,
    make_order,
    run_step,
)

pytestmark = pytest.mark.django_db

L20, H12 = "DREAME L20 Ultra", "DREAME H12 Dual"


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def months_back(count: int) -> datetime.date:
    month = this_month()
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def whole_year() -> Filters:
    return Filters(start=months_back(11), end=this_month())


def every_report(filters: Filters) -> dict[str, list[tuple]]:
    return {slug: report.selector(filters) for slug, report in REPORTS.items()}


@pytest.fixture
def two_months():
    """Claims this month and two months ago, orders returned, replaced, refunded; replies in
    time, late, overdue and not yet due."""
    today = timezone.localdate()
    earlier = timezone.make_aware(datetime.datetime.combine(months_back(2), datetime.time(12)))
    technician = TechnicianFactory()
    for status in (OrderStatus.DELIVERED, OrderStatus.DELIVERED, OrderStatus.IN_REPAIR):
        make_order(status=status, technician=technician, product_model=L20)
    make_order(status=OrderStatus.DELIVERED, technician=technician, product_model=H12)
    for step in ("resolve_replacement", "resolve_refund"):
        diagnosed = fit_verdict(
            make_order(status=OrderStatus.DIAGNOSTICS, technician=technician, product_model=H12),
            [step],
        )
        run_step(step, diagnosed, technician.user, values={**STEP_VALUES, "new_serial": "SN-2"})
    ClaimFactory(submitted_at=earlier, product_model=L20, region="Астана")
    ClaimFactory(submitted_at=earlier, response_due_date=earlier.date(), product_model=H12)
    late = ClaimFactory(response_due_date=today - datetime.timedelta(days=1))
    claim_step(late, "request_info", by=SupportUserFactory(), message="Фото чека")
    ClaimFactory(response_due_date=today - datetime.timedelta(days=1))  # overdue
    ClaimFactory(response_due_date=today + datetime.timedelta(days=5))  # not due yet
    return technician


def test_every_report_reads_the_same_from_the_roll_ups_as_from_the_live_tables(two_months):
    live = every_report(whole_year())
    # The current month waits a day at a time (today's changes); an older month whole.
    assert rollups.stale(months_back(11), this_month()) == rollups.Stale(
        months=frozenset({months_back(2)}), days=frozenset({timezone.localdate()})
    )

    assert rollups.refresh_stale_months() == [months_back(2), this_month()]

    assert not ReportChange.objects.exists()
    assert every_report(whole_year()) == live
    # Not an empty comparison: the figures are there.
    late_replies = {row[0]: row[1:5] for row in live["late-replies"]}
    assert late_replies[f"{this_month():%m.%Y}"] == (9, 6, 1, 1)  # 6 in time, 1 late, 1 overdue
    assert late_replies[f"{months_back(2):%m.%Y}"] == (2, 0, 0, 1)
    replacements = {row[0]: row[1:4] for row in live["replacements-refunds"]}
    assert replacements[H12] == (3, 1, 1)


@pytest.mark.parametrize("refreshed", [False, True])
def test_each_report_keeps_to_its_query_budget_whether_or_not_months_wait(
    two_months, refreshed, django_assert_max_num_queries
):
    if refreshed:
        rollups.refresh_stale_months()
    for slug, report in REPORTS.items():
        with django_assert_max_num_queries(report.queries, info=slug):
            report.selector(whole_year())


def test_a_claim_filed_after_the_refresh_counts_at_once_and_the_next_refresh_stores_it(
    two_months,
):
    rollups.refresh_stale_months()
    before = REPORTS["claims-orders"].selector(whole_year())

    ClaimFactory(product_model="DREAME Z10 Station", region="Шымкент")

    month = f"{this_month():%m.%Y}"
    new_row = (month, "DREAME Z10 Station", "Шымкент", 1, 0)
    assert set(REPORTS["claims-orders"].selector(whole_year())) == {*before, new_row}
    rollups.refresh_stale_months()
    assert ClaimMonth.objects.get(product_model="DREAME Z10 Station").claims == 1
    assert set(REPORTS["claims-orders"].selector(whole_year())) == {*before, new_row}


def test_support_correcting_a_claims_model_moves_its_order_and_its_return(two_months):
    # Claimed two months ago, repaired and returned this month: the claim's save must
    # mark the months of its order and its return too.
    claimed = timezone.make_aware(datetime.datetime.combine(months_back(2), datetime.time(9)))
    order = make_order(
        status=OrderStatus.DELIVERED, product_model="DREAME X40 Ultar", submitted_at=claimed
    )
    rollups.refresh_stale_months()

    claim = order.claim
    claim.product_model = "DREAME X40 Ultra"  # as support saves it in the admin
    claim.save()

    def models_in(slug):
        return {row[0] for row in REPORTS[slug].selector(whole_year())}

    for state in ("live", "stored"):
        assert "DREAME X40 Ultra" in models_in("replacements-refunds"), state
        assert "DREAME X40 Ultar" not in models_in("replacements-refunds"), state
        returns = REPORTS["return-days"].selector(
            Filters(start=months_back(11), end=this_month(), model="DREAME X40 Ultra")
        )
        assert [row[1] for row in returns] == [1], state
        rollups.refresh_stale_months()


def test_the_delivery_moves_a_return_from_the_parcels_month_to_its_own(two_months):
    claimed = timezone.make_aware(datetime.datetime.combine(months_back(2), datetime.time(9)))
    order = make_order(
        status=OrderStatus.SHIPPED, product_model="DREAME D10 Plus", submitted_at=claimed
    )
    parcel = Shipment.objects.get(repair_order=order, direction=Shipment.Direction.OUTBOUND)
    sent = timezone.make_aware(datetime.datetime.combine(months_back(1), datetime.time(12)))
    # A data fix that bypasses the saves says which month it touched, as the docs ask.
    Shipment.objects.filter(pk=parcel.pk).update(created_at=sent)
    rollups.mark_changed([sent])
    rollups.refresh_stale_months()
    assert ReturnMonth.objects.filter(month=months_back(1), product_model="DREAME D10 Plus")

    run_step("confirm_delivery", order, order.service_center.technicians.first().user)

    def returns_in(month):
        rows = REPORTS["return-days"].selector(
            Filters(start=month, end=month, model="DREAME D10 Plus")
        )
        return sum(row[1] for row in rows)

    for state in ("live", "stored"):
        assert (returns_in(months_back(1)), returns_in(this_month())) == (0, 1), state
        rollups.refresh_stale_months()


def test_the_command_and_the_task_roll_up_every_month_and_say_so(two_months, capsys):
    rollups.refresh_stale_months()
    ClaimMonth.objects.all().delete()  # as if lost: --all rebuilds from the live tables

    call_command("refresh_report_rollups", "--all")

    assert "2 month(s) rolled up" in capsys.readouterr().out
    assert ClaimMonth.objects.filter(month=months_back(2)).exists()
    ClaimFactory()
    assert refresh_report_rollups() == 1  # the beat task: only the changed month


@pytest.mark.django_db(transaction=True)
def test_a_month_another_refresh_holds_is_left_to_it(postgres_db):
    ClaimFactory()
    ReportMonth.objects.create(month=this_month())
    holding, release = threading.Event(), threading.Event()

    def hold_the_month():
        try:
            with transaction.atomic():
                ReportMonth.objects.select_for_update().get(month=this_month())
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_month)
    holder.start()
    try:
        assert holding.wait(10)
        assert rollups.refresh_month(this_month()) is False
        assert not ClaimMonth.objects.exists()  # nothing written twice
        assert ReportChange.objects.exists()  # and the change still waits for the other
    finally:
        release.set()
        holder.join()
    assert rollups.refresh_month(this_month()) is True
    assert ClaimMonth.objects.get().claims == 1


def test_the_current_month_is_kept_per_day_so_a_change_reads_only_its_day_live(two_months):
    rollups.refresh_stale_months()
    assert not ClaimMonth.objects.filter(month=this_month(), day__isnull=True).exists()
    assert not ClaimMonth.objects.filter(month=months_back(2), day__isnull=False).exists()

    ClaimFactory()

    today = timezone.localdate()
    assert rollups.stale(months_back(11), this_month()) == rollups.Stale(days=frozenset({today}))
    # A bulk load or a data fix marks whole months: read whole until the refresh.
    rollups.mark_months_changed([this_month()])
    assert rollups.stale(months_back(11), this_month()) == rollups.Stale(
        months=frozenset({this_month()})
    )
    claims = {row[0]: row[1] for row in REPORTS["late-replies"].selector(whole_year())}
    assert claims[f"{this_month():%m.%Y}"] == 10  # the fixture's nine and the new one
