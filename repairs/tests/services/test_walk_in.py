"""register_walk_in: a customer at the counter becomes a counter claim, an order received at
the technician's own center and its act, in one transaction."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from claims.models import Channel, Claim, ClaimStatus, ProductModel, StatusEvent, Verdict
from claims.services import DuplicateClaim
from notifications.models import Notification
from repairs.history import case_history
from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.services import orders
from repairs.services.counter import register_walk_in
from repairs.tests.factories import TechnicianFactory
from repairs.tests.workbench.signature_png import signature_png
from tests.pages import jpeg

pytestmark = pytest.mark.django_db

ROBOT = "DREAME L20 Ultra"


def claim_data(**overrides) -> dict:
    """A claim form's cleaned values, as WalkInClaimForm.claim_data() gives them."""
    product = ProductModel.objects.get(name=ROBOT)
    return {
        "full_name": "Айгерим Сатпаева",
        "email": "aigerim@example.kz",
        "phone": "+77012345678",
        "whatsapp": "",
        "notify_whatsapp": False,
        "notify_sms": False,
        "region": "Алматы",
        "city": "Алматы",
        "address": "ул. Абая, 10, кв. 5",
        "postal_code": "050000",
        "product": product,
        "product_model": product.name,
        "serial_number": "R2216-0042-KZ",
        "purchase_date": timezone.localdate() - datetime.timedelta(days=40),
        "seller": "Technodom",
        "fault_description": "Не заряжается от базы.",
        "receipt_missing_reason": "Потерян",
        **overrides,
    }


def act_data(**overrides) -> dict:
    return {
        "serial_number": "R2216-0042-KZ",
        "has_receipt": False,
        "has_warranty_card": True,
        "is_warranty_card_stamped": True,
        "accessories": [],
        "accessories_missing": [],
        "other_items": "",
        "completeness": "Комплект",
        "condition_marks": [],
        "condition": "",
        "fault_found": "Не заряжается",
        "is_user_fault": False,
        "final_verdict": Verdict.FREE_REPAIR,
        "verdict_reason": "Чек потерян, гарантийный талон с печатью",
        "signature": ContentFile(signature_png(), name="s.png"),
        **overrides,
    }


@pytest.fixture
def technician():
    return TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")


def test_it_registers_a_counter_claim_and_receives_its_order_at_the_technicians_center(
    technician,
):
    order = register_walk_in(
        claim_data=claim_data(),
        act_data=act_data(),
        technician=technician,
        photos=[jpeg("front.jpg")],
        note="Приняли на диагностику",
    )

    claim = Claim.objects.get()
    assert claim.channel == Channel.COUNTER
    assert claim.registered_by == technician.user
    assert claim.status == ClaimStatus.APPROVED
    assert claim.receipt_missing_reason == "Потерян"
    assert claim.verdict == Verdict.FREE_REPAIR  # 40 days after the purchase: the policy's
    order = RepairOrder.objects.get(pk=order.pk)
    assert order.claim == claim
    assert order.service_center == technician.service_center
    assert order.status == OrderStatus.RECEIVED
    assert order.intake_date == timezone.localdate()
    act = IntakeAct.objects.get(repair_order=order)
    assert act.received_by == technician.user
    assert act.received_by_post is False
    assert act.signature.name.startswith("signatures/")
    assert act.photos.count() == 1


def test_its_history_reads_submitted_by_the_technician_approved_by_the_rule_then_received(
    technician,
):
    register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)

    rows = StatusEvent.objects.order_by("pk")
    assert [(row.transition, row.by) for row in rows] == [
        ("submit", technician.user),
        ("approve", None),
        ("create", None),
        ("receive", technician.user),
    ]
    claim = Claim.objects.get()
    history = [(row.what, row.who) for row in case_history(claim)]
    registered = "Заявка зарегистрирована на стойке приёма сервисного центра"
    assert (registered, "Даурен Касымов") in history
    assert ("Изделие принято, составлен акт приёмки", "Даурен Касымов") in history
    assert ("Заявка одобрена", "Система") in history


def test_the_customer_gets_the_claim_and_the_act_but_no_send_your_product_email(technician):
    register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)

    to_customer = set(
        Notification.objects.filter(recipient="aigerim@example.kz").values_list(
            "template", flat=True
        )
    )
    assert to_customer == {"claim_received", "product_received"}
    received = Notification.objects.get(template="claim_received")
    assert received.context["channel"] == "counter"
    # Nor is the center told that a product is on its way: it is on its counter.
    assert not Notification.objects.filter(template__startswith="center_").exists()


def test_a_failure_at_intake_leaves_no_claim_no_order_and_no_email(technician):
    with (
        mock.patch.object(orders.IntakeAct.objects, "create", side_effect=RuntimeError("disk")),
        pytest.raises(RuntimeError),
    ):
        register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)

    assert not Claim.objects.exists()
    assert not RepairOrder.objects.exists()
    assert not StatusEvent.objects.exists()
    assert not Notification.objects.exists()


def test_a_technician_without_the_work_permission_registers_nothing():
    technician = TechnicianFactory()
    technician.user.user_permissions.clear()
    technician.user.groups.clear()

    with pytest.raises(PermissionDenied):
        register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)

    assert not Claim.objects.exists()


def test_the_same_customer_registered_twice_in_a_minute_is_a_duplicate(technician):
    register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)
    colleague = TechnicianFactory(service_center=technician.service_center)

    with pytest.raises(DuplicateClaim):
        register_walk_in(
            claim_data=claim_data(),
            act_data=act_data(signature=""),
            technician=colleague,
        )

    assert Claim.objects.count() == 1
    assert RepairOrder.objects.count() == 1


def test_an_inactive_center_cannot_receive_a_walk_in(technician):
    center = technician.service_center
    center.is_active = False
    center.save()

    with pytest.raises(ValidationError, match="не принимает изделия в ремонт"):
        register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)

    assert not Claim.objects.exists()


def test_the_counter_claims_email_says_the_act_follows_not_to_wait_before_sending(technician):
    from notifications.services import render_email

    register_walk_in(claim_data=claim_data(), act_data=act_data(), technician=technician)
    received = Notification.objects.get(template="claim_received")

    _subject, text, html = render_email(
        template="claim_received", language="ru", context=received.context
    )

    assert "акт приёмки придёт отдельным письмом" in text
    assert "акт приёмки придёт отдельным письмом" in html
    assert "не отправляйте" not in text.lower()
