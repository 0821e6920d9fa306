import datetime

import factory
from django.utils import timezone

from claims.models import Claim, Verdict
from claims.steps import run_claim_step


class ClaimFactory(factory.django.DjangoModelFactory):
    """A submitted claim, written directly (status at its default) for tests that need one."""

    class Meta:
        model = Claim

    number = factory.Sequence(lambda n: f"CL-T{n:07d}")
    verdict = Verdict.FREE_REPAIR
    language = "ru"
    full_name = "Айгерим Нурлановна Сатпаева"
    email = factory.Sequence(lambda n: f"customer{n}@example.kz")
    phone = "+77012345678"
    region = "Алматы"
    city = "Алматы"
    address = "ул. Абая, д. 10, кв. 5"
    postal_code = "050000"
    product_model = "DREAME L20 Ultra"
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    purchase_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    seller = "Technodom"
    fault_description = "Не заряжается от базы."
    response_due_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=10)
    )


def claim_form_fields(**overrides) -> dict:
    """What a customer types into the claim form (contract field names), before the
    product, the purchase date and the file, which each test module chooses."""
    fields = {
        "full_name": "Айгерим Сатпаева",
        "email": "aigerim@example.kz",
        "phone": "+7 701 234 56 78",
        "whatsapp": "",
        "region": "Алматы",
        "city": "Алматы",
        "address": "ул. Абая, 10, кв. 5",
        "postal_code": "050000",
        "product_model_other": "",
        "serial_number": "SN123456",
        "seller": "Technodom",
        "fault_description": "Не заряжается от базы.",
        "consent": "on",
        "leave_empty": "",
    }
    fields.update(overrides)
    return fields


def claim_step(claim, name, *, by=None, actor=None, shown=None, **values):
    """Run one step of the claim's table with exactly these values; returns the claim."""
    claim, _event = run_claim_step(claim, name, by=by, actor=actor, values=values, shown=shown)
    return claim
