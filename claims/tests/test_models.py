"""The claim model: a protected status, its declared moves, seeded policy data."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django_fsm import ConcurrentTransition

from claims.models import OPEN_STATES, Claim, ClaimStatus, ProductModel, WarrantyPolicy
from claims.tests.factories import ClaimFactory
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import make_order

C = ClaimStatus

ALLOWED = {
    ("request_info", C.SUBMITTED, C.NEEDS_INFO),
    ("supplement", C.NEEDS_INFO, C.SUBMITTED),
    ("approve", C.SUBMITTED, C.APPROVED),
    ("reject", C.SUBMITTED, C.REJECTED),
    ("close", C.APPROVED, C.CLOSED),
    ("withdraw", C.SUBMITTED, C.CLOSED),
    ("withdraw", C.NEEDS_INFO, C.CLOSED),
}


def test_the_claim_allows_exactly_the_moves_of_the_design():
    field = Claim._meta.get_field("status")
    declared = {(t.name, t.source, t.target) for t in field.get_all_transitions(Claim)}

    assert declared == {(name, str(s), str(t)) for name, s, t in ALLOWED}


def test_triage_moves_need_the_triage_permission():
    field = Claim._meta.get_field("status")
    permissions = {t.name: t.permission for t in field.get_all_transitions(Claim)}

    assert permissions["approve"] == permissions["reject"] == permissions["request_info"]
    assert permissions["approve"] == "claims.triage_claim"


@pytest.mark.django_db
def test_the_status_cannot_be_assigned_directly():
    claim = ClaimFactory()

    with pytest.raises(AttributeError):
        claim.status = ClaimStatus.APPROVED

    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


@pytest.mark.django_db
def test_the_order_status_cannot_be_assigned_directly():
    order = RepairOrder.objects.get(pk=make_order().pk)

    with pytest.raises(AttributeError):
        order.status = OrderStatus.DELIVERED

    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.AWAITING_SHIPMENT


@pytest.mark.django_db
def test_refresh_from_db_still_works_on_a_protected_status():
    order = make_order()
    RepairOrder.objects.get(pk=order.pk)

    order.refresh_from_db()

    assert order.status == OrderStatus.AWAITING_SHIPMENT


@pytest.mark.django_db
def test_saving_a_stale_claim_after_another_move_is_refused():
    claim = ClaimFactory()
    first = Claim.objects.get(pk=claim.pk)
    stale = Claim.objects.get(pk=claim.pk)
    first.reject(reason="Не наш товар")
    first.save()

    stale.withdraw()
    # as the services do: the save runs in a transaction, rolled back on the refusal
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED


@pytest.mark.django_db
def test_saving_a_stale_order_after_another_move_is_refused():
    order = make_order()
    first = RepairOrder.objects.get(pk=order.pk)
    stale = RepairOrder.objects.get(pk=order.pk)
    first.register_shipment()
    first.save()

    stale.cancel(reason="дубль")
    # as the services do: the save runs in a transaction, rolled back on the refusal
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.IN_TRANSIT


def test_a_claim_is_withdrawn_exactly_from_the_open_states_whose_reply_clock_runs():
    field = Claim._meta.get_field("status")
    sources = {t.source for t in field.get_all_transitions(Claim) if t.name == "withdraw"}

    assert sources == set(OPEN_STATES) == {C.SUBMITTED, C.NEEDS_INFO}


@pytest.mark.django_db
def test_the_submitted_date_is_the_date_in_almaty():
    claim = ClaimFactory(submitted_at=datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC))

    assert Claim.objects.get(pk=claim.pk).submitted_date == datetime.date(2026, 3, 11)


@pytest.mark.django_db
def test_the_kazakh_policy_and_the_product_catalogue_are_seeded():
    policy = WarrantyPolicy.objects.get(country="KZ")

    assert (policy.return_days, policy.replace_days, policy.repair_months) == (15, 30, 12)
    assert policy.response_days == 10
    assert ProductModel.objects.filter(is_active=True, name__startswith="DREAME").count() >= 12


@pytest.mark.django_db
def test_the_groups_carry_the_right_permissions():
    support = set(Group.objects.get(name="support").permissions.values_list("codename", flat=True))
    technicians = set(
        Group.objects.get(name="technicians").permissions.values_list("codename", flat=True)
    )

    assert "triage_claim" in support
    assert "work_on_order" not in support
    assert technicians == {"work_on_order"}
