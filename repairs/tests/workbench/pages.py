"""What the order-page tests share: the page's URL and HTML, posting a step, re-reading."""

import re

from claims.models import StatusEvent
from repairs.models import RepairOrder


def url(order) -> str:
    return f"/service/orders/{order.pk}/"


def page(client, order) -> str:
    response = client.get(url(order))
    assert response.status_code == 200
    return response.content.decode()


def steps_shown(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', html)


def post_step(client, order, transition, *, from_status=None, follow=False, **fields):
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
