"""`generate_claims --fast`: the bench data written with COPY (a million claims in minutes,
docs/benchmarks.md), here 2,000 claims, checked to be a consistent set of cases."""

import io
from collections import defaultdict
from functools import partial

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min, Sum

from claims.forms import REGIONS
from claims.models import Claim, ClaimStatus, ProductModel, StatusEvent
from claims.reference_data import OTHER_CATEGORY
from claims.tests.factories import ClaimFactory
from repairs import rollups
from repairs.models import (
    FaultCategory,
    OrderStatus,
    QuoteConsent,
    RepairOrder,
    ReportChange,
    ServiceRating,
    WorkLine,
)

pytestmark = pytest.mark.django_db
ORDER = StatusEvent.Subject.ORDER


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('claims_claim', 'claims_statusevent', 'repairs_repairorder')"
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def generated(postgres_db):
    indexes = _index_names()
    out = io.StringIO()
    call_command("generate_claims", claims=2000, orders=600, years=3, fast=True, seed=5, stdout=out)
    assert _index_names() == indexes  # set aside for the load, built again after it
    return out.getvalue()


def test_it_makes_the_claims_and_orders_asked_for(generated):
    assert "2000 claims" in generated
    assert Claim.objects.count() == 2000
    assert RepairOrder.objects.count() == 600
    assert RepairOrder.objects.values("service_center").distinct().count() == 10
    assert Claim.objects.values("product_model").distinct().count() >= 10
    unordered = Claim.objects.filter(repair_order__isnull=True)
    assert set(unordered.values_list("region", flat=True)) == {code for code, _name in REGIONS}
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses <= set(ClaimStatus.values)
    assert set(RepairOrder.objects.values_list("status", flat=True)) <= set(OrderStatus.values)
    ordered = Claim.objects.filter(repair_order__isnull=False)
    assert set(ordered.values_list("status", flat=True)) <= {
        ClaimStatus.APPROVED,
        ClaimStatus.CLOSED,
    }


def test_the_cases_spread_over_three_years(generated):
    oldest = Claim.objects.order_by("submitted_at").first().submitted_at
    newest = Claim.objects.order_by("submitted_at").last().submitted_at
    assert (newest - oldest).days > 2 * 365


def test_every_order_has_an_unbroken_history_ending_in_its_state(generated):
    chains = defaultdict(list)
    for claim_id, from_status, to_status in StatusEvent.objects.filter(subject=ORDER).values_list(
        "claim_id", "from_status", "to_status"
    ):  # ordered by created_at, pk
        chains[claim_id].append((from_status, to_status))
    orders = dict(RepairOrder.objects.values_list("claim_id", "status"))
    assert set(chains) == set(orders)
    for claim_id, chain in chains.items():
        assert chain[0] == ("", OrderStatus.AWAITING_SHIPMENT)
        for (_before, reached), (left, _after) in zip(chain, chain[1:], strict=False):
            assert left == reached, chain
        assert chain[-1][1] == orders[claim_id]
    first = StatusEvent.objects.filter(subject=StatusEvent.Subject.CLAIM).order_by(
        "claim_id", "created_at", "pk"
    )
    firsts = {}
    for claim_id, transition in first.values_list("claim_id", "transition"):
        firsts.setdefault(claim_id, transition)
    assert len(firsts) == 2000 and set(firsts.values()) == {"submit"}


def test_work_lines_sum_to_the_quote_and_diagnosed_orders_have_a_fitting_fault(generated):
    quoted = RepairOrder.objects.filter(quote_amount__isnull=False).annotate(
        lines=Sum("work_lines__unit_price", filter=_estimate())
    )
    assert quoted.exists()
    for order in quoted:
        assert order.lines == order.quote_amount
    assert WorkLine.objects.filter(stage=WorkLine.Stage.DONE).exists()
    categories = dict(ProductModel.objects.values_list("name", "category__code"))
    faulted = RepairOrder.objects.filter(fault_category__isnull=False).select_related(
        "claim", "fault_category__product_category"
    )
    assert faulted.count() > 100
    for order in faulted:
        expected = categories.get(order.claim.product_model) or OTHER_CATEGORY
        assert order.fault_category.product_category.code == expected
    notes = StatusEvent.objects.filter(note_code="fault_found").count()
    assert notes == faulted.count()
    assert not RepairOrder.objects.filter(
        fault_category__isnull=True, status=OrderStatus.IN_REPAIR
    ).exists()


def _estimate():
    from django.db.models import Q

    return Q(work_lines__stage=WorkLine.Stage.ESTIMATE)


def test_online_quote_answers_and_ratings_belong_to_their_orders(generated):
    consents = QuoteConsent.objects.select_related("status_event", "repair_order")
    assert consents.exists()
    for consent in consents:
        event = consent.status_event
        assert event.claim_id == consent.repair_order.claim_id
        assert event.by_customer and event.transition == "accept_quote"
        assert consent.amount == consent.repair_order.quote_amount
    ratings = ServiceRating.objects.select_related("repair_order")
    assert ratings.exists()
    assert {rating.repair_order.status for rating in ratings} == {OrderStatus.DELIVERED}
    assert all(r.service_center_id == r.repair_order.service_center_id for r in ratings)
    assert FaultCategory.objects.annotate(n=Count("repair_orders")).filter(n__gt=0).count() > 10


def test_the_portal_writes_new_rows_after_it(generated):
    claim = ClaimFactory()  # the sequences moved past the COPYed ids
    assert claim.pk > Claim.objects.exclude(pk=claim.pk).order_by("-pk").first().pk


def test_fast_needs_postgresql(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_claims", claims=10, fast=True, stdout=io.StringIO())


def test_the_reports_roll_ups_are_built_and_hold_what_the_live_tables_say(generated):
    assert "roll-ups of 3" in generated or "roll-ups of 4" in generated  # 36–38 months
    first, last = (
        rollups.month_of(at)
        for at in Claim.objects.aggregate(a=Min("submitted_at"), b=Max("submitted_at")).values()
    )
    every_month = set()
    month = first
    while month <= last:
        every_month.add(month)
        month = rollups.next_month(month)
    assert not ReportChange.objects.exists()
    for roll_up in rollups.ROLL_UPS:
        by = ["month", "service_center_id"]
        read = partial(
            rollups.read, roll_up, start=first, end=last, by=by, narrowing=rollups.Narrowing()
        )
        stored = read(stale=rollups.Stale())
        live = read(stale=rollups.Stale(months=frozenset(every_month)))

        def key(row):
            return (row["month"], row["service_center_id"] or 0)

        assert sorted(stored, key=key) == sorted(live, key=key), roll_up.table.__name__
        assert stored, roll_up.table.__name__


def test_support_answered_every_claim_it_approved_asked_about_or_refused(generated):
    assert not Claim.objects.filter(
        status__in=[ClaimStatus.APPROVED, ClaimStatus.NEEDS_INFO, ClaimStatus.REJECTED],
        first_answer_at__isnull=True,
    ).exists()
    assert not Claim.objects.filter(
        status=ClaimStatus.SUBMITTED, first_answer_at__isnull=False
    ).exists()
