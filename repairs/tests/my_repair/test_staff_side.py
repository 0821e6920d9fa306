"""What support and the technician see of the customer's steps: the consent in the
history, the ratings on the dashboard, the "send a new link" button."""

import pytest

from claims.models import Claim
from notifications.models import Notification
from notifications.services import full_context
from repairs.admin.dashboard import support_dashboard
from repairs.models import OrderStatus
from repairs.services import customer
from repairs.tests.factories import SupportUserFactory, make_order
from repairs.tests.my_repair.helpers import my_path
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_each_centers_average_rating():
    first = make_order(status=OrderStatus.DELIVERED)
    second = make_order(status=OrderStatus.DELIVERED)
    second.service_center = first.service_center
    second.save(update_fields=["service_center"])
    customer.rate_service(order=first, score=5)
    customer.rate_service(order=second, score=2, comment="Долго")
    row = next(r for r in support_dashboard().centers if r.center_id == first.service_center_id)
    assert (row.rating_average, row.rating_count) == (3.5, 2)


def test_support_sends_a_new_link_from_the_claim_page(client):
    order = make_order(status=OrderStatus.IN_REPAIR)
    support = SupportUserFactory()
    client.force_login(support)
    old_path = my_path(order)
    page = client.get(f"/admin/claims/claim/{order.claim_id}/change/").content.decode()
    assert f'action="/admin/claims/claim/{order.claim_id}/new-link/"' in page
    response = client.post(f"/admin/claims/claim/{order.claim_id}/new-link/")
    assert response.status_code == 302
    assert client.get(old_path).status_code == 404
    assert Notification.objects.filter(template="my_link").count() == 1
    claim = Claim.objects.get(pk=order.claim_id)
    history = visible_text(client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode())
    assert support.username in history


def test_the_technician_sees_the_online_consent_in_the_orders_history(client):
    order = make_order(status=OrderStatus.AWAITING_APPROVAL)
    consent = customer.decide_quote(
        order=order,
        accept=True,
        amount_shown=order.quote_amount,
        wording="Я согласен на платный ремонт за 25 000 ₸.",
        language="ru",
        client_address="10.0.0.7",
    )
    technician = order.service_center.technicians.first().user
    client.force_login(technician)
    text = visible_text(client.get(f"/service/orders/{order.pk}/").content.decode())
    assert consent.wording in text


def test_every_customer_email_carries_the_personal_link():
    order = make_order(status=OrderStatus.SHIPPED)
    claim = Claim.objects.get(pk=order.claim_id)
    customer_mails = Notification.objects.filter(recipient=claim.email)
    assert customer_mails.count() >= 4
    for notification in customer_mails:
        link = full_context(notification.context)["my_url"]
        assert link.endswith(my_path(claim)), notification.template
    staff_mails = Notification.objects.exclude(recipient=claim.email)
    assert staff_mails.exists()
    assert not any("my_url" in full_context(n.context) for n in staff_mails)
