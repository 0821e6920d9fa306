"""The claim's state machine, driven through its services: moves, events, e-mails, rights."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims import claim_numbers, services
from claims.models import Claim, ClaimStatus, StatusEvent, WarrantyPolicy
from claims.tests.factories import ClaimFactory, claim_step
from dreame_service.kit.fsm import Stale
from notifications.models import Notification
from repairs import order_numbers
from repairs.models import OrderStatus, RepairOrder
from repairs.services import approve_claim_and_open_order
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
)
from tests.commits import email_callbacks

C = ClaimStatus
pytestmark = pytest.mark.django_db


def claim_data(**overrides):
    data = {
        "full_name": "Ерлан Болатович Жакупов",
        "email": "erlan@example.kz",
        "phone": "+77015551234",
        "whatsapp": "+77015551234",
        "region": "Карагандинская область",
        "city": "Караганда",
        "address": "пр. Бухар-Жырау, д. 52, кв. 14",
        "postal_code": "100012",
        "product_model": "DREAME L20 Ultra",
        "serial_number": "L20U2405K0001",
        "purchase_date": timezone.localdate() - datetime.timedelta(days=100),
        "seller": "Sulpak",
        "fault_description": "Робот перестал строить карту.",
    }
    return {**data, **overrides}


def events_of(claim):
    return list(
        StatusEvent.objects.filter(claim=claim, subject=StatusEvent.Subject.CLAIM)
        .order_by("pk")
        .values_list("transition", "from_status", "to_status", "by")
    )


# --- submit -------------------------------------------------------------------------


def test_submitting_saves_the_claim_logs_it_and_queues_two_emails(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        claim = services.submit_claim(data=claim_data(), language="kk")

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == C.SUBMITTED
    assert claim.verdict == "free_repair"
    assert claim.language == "kk"
    assert claim.number.startswith("CL-")
    assert order_numbers.normalize(claim.number[3:] + "00") is not None
    assert claim.response_due_date == timezone.localdate() + datetime.timedelta(days=10)
    assert events_of(claim) == [("submit", "", C.SUBMITTED, None)]
    emails = {n.template: n for n in Notification.objects.all()}
    assert set(emails) == {"claim_received", "staff_new_claim"}
    assert emails["claim_received"].recipient == "erlan@example.kz"
    assert emails["claim_received"].language == "kk"
    assert emails["staff_new_claim"].recipient == settings.SUPPORT_EMAIL
    assert len(email_callbacks(callbacks)) == 2


@pytest.mark.parametrize(
    ("days_ago", "verdict"),
    [(0, "return_refund"), (15, "return_refund"), (16, "replace_or_refund"), (31, "free_repair")],
)
def test_the_preliminary_verdict_comes_from_the_policy_row(days_ago, verdict):
    purchase_date = timezone.localdate() - datetime.timedelta(days=days_ago)

    claim = services.submit_claim(data=claim_data(purchase_date=purchase_date))

    assert claim.verdict == verdict


def test_the_verdict_follows_an_edited_policy():
    WarrantyPolicy.objects.filter(country="KZ").update(return_days=3)
    purchase_date = timezone.localdate() - datetime.timedelta(days=5)

    claim = services.submit_claim(data=claim_data(purchase_date=purchase_date))

    assert claim.verdict == "replace_or_refund"


def test_the_answer_deadline_is_counted_from_the_date_in_almaty():
    late_evening_utc = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC)
    data = claim_data(purchase_date=datetime.date(2026, 3, 1))

    with mock.patch("django.utils.timezone.now", return_value=late_evening_utc):
        claim = services.submit_claim(data=data)

    assert claim.response_due_date == datetime.date(2026, 3, 21)


def test_a_future_purchase_date_saves_nothing():
    data = claim_data(purchase_date=timezone.localdate() + datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as excinfo:
        services.submit_claim(data=data)

    assert excinfo.value.code == "purchase_in_future"
    assert not Claim.objects.exists()
    assert not Notification.objects.exists()


def test_a_colliding_claim_number_is_drawn_again(monkeypatch):
    taken = ClaimFactory(number="CL-AAAAAAAA")
    draws = iter(["CL-AAAAAAAA", "CL-BBBBBBBB"])
    monkeypatch.setattr(claim_numbers, "generate", lambda: next(draws))

    claim = services.submit_claim(data=claim_data())

    assert claim.number == "CL-BBBBBBBB"
    assert Claim.objects.count() == 2
    assert Claim.objects.get(pk=taken.pk).number == "CL-AAAAAAAA"
    assert StatusEvent.objects.filter(claim=claim).count() == 1


# --- triage by support ---------------------------------------------------------------


def test_support_requests_information(django_capture_on_commit_callbacks):
    support = SupportUserFactory()
    claim = ClaimFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        claim_step(claim, "request_info", by=support, message="Пришлите фото чека.")

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == C.NEEDS_INFO
    assert claim.info_request == "Пришлите фото чека."
    assert events_of(claim) == [("request_info", C.SUBMITTED, C.NEEDS_INFO, support.pk)]
    assert StatusEvent.objects.get(claim=claim).public_note == "Пришлите фото чека."
    notification = Notification.objects.get()
    assert (notification.template, notification.recipient) == ("claim_info_requested", claim.email)
    assert len(email_callbacks(callbacks)) == 1


def test_the_customer_supplements_and_the_claim_is_back_in_the_queue():
    support = SupportUserFactory()
    claim = ClaimFactory()
    claim_step(claim, "request_info", by=support, message="Пришлите фото чека.")

    claim_step(claim, "supplement", text="Фото приложил.")
    claim_step(claim, "request_info", by=support, message="Нужен серийный номер.")
    claim_step(claim, "supplement", text="SN L20U2405K0001.")

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == C.SUBMITTED
    assert claim.supplement_text == "Фото приложил.\n\nSN L20U2405K0001."
    assert [e[:3] for e in events_of(claim)] == [
        ("request_info", C.SUBMITTED, C.NEEDS_INFO),
        ("supplement", C.NEEDS_INFO, C.SUBMITTED),
        ("request_info", C.SUBMITTED, C.NEEDS_INFO),
        ("supplement", C.NEEDS_INFO, C.SUBMITTED),
    ]
    assert events_of(claim)[1][3] is None  # the customer, not a staff user


def test_approving_opens_a_repair_order_and_emails_the_centers_contacts(
    django_capture_on_commit_callbacks,
):
    support = SupportUserFactory()
    center = ServiceCenterFactory(
        name="DREAME Service Astana", postal_address="010000, г. Астана, ул. Кенесары, 40"
    )
    claim = ClaimFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        order = approve_claim_and_open_order(claim=claim, service_center=center, by=support)

    order = RepairOrder.objects.get(pk=order.pk)
    assert order.claim == claim
    assert order.service_center == center
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert order_numbers.normalize(order.order_number) == order.order_number
    assert order.intake_date is None
    assert Claim.objects.get(pk=claim.pk).status == C.APPROVED
    assert events_of(claim) == [("approve", C.SUBMITTED, C.APPROVED, support.pk)]
    notification = Notification.objects.get(template="claim_approved")
    assert notification.recipient == claim.email
    center_context = notification.context["service_center"]
    assert center_context["postal_address"] == "010000, г. Астана, ул. Кенесары, 40"
    assert center_context["phone"] == "+77272000000"
    assert notification.context["order_number"] == order.display_number
    # The center is told too: a product is on its way to it.
    assert Notification.objects.get(template="center_new_order").recipient == center.email
    assert len(email_callbacks(callbacks)) == 2


def test_a_colliding_order_number_is_drawn_again(monkeypatch):
    support = SupportUserFactory()
    center = ServiceCenterFactory()
    first = approve_claim_and_open_order(claim=ClaimFactory(), service_center=center, by=support)
    draws = iter([first.order_number, "BBBBBBBBBB"])
    monkeypatch.setattr(order_numbers, "generate", lambda: next(draws))

    second = approve_claim_and_open_order(claim=ClaimFactory(), service_center=center, by=support)

    assert second.order_number == "BBBBBBBBBB"
    assert RepairOrder.objects.count() == 2


def test_support_rejects_with_a_reason():
    support = SupportUserFactory()
    claim = ClaimFactory()

    claim_step(claim, "reject", by=support, reason="Товар куплен не в Казахстане.")

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == C.REJECTED
    assert claim.rejection_reason == "Товар куплен не в Казахстане."
    assert events_of(claim) == [("reject", C.SUBMITTED, C.REJECTED, support.pk)]
    notification = Notification.objects.get()
    assert notification.template == "claim_rejected"
    assert notification.context["public_note"] == "Товар куплен не в Казахстане."


@pytest.mark.parametrize("needs_info", [False, True])
def test_an_open_claim_can_be_withdrawn(needs_info):
    claim = ClaimFactory()
    if needs_info:
        claim_step(claim, "request_info", by=SupportUserFactory(), message="?")

    claim_step(claim, "withdraw")

    assert Claim.objects.get(pk=claim.pk).status == C.CLOSED
    assert events_of(claim)[-1][:3] == (
        "withdraw",
        C.NEEDS_INFO if needs_info else C.SUBMITTED,
        C.CLOSED,
    )


# --- forbidden moves ---------------------------------------------------------------


def _approve(claim, support):
    approve_claim_and_open_order(claim=claim, service_center=ServiceCenterFactory(), by=support)


def _reject(claim, support):
    claim_step(claim, "reject", by=support, reason="-")


def _request_info(claim, support):
    claim_step(claim, "request_info", by=support, message="-")


def _supplement(claim, support):
    claim_step(claim, "supplement", text="-")


def _withdraw(claim, support):
    claim_step(claim, "withdraw", by=support)


REACH = {
    C.SUBMITTED: [],
    C.NEEDS_INFO: [_request_info],
    C.APPROVED: [_approve],
    C.REJECTED: [_reject],
    C.CLOSED: [_withdraw],
}

FORBIDDEN = [
    (C.SUBMITTED, _supplement),
    (C.NEEDS_INFO, _approve),
    (C.NEEDS_INFO, _reject),
    (C.NEEDS_INFO, _request_info),
    (C.APPROVED, _approve),
    (C.APPROVED, _reject),
    (C.APPROVED, _withdraw),
    (C.REJECTED, _approve),
    (C.REJECTED, _request_info),
    (C.REJECTED, _withdraw),
    (C.CLOSED, _approve),
    (C.CLOSED, _supplement),
]


@pytest.mark.parametrize(
    ("status", "move"), FORBIDDEN, ids=[f"{s}:{m.__name__[1:]}" for s, m in FORBIDDEN]
)
def test_a_forbidden_claim_transition_raises_and_changes_nothing(status, move):
    support = SupportUserFactory()
    claim = ClaimFactory()
    for step in REACH[status]:
        step(claim, support)
    counts = (StatusEvent.objects.count(), Notification.objects.count())
    orders = RepairOrder.objects.count()

    with pytest.raises(Stale):
        move(claim, support)

    assert Claim.objects.get(pk=claim.pk).status == status
    assert (StatusEvent.objects.count(), Notification.objects.count()) == counts
    assert RepairOrder.objects.count() == orders


# --- who may triage ----------------------------------------------------------------


@pytest.mark.parametrize("move", [_approve, _reject, _request_info])
def test_a_technician_cannot_triage_claims(move):
    technician = TechnicianFactory()
    claim = ClaimFactory()

    with pytest.raises(PermissionDenied):
        move(claim, technician.user)

    assert Claim.objects.get(pk=claim.pk).status == C.SUBMITTED
    assert not StatusEvent.objects.exists()
    assert not RepairOrder.objects.exists()


def test_a_user_without_the_triage_permission_cannot_approve():
    claim = ClaimFactory()

    with pytest.raises(PermissionDenied):
        _approve(claim, UserFactory(is_staff=True))

    assert Claim.objects.get(pk=claim.pk).status == C.SUBMITTED


def test_a_technician_is_refused_even_when_the_claim_is_already_decided():
    claim = ClaimFactory()
    _approve(claim, SupportUserFactory())

    with pytest.raises(PermissionDenied):
        _approve(claim, TechnicianFactory().user)


def test_an_inactive_service_center_cannot_be_assigned():
    claim = ClaimFactory()
    center = ServiceCenterFactory(is_active=False)

    with pytest.raises(ValidationError):
        approve_claim_and_open_order(claim=claim, service_center=center, by=SupportUserFactory())

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not RepairOrder.objects.filter(claim=claim).exists()
