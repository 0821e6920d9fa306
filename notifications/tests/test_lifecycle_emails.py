"""Each customer-facing state change sends exactly one e-mail with what the customer needs.

The chain runs in-process (Celery eager) against a real SMTP server on loopback; the same
path with a worker process is covered in test_outbox_e2e.py.
"""

import re

import pytest
from django.utils import timezone

from claims import warranty
from claims.models import WarrantyPolicy
from claims.tests.factories import ClaimFactory, claim_step
from repairs import services as order_services
from repairs.tests.factories import SupportUserFactory, TechnicianFactory, quote_lines, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(smtp_server, eager_celery, django_capture_on_commit_callbacks):
    """Run each step's on-commit publish and return the new messages to the customer."""

    def step(action, recipient):
        before = len(smtp_server.to(recipient))
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        new = smtp_server.to(recipient)[before:]
        assert len(new) == 1, f"expected exactly one e-mail, got {len(new)}"
        message = new[0]
        return result, message["Subject"], message.get_body(("plain",)).get_content()

    return step


def test_the_whole_repair_tells_the_customer_each_step_once(mailbox):
    technician = TechnicianFactory(
        service_center__phone="+77273550101", service_center__whatsapp="+77015554433"
    )
    center, user = technician.service_center, technician.user
    claim = ClaimFactory(email="life@example.kz", language="ru")

    order, subject, text = mailbox(
        lambda: order_services.approve_claim_and_open_order(
            claim=claim, service_center=center, by=SupportUserFactory()
        ),
        "life@example.kz",
    )
    assert subject == f"Заявка {claim.number} одобрена: куда отправить товар"
    # Phones as people write them (issue 19), not as stored.
    assert "+77273550101" not in text and "+77015554433" not in text
    for expected in (center.name, "+7 727 355 01 01", center.email, "+7 701 555 44 33",
                     center.postal_address, "чек о покупке",
                     "гарантийный талон с печатью продавца",
                     "свяжитесь с сервисным центром перед отправкой"):  # fmt: skip
        assert expected in text

    act = {"serial_number": "SN1", "completeness": "полная", "condition": "без повреждений",
           "final_verdict": "paid_repair"}  # fmt: skip
    order, subject, text = mailbox(
        lambda: step(order, "receive", by=user, act_data=act), claim.email
    )
    intake = timezone.localdate()
    assert order.display_number in subject
    assert intake.strftime("%d.%m.%Y") in text
    assert (
        f"/partners/repair-status/?order_number={order.order_number}"
        f"&intake_date={intake.isoformat()}" in text
    )

    order = step(order, "start_diagnostics", by=user)
    order, subject, text = mailbox(
        lambda: step(order, "send_quote", by=user, lines=quote_lines(45000)),
        claim.email,
    )
    assert "45 000 ₸" in subject and "45 000 ₸" in text

    order = step(order, "accept_quote", by=user)
    order, subject, _text = mailbox(
        lambda: step(order, "complete", by=user, note="Заменили щётку"),
        claim.email,
    )
    assert subject == f"Заказ {order.display_number}: ремонт завершён"

    order, subject, text = mailbox(
        lambda: step(
            order, "ship_back", by=user, carrier="Казпочта", tracking_number="RR123456785KZ"
        ),
        claim.email,
    )
    end = warranty.extended_warranty_end(
        purchase_date=claim.purchase_date,
        policy=WarrantyPolicy.objects.get(country="KZ"),
        claim_date=claim.submitted_date,
        returned_date=timezone.localdate(),
    )
    assert "Казпочта" in text and "RR123456785KZ" in text
    assert end.strftime("%d.%m.%Y") in text and "до сегодняшней даты отправки" in text

    order, subject, text = mailbox(lambda: step(order, "confirm_delivery", by=user), claim.email)
    assert subject == f"Заказ {order.display_number}: доставлен"
    assert end.strftime("%d.%m.%Y") in text


def assert_supplement_link_for(claim, text):
    link = re.search(r"https?://\S+/claims/\S+", text).group(0)
    try:
        from claims.signing import unsign_supplement_token
    except ImportError:  # the claims views' signed links are not there yet
        assert link.endswith(f"/claims/{claim.number}/supplement/")
    else:
        assert unsign_supplement_token(link.rstrip("/").rsplit("/", 1)[-1]) == claim.number


def test_information_request_and_rejection_tell_the_customer_what_support_wrote(mailbox):
    claim = ClaimFactory(email="info@example.kz", language="en")
    _claim, subject, text = mailbox(
        lambda: claim_step(
            claim,
            "request_info",
            by=SupportUserFactory(),
            message="Please send a photo of the <receipt>.",
        ),
        "info@example.kz",
    )
    assert subject == f"Claim {claim.number}: we need more information"
    assert "Please send a photo of the <receipt>." in text
    assert_supplement_link_for(claim, text)

    other = ClaimFactory(email="rejected@example.kz", language="kk")
    _claim, subject, text = mailbox(
        lambda: claim_step(
            other, "reject", by=SupportUserFactory(), reason="Тауар Қазақстаннан тыс сатып алынған"
        ),
        "rejected@example.kz",
    )
    assert subject == f"{other.number} өтініші: шешім"
    assert "Тауар Қазақстаннан тыс сатып алынған" in text
