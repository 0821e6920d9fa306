"""`manage.py seed_demo`: every state on show, made through the services, idempotent.

The demo data is made once for this module (`seeded`, about 5 s) rather than once per test:
the tests only read it, and whatever one writes (a login, the second run) is rolled back
after it, as in any database test."""

import io
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import translation

from claims.mail_replies import EMAIL_REPLY
from claims.models import Claim, ClaimStatus, StatusEvent
from notifications.models import InboundEmail, Notification
from repairs.management.commands.seed_demo import DEMO_PASSWORD
from repairs.models import IntakeAct, OrderStatus, RepairOrder, ServiceCenter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

LOGINS = ["admin", "support", "almaty-tech", "astana-tech", "shymkent-tech"]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@dataclass(frozen=True)
class FirstRun:
    output: str
    counts: dict
    statuses: list


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory) -> FirstRun:
    """`seed_demo` run once on the empty test database, for every test of the module.

    Inside the same class-wide transaction Django's TestCase opens for `setUpTestData`: each
    test's own transaction nests in it, and it is rolled back after the module's last test.
    What the tests' autouse fixtures set per test is set here for the run: the site's
    language, and the uploads (the acts' PDFs) in a folder of its own, never in var/media."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("seed-demo-media"))},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages),
        translation.override(settings.LANGUAGE_CODE),
    ):
        atomics = TestCase._enter_atomics()
        try:
            output = seed()
            yield FirstRun(
                output=output,
                counts=counts(),
                statuses=sorted(RepairOrder.objects.values_list("order_number", "status")),
            )
        finally:
            TestCase._rollback_atomics(atomics)


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in [
            User,
            ServiceCenter,
            Claim,
            RepairOrder,
            StatusEvent,
            IntakeAct,
            Notification,
            InboundEmail,
        ]
    }


def test_a_second_run_changes_nothing(seeded):
    first_output, after_first, statuses = seeded.output, seeded.counts, seeded.statuses

    second_output = seed()

    assert counts() == after_first
    assert sorted(RepairOrder.objects.values_list("order_number", "status")) == statuses
    assert "already there" in second_output
    assert "already there" not in first_output
    assert after_first["Claim"] >= 17
    assert "Demo data: 3 service centers, 20 claims, 15 repair orders." in second_output


def test_every_claim_state_and_every_order_state_is_present():
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert set(RepairOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)


def test_every_center_shows_several_states_received_among_them():
    centers = ServiceCenter.objects.all()
    assert sorted(centers.values_list("city", flat=True)) == ["Алматы", "Астана", "Шымкент"]
    for center in centers:
        states = set(center.repair_orders.values_list("status", flat=True))
        assert len(states) >= 3, center
        assert OrderStatus.RECEIVED in states, center
        assert center.technicians.count() == 1
        assert center.postal_address[:6].isdigit()
        assert str(center.phone).startswith("+7")


def test_every_center_has_its_words_in_three_languages():
    for center in ServiceCenter.objects.all():
        for word in ("name", "city", "postal_address", "working_hours"):
            assert all(getattr(center, f"{word}_{lang}") for lang in ("ru", "kk", "en")), word
    with translation.override("en"):
        cities = sorted(ServiceCenter.objects.values_list("city", flat=True))
    assert cities == ["Almaty", "Astana", "Shymkent"]


def test_each_claim_and_order_has_an_unbroken_event_history():
    """Made through the services: each state was reached by a logged move, none was written."""
    for claim in Claim.objects.all():
        claim_events = StatusEvent.objects.filter(claim=claim, subject="claim").order_by("pk")
        assert_chain(claim_events, claim.status)
    for order in RepairOrder.objects.all():
        assert_chain(order.status_events.order_by("pk"), order.status)
        has_act = IntakeAct.objects.filter(repair_order=order).exists()
        assert has_act == order.status_events.filter(transition="receive").exists()
        assert (order.intake_date is not None) == has_act


def assert_chain(events, final_status):
    previous = ""
    for event in events:
        assert event.from_status == previous, (event.transition, event.from_status, previous)
        previous = event.to_status
    assert previous == final_status


def test_claims_came_by_every_door_support_types_in():
    by_door = {
        claim.channel: claim.registered_by.username if claim.registered_by else None
        for claim in Claim.objects.select_related("registered_by")
    }
    assert by_door == {"web": None, "phone": "support", "email": "support"}


def test_support_has_a_reply_on_a_claim_and_a_draft_in_the_mailbox():
    reply = StatusEvent.objects.get(transition=EMAIL_REPLY)
    assert "серийного номера" in reply.internal_note and reply.by_customer
    draft = InboundEmail.objects.get(state=InboundEmail.State.DRAFT)
    assert (draft.phones, draft.serial_numbers) == (["+77015554433"], ["R2228ZZ0012345"])


def test_received_orders_have_the_technician_who_received_them():
    received = RepairOrder.objects.filter(intake_date__isnull=False).select_related(
        "technician__user", "intake_act__received_by"
    )
    assert received and all(o.technician.user == o.intake_act.received_by for o in received)


def test_customers_look_like_kazakh_customers():
    claims = Claim.objects.all()
    assert len({claim.full_name for claim in claims}) == claims.count()
    for claim in claims:
        assert str(claim.phone).startswith("+7") and len(str(claim.phone)) == 12
        assert len(claim.postal_code) == 6 and claim.postal_code.isdigit()
        assert claim.product is not None and claim.product_model.startswith("DREAME")
        assert claim.email.endswith("@example.com")
    assert {"kk", "ru"} <= set(claims.values_list("language", flat=True))
    # purchase dates are spread so that every verdict appears
    assert set(claims.values_list("verdict", flat=True)) == {
        "return_refund",
        "replace_or_refund",
        "free_repair",
        "paid_repair",
    }


def test_customer_emails_are_queued_like_in_real_use():
    received = RepairOrder.objects.filter(intake_date__isnull=False).count()
    assert Notification.objects.filter(template="product_received").count() == received
    assert Notification.objects.filter(template="claim_received").count() == Claim.objects.count()


@pytest.mark.parametrize("username", LOGINS)
def test_the_demo_users_can_log_in(username, seeded):
    output = seeded.output
    # Through each role's login form: django-axes checks every login against its request.
    login_url = "/service/login/" if username.endswith("-tech") else "/admin/login/"
    client = Client()

    response = client.post(login_url, {"username": username, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert username in output
    assert DEMO_PASSWORD in output


def test_the_demo_roles_are_set_up():
    admin = User.objects.get(username="admin")
    support = User.objects.get(username="support")
    assert admin.is_superuser and admin.is_staff
    assert support.is_staff and support.has_perm("claims.triage_claim")
    assert not support.has_perm("repairs.work_on_order")
    for username, city in [
        ("almaty-tech", "Алматы"),
        ("astana-tech", "Астана"),
        ("shymkent-tech", "Шымкент"),
    ]:
        technician = User.objects.get(username=username)
        assert technician.has_perm("repairs.work_on_order")
        assert technician.technician.service_center.city == city
