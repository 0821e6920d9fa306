"""What the order-page tests share: the page's URL and HTML, posting a step, re-reading."""

import re

from claims.models import StatusEvent
from repairs.models import FaultCategory, RepairOrder
from repairs.steps import FAULT, ORDER_STEPS


def url(order) -> str:
    return f"/service/orders/{order.pk}/"


def page(client, order) -> str:
    response = client.get(url(order))
    assert response.status_code == 200
    return response.content.decode()


def steps_shown(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', html)


def post_step(client, order, transition, *, from_status=None, follow=False, **fields):
    """Post a step as its form would; a step that ends diagnostics gets the first fault of
    the order's list unless the test picks one (`fault_category=""` for none)."""
    step = ORDER_STEPS.get(transition)
    if step is not None and FAULT in step.fields and FAULT not in fields:
        fault = FaultCategory.offered_for(order).first()
        fields[FAULT] = fault.pk if fault else ""
    data = {
        "transition": transition,
        "from_status": order.status if from_status is None else from_status,
        **{f"{transition}-{name}": value for name, value in fields.items()},
    }
    return client.post(url(order), data, follow=follow)


def reloaded(order) -> RepairOrder:
    return RepairOrder.objects.get(pk=order.pk)


def event_count(order) -> int:
    return StatusEvent.objects.filter(claim_id=order.claim_id).count()
