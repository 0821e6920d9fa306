"""The logs of a whole journey carry no personal data: not the customer's phone or e-mail,
not the status lookup's query string, not a personal link's token."""

import logging

import pytest
from django.core.cache import cache

from claims import links
from claims.models import Claim
from claims.tests.claim_form import NEW, form_data
from dreame_service.kit.log_redaction import RedactLinkTokens
from repairs.models import OrderStatus
from repairs.services import approve_claim_and_open_order
from repairs.tests.factories import SupportUserFactory, TechnicianFactory, advance_order

pytestmark = pytest.mark.django_db

EMAIL = "aigerim.satpayeva@example.kz"
PHONE_DIGITS = "7012345678"


def test_a_journey_logs_nothing_personal(client, caplog):
    cache.clear()
    caplog.set_level(logging.DEBUG)
    # What the console handler writes: the same filter (settings.LOGGING) on the capture.
    caplog.handler.addFilter(RedactLinkTokens())
    # The customer files a claim (with a mistake first: a 400 is logged too).
    client.post(NEW, form_data(email=EMAIL, phone="+7 701 234 56 78", postal_code="12"))
    client.post(NEW, form_data(email=EMAIL, phone="+7 701 234 56 78"))
    claim = Claim.objects.get(email=EMAIL)
    technician = TechnicianFactory()
    order = approve_claim_and_open_order(
        claim=claim, service_center=technician.service_center, by=SupportUserFactory()
    )
    my = links.my_path(claim)
    client.get(my)
    client.post(my + "parcel/", {"carrier": "CDEK", "tracking_number": "1234567890"})
    order = advance_order(order, ["receive", "start_diagnostics"], by=technician.user)
    query = f"order_number={order.order_number}&intake_date={order.intake_date.isoformat()}"
    client.get(f"/partners/repair-status/?{query}")
    client.get(f"/partners/repair-status/?order_number={order.order_number}&intake_date=2001-01-01")
    client.get(my[:-10] + "broken/")  # a bad link: logged as a 404
    assert order.status == OrderStatus.DIAGNOSTICS

    logged = "\n".join(
        logging.Formatter("%(name)s %(message)s").format(record) for record in caplog.records
    )
    assert logged  # the journey did log (404s, 400s, e-mails queued)
    for secret in (EMAIL, PHONE_DIGITS, order.order_number, claim.link_key, "intake_date="):
        assert secret not in logged, secret
