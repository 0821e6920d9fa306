import functools
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from repairs import services as repair_services
from repairs import steps
from repairs.models import LineData, OrderStatus, ServiceCenter, Technician, WorkLine
from repairs.models.remedies import verdict_allows


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

# What each field of the step table gets in tests (repairs.steps walks them).
STEP_VALUES = {
    "carrier": "Kazpost",
    "tracking_number": "RR123456785KZ",
    "act_data": INTAKE_ACT_DATA,
    "lines": None,  # filled below: a quote of 25 000 ₸ in two lines
    "reason": "Клиент передумал",
}


def quote_lines(amount=25000, *, labour=5000):
    """An estimate summing to `amount`: a part and the labour (all labour when small)."""
    amount, labour = Decimal(amount), Decimal(min(labour, int(amount) - 1) if amount > 1 else 0)
    part = LineData(
        kind=WorkLine.Kind.PART,
        description="Плата управления",
        part_number="DR-PCB-01",
        quantity=Decimal(1),
        unit_price=amount - labour,
    )
    if not labour:
        return [part]
    work = LineData(
        kind=WorkLine.Kind.LABOUR, description="Работа", quantity=Decimal(1), unit_price=labour
    )
    return [part, work]


STEP_VALUES["lines"] = quote_lines()
# The parcel back to the customer is a different one than the parcel to the center.
PER_STEP_VALUES = {"ship_back": {"carrier": "CDEK", "tracking_number": "1234567890"}}


def run_step(name, order, by, *, values=None, per_step=None):
    """One row of the step table, run with the test values as the screen for `by` would
    (`values` and `per_step` replace STEP_VALUES and PER_STEP_VALUES when given)."""
    values = {**(STEP_VALUES if values is None else values)}
    values.update((PER_STEP_VALUES if per_step is None else per_step).get(name, {}))
    order, _event = steps.run_step(order, name, by=by, values=values)
    return order


def advance_order(order, steps, *, by, values=None, per_step=None):
    for name in steps:
        order = run_step(name, order, by, values=values, per_step=per_step)
    return order


def path_through(status, *, via=()):
    """The usual steps from a new order to `status`, passing the states `via` in turn."""
    names, start = [], OrderStatus.AWAITING_SHIPMENT
    for stop in (*via, status):
        names += steps.path_to(stop, start=start)
        start = stop
    return names


def make_order(
    *,
    status=OrderStatus.AWAITING_SHIPMENT,
    technician=None,
    support=None,
    center=None,
    by=None,
    claim=None,
    via=(),
    values=None,
    per_step=None,
    **claim_fields,
):
    """The one factory of orders: a claim approved by support and walked to `status` through
    the services, the way production makes orders.

    By default a new technician of a new center runs the steps, and a new support agent
    approves a ClaimFactory claim with `claim_fields`. `center` and `by` (who runs the steps)
    stand in for the technician; `claim` is one made otherwise (submit_claim, say); `via`
    names states the order passes on its way (the customer's parcel: IN_TRANSIT); `values`
    and `per_step` are what the steps are given (STEP_VALUES, PER_STEP_VALUES)."""
    from claims.tests.factories import ClaimFactory

    if technician is None and (center is None or by is None):
        technician = TechnicianFactory(**({"service_center": center} if center else {}))
    center = center or technician.service_center
    by = by or technician.user
    support = support or SupportUserFactory()
    order = repair_services.approve_claim_and_open_order(
        claim=claim or ClaimFactory(**claim_fields), service_center=center, by=support
    )
    names = path_through(status, via=via)
    values = _act_fitting(names, STEP_VALUES if values is None else values)
    return advance_order(order, names, by=by, values=values, per_step=per_step)


# The act's verdict a path needs: a remedy step runs only under a verdict that allows it
# (repairs.models.remedies); the test act's own verdict when it fits.
VERDICT_PREFERENCE = ("free_repair", "paid_repair", "replace_or_refund", "return_refund")


def verdict_fitting(names, *, preferred="free_repair") -> str:
    """The first verdict under which every step of `names` may run (`preferred` if it does)."""
    for verdict in (preferred, *VERDICT_PREFERENCE):
        if all(verdict_allows(name, verdict) for name in names):
            return verdict
    raise ValueError(f"No verdict allows all of {names}")


def with_final_verdict(order, verdict):
    """The order with its act's final verdict set as if written so at intake."""
    from repairs.models import IntakeAct

    IntakeAct.objects.filter(repair_order=order).update(final_verdict=verdict)
    return order.__class__.objects.get(pk=order.pk)


def fit_verdict(order, names):
    """The order with its act's final verdict one under which `names` may all run (the
    remedy steps check it: repairs.models.remedies); unchanged when it already fits."""
    current = order.verdict_in_force
    verdict = verdict_fitting(names, preferred=current)
    return order if verdict == current else with_final_verdict(order, verdict)


def _act_fitting(names, values):
    act_data = values.get("act_data")
    if not act_data:
        return values
    verdict = verdict_fitting(names, preferred=act_data["final_verdict"])
    if verdict == act_data["final_verdict"]:
        return values
    return {**values, "act_data": {**act_data, "final_verdict": verdict}}


def step(order, name, *, by=None, actor=None, shown=None, **values):
    """Run one step of the table with exactly these values, as the screen for `by` would;
    returns the order."""
    order, _event = steps.run_step(order, name, by=by, actor=actor, values=values, shown=shown)
    return order
