"""Support's triage in the admin: the actions call the services, the lists stay cheap."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import ClaimStatus
from claims.tests.factories import ClaimFactory
from notifications.models import Notification
from repairs.models import RepairOrder
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/claims/claim/"


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def run_action(client, action, claims, **fields):
    data = {"action": action, "_selected_action": [claim.pk for claim in claims], **fields}
    return client.post(CHANGELIST, data, follow=True).content.decode()


def test_it_approves_a_claim_with_the_chosen_center_and_emails_its_contacts(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory()

    html = run_action(support, "approve", [claim], service_center=center.pk)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert RepairOrder.objects.get(claim=claim).service_center == center
    assert Notification.objects.filter(recipient=claim.email, template="claim_approved").exists()
    assert "Одобрено: 1." in html


def test_approving_without_a_center_changes_nothing_and_says_why(support):
    claim = ClaimFactory()

    html = run_action(support, "approve", [claim])

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert "Сначала выберите сервисный центр." in html


def test_an_inactive_center_cannot_be_assigned(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory(is_active=False)

    run_action(support, "approve", [claim], service_center=center.pk)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_claim_already_approved_is_reported_not_approved_twice(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory()
    run_action(support, "approve", [claim], service_center=center.pk)

    html = run_action(support, "approve", [claim], service_center=center.pk)

    assert RepairOrder.objects.filter(claim=claim).count() == 1
    assert f"Заявка {claim.number}: действие невозможно в её текущем статусе." in html


@pytest.mark.parametrize(
    ("step", "field", "status", "template", "refusal"),
    [
        (
            "request_info",
            "message",
            ClaimStatus.NEEDS_INFO,
            "claim_info_requested",
            "какая информация",
        ),
        ("reject", "reason", ClaimStatus.REJECTED, "claim_rejected", "причину отказа"),
    ],
)
def test_request_info_and_reject_need_a_text_and_email_it(
    support, step, field, status, template, refusal
):
    # Taken on the claim's own page now (one text for many customers made no sense).
    claim = ClaimFactory()
    url = f"/admin/claims/claim/{claim.pk}/triage/{step}/"

    html = support.post(
        url, {f"{step}-from_status": "submitted", f"{step}-{field}": "  "}
    ).content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert refusal in html

    typed = "Пришлите фото чека <b>целиком</b>"
    support.post(url, {f"{step}-from_status": "submitted", f"{step}-{field}": typed})
    claim.refresh_from_db()
    assert claim.status == status
    notification = Notification.objects.get(recipient=claim.email, template=template)
    assert notification.context["public_note"] == typed


def test_the_list_no_longer_rejects_or_requests_information_in_bulk(support):
    claim = ClaimFactory()

    run_action(support, "reject", [claim], message="Один отказ на всех")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not Notification.objects.filter(template="claim_rejected").exists()


def test_a_technician_has_no_way_into_the_admin():
    technician = Client()
    technician.force_login(TechnicianFactory().user)

    response = technician.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_claim_list_escapes_customer_text_and_marks_overdue_claims(support):
    # The list shows the city and the product, not the name (the claim page does).
    ClaimFactory(city="<script>alert(1)</script>", product_model="<b>L20</b>")
    ClaimFactory(response_due_date=timezone.localdate() - datetime.timedelta(days=1))

    html = support.get(CHANGELIST).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>L20</b>" not in html and "&lt;b&gt;L20&lt;/b&gt;" in html
    assert "просрочено" in html


@pytest.mark.parametrize("rows", [2, 30])
def test_the_claim_list_runs_the_same_queries_for_2_or_30_claims(
    support, django_assert_max_num_queries, rows
):
    ClaimFactory.create_batch(rows)
    # Expected: session, user, the user's own and group permissions (2), count, full count,
    # the page of claims, the region filter's choices, the date hierarchy (2), the action
    # form's service centers: 11 whatever the number of claims.
    with django_assert_max_num_queries(11):
        response = support.get(CHANGELIST)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 12])
def test_the_order_list_runs_the_same_queries_for_few_or_many_orders(
    support, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        make_order()
    # Expected: session, user, permissions, count, full count, the page of orders with
    # their centers (list_select_related), the service-center filter choices.
    with django_assert_max_num_queries(9):
        response = support.get("/admin/repairs/repairorder/")
    assert response.status_code == 200


def test_the_outbox_list_runs_a_fixed_number_of_queries(support, django_assert_max_num_queries):
    make_order()
    make_order()
    # Expected: session, user, permissions (2), count, full count, the page of e-mails,
    # and one for the list's filters.
    with django_assert_max_num_queries(8):
        response = support.get("/admin/notifications/notification/")
    assert response.status_code == 200


def test_what_a_transition_writes_cannot_be_edited_on_the_claim_page(support):
    claim = ClaimFactory(rejection_reason="", info_request="")
    url = f"/admin/claims/claim/{claim.pk}/change/"

    html = support.get(url).content.decode()
    for field in ["info_request", "supplement_text", "rejection_reason", "status"]:
        assert f'name="{field}"' not in html
    assert 'name="address"' in html  # a typo in the customer's address stays correctable

    support.post(url, {"rejection_reason": "Отказ мимо сервиса", "_save": "1"})
    claim.refresh_from_db()
    assert claim.rejection_reason == ""
    assert claim.status == ClaimStatus.SUBMITTED
