import functools

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from repairs import services as repair_services
from repairs.models import OrderStatus, ServiceCenter, Technician


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    name = factory.Sequence(lambda n: f"Сервис-центр №{n}")
    city = "Алматы"
    postal_address = "050000, г. Алматы, пр. Достык, 100"
    phone = "+77272000000"
    email = factory.Sequence(lambda n: f"center{n}@service.kz")
    whatsapp = "+77012000000"
    working_hours = "Пн–Пт 9:00–18:00"


PASSWORD = "pass-Word-123"


@functools.cache
def _default_password_hash() -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@dreame.kz")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        # Hashing costs ~0.3 s a user: the default password's hash is computed once and shared.
        if extracted is None:
            self.password = _default_password_hash()
        else:
            self.set_password(extracted)
        if create:
            self.save(update_fields=["password"])


class SupportUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.groups.add(Group.objects.get(name="support"))


class TechnicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technician
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    service_center = factory.SubFactory(ServiceCenterFactory)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.user.groups.add(Group.objects.get(name="technicians"))


# --- Orders in any state, made the way production makes them: through the services ---

INTAKE_ACT_DATA = {
    "serial_number": "SN-TEST-0001",
    "completeness": "Пылесос, зарядная база, шнур питания, гарантийный талон",
    "condition": "Следы эксплуатации, корпус без трещин",
    "has_receipt": True,
    "has_warranty_card": True,
    "final_verdict": "free_repair",
    "is_user_fault": False,
    "notes": "",
}

# One call per workbench transition: name -> service call with sensible arguments.
ORDER_STEPS = {
    "register_shipment": lambda order, by: repair_services.register_shipment(
        order=order, carrier="Kazpost", tracking_number="RR123456789KZ", by=by
    ),
    "receive": lambda order, by: repair_services.receive_order(
        order=order, act_data=dict(INTAKE_ACT_DATA), by=by
    ),
    "start_diagnostics": lambda order, by: repair_services.start_diagnostics(order=order, by=by),
    "start_repair": lambda order, by: repair_services.start_repair(order=order, by=by),
    "send_quote": lambda order, by: repair_services.send_quote(order=order, amount=25000, by=by),
    "accept_quote": lambda order, by: repair_services.accept_quote(order=order, by=by),
    "decline_quote": lambda order, by: repair_services.decline_quote(order=order, by=by),
    "wait_for_parts": lambda order, by: repair_services.wait_for_parts(order=order, by=by),
    "parts_arrived": lambda order, by: repair_services.parts_arrived(order=order, by=by),
    "complete": lambda order, by: repair_services.complete_repair(order=order, by=by),
    "resolve_replacement": lambda order, by: repair_services.resolve_replacement(
        order=order, by=by
    ),
    "resolve_refund": lambda order, by: repair_services.resolve_refund(order=order, by=by),
    "ship_back": lambda order, by: repair_services.ship_back(
        order=order, carrier="CDEK", tracking_number="1234567890", by=by
    ),
    "confirm_delivery": lambda order, by: repair_services.confirm_delivery(order=order, by=by),
    "cancel": lambda order, by: repair_services.cancel_order(
        order=order, reason="Клиент передумал", by=by
    ),
}

# The shortest walk from a fresh order (awaiting_shipment) to each state.
PATH_TO = {
    OrderStatus.AWAITING_SHIPMENT: [],
    OrderStatus.IN_TRANSIT: ["register_shipment"],
    OrderStatus.RECEIVED: ["receive"],
    OrderStatus.DIAGNOSTICS: ["receive", "start_diagnostics"],
    OrderStatus.IN_REPAIR: ["receive", "start_diagnostics", "start_repair"],
    OrderStatus.AWAITING_APPROVAL: ["receive", "start_diagnostics", "send_quote"],
    OrderStatus.AWAITING_PARTS: ["receive", "start_diagnostics", "start_repair", "wait_for_parts"],
    OrderStatus.READY_FOR_RETURN: ["receive", "start_diagnostics", "start_repair", "complete"],
    OrderStatus.SHIPPED: ["receive", "start_diagnostics", "start_repair", "complete", "ship_back"],
    OrderStatus.DELIVERED: [
        "receive",
        "start_diagnostics",
        "start_repair",
        "complete",
        "ship_back",
        "confirm_delivery",
    ],
    OrderStatus.REFUNDED: ["receive", "start_diagnostics", "resolve_refund"],
    OrderStatus.CANCELLED: ["cancel"],
}


def advance_order(order, steps, *, by):
    for step in steps:
        order = ORDER_STEPS[step](order, by)
    return order


def make_order(*, status=OrderStatus.AWAITING_SHIPMENT, technician=None, support=None, **claim):
    """A claim approved by support and walked by the technician to `status`, via services."""
    from claims.services import approve_claim
    from claims.tests.factories import ClaimFactory

    technician = technician or TechnicianFactory()
    support = support or SupportUserFactory()
    order = approve_claim(
        claim=ClaimFactory(**claim), service_center=technician.service_center, by=support
    )
    return advance_order(order, PATH_TO[status], by=technician.user)
