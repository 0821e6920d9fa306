"""Orders for the public status lookup: one walked to any state with everything personal
filled in, the stub's query that finds it, and the personal data that must never show."""

import datetime

from django.utils import timezone

from claims.models import WarrantyPolicy
from claims.services import submit_claim
from repairs import services
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import ServiceCenterFactory, UserFactory, make_order, quote_lines

URL = "/partners/repair-status/"

# Everything personal a fully filled order holds; none of it may reach the page or the API.
CLAIM_DATA = {
    "full_name": "Айгерим Нурлановна Сатпаева",
    "email": "aigerim.satpayeva@example.kz",
    "phone": "+77015550123",
    "whatsapp": "+77015550124",
    "region": "Алматинская область",
    "city": "Талдыкорган",
    "address": "ул. Жансугурова, д. 77, кв. 12",
    "postal_code": "040000",
    "product_model": "DREAME L20 Ultra",
    "serial_number": "SN-PRIVATE-0042",
    "seller": "Магазин Техника Плюс",
    "fault_description": "Не заряжается от базы, мигает красный индикатор.",
}
ACT_DATA = {
    "serial_number": "ACT-SERIAL-7781",
    "completeness": "Робот, база, блок питания",
    "condition": "Царапина на крышке",
    "has_receipt": True,
    "has_warranty_card": True,
    "final_verdict": "free_repair",
    "is_user_fault": False,
    "notes": "Заметка техника только для акта",
}
INTERNAL_NOTE = "Внутренняя заметка: клиент звонил трижды"
# What each step of the walk fills in (the fields of repairs.steps).
STEP_VALUES = {
    "carrier": "Kazpost",
    "tracking_number": "RR000005555KZ",
    "act_data": ACT_DATA,
    "lines": quote_lines(45000),
    "reason": "Клиент отказался от ремонта.",
}
PER_STEP = {
    "start_diagnostics": {"note": "Проверяем аккумулятор."},
    "wait_for_parts": {"note": "Заказан новый аккумулятор."},
    "complete": {"note": "Заменён аккумулятор."},
    "ship_back": {"carrier": "CDEK", "tracking_number": "1098765432"},
}
PII = [
    "Айгерим",
    "Сатпаева",
    "aigerim.satpayeva@example.kz",
    "+77015550123",
    "7015550123",
    "701 555 01 23",
    "+77015550124",
    "Талдыкорган",
    "Алматинская область",
    "Жансугурова",
    "040000",
    "SN-PRIVATE-0042",
    "ACT-SERIAL-7781",
    "Заметка техника",
    "Магазин Техника Плюс",
    "Не заряжается",
    INTERNAL_NOTE,
]


def kz_policy() -> WarrantyPolicy:
    # The data migration seeds it; transactional tests flush it, so make sure it is there.
    policy, _created = WarrantyPolicy.objects.get_or_create(country="KZ")
    return policy


def staff_user():
    return UserFactory(
        username="timur.tech", first_name="Тимур", last_name="Техников", is_superuser=True
    )


def filled_order(*, to: str = OrderStatus.RECEIVED, purchase_days_ago: int = 90) -> RepairOrder:
    """An order in state `to` with everything above filled in: the claim submitted as the
    form submits it, the customer's parcel and the intake on the way, an internal note."""
    by = staff_user()
    center = ServiceCenterFactory(
        name="DREAME Сервис Алматы",
        city="Алматы",
        phone="+77272440055",
        whatsapp="",
        email="center@service.kz",
    )
    data = {
        **CLAIM_DATA,
        "purchase_date": timezone.localdate() - datetime.timedelta(days=purchase_days_ago),
    }
    claim = submit_claim(data=data, policy=kz_policy())
    # Shipped by the customer, received, then the usual way on to `to`.
    order = make_order(
        status=to,
        claim=claim,
        center=center,
        support=by,
        by=by,
        via=(OrderStatus.IN_TRANSIT, OrderStatus.RECEIVED),
        values=STEP_VALUES,
        per_step=PER_STEP,
    )
    # An internal note on the order's history, as the workbench writes them.
    services.add_order_note(order=order, by=by, internal_note=INTERNAL_NOTE)
    return order


def stub_query(order: RepairOrder, **overrides) -> dict:
    """What the stub's QR link carries."""
    return {
        "order_number": order.order_number,
        "intake_date": order.intake_date.isoformat(),
        **overrides,
    }
