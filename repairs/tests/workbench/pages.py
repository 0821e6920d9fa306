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


def line(description="Плата управления", unit_price="12 500", **more):
    """One typed row of a lines form (its fields as the page names them)."""
    return {"kind": "part", "description": description, "unit_price": unit_price, **more}


def lines_data(prefix: str, rows, *, spare: int = 0) -> dict:
    """A lines formset as the page posts it: the management form, the rows, blank spares."""
    data = {
        f"{prefix}-lines-TOTAL_FORMS": str(len(rows) + spare),
        f"{prefix}-lines-INITIAL_FORMS": "0",
        f"{prefix}-lines-MIN_NUM_FORMS": "0",
        f"{prefix}-lines-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        row = {"kind": "part", "quantity": "1", "part_number": "", **row}
        data.update({f"{prefix}-lines-{n}-{name}": value for name, value in row.items()})
    for n in range(len(rows), len(rows) + spare):
        data.update({f"{prefix}-lines-{n}-kind": "part", f"{prefix}-lines-{n}-quantity": "1"})
    return data


def post_step(client, order, transition, *, from_status=None, follow=False, lines=None, **fields):
    """A step's form posted; `lines` (rows, see `line`) fills its lines formset. A step that
    ends diagnostics gets the first fault of the order's list unless the test picks one
    (`fault_category=""` for none)."""
    step = ORDER_STEPS.get(transition)
    if step is not None and FAULT in step.fields and FAULT not in fields:
        fault = FaultCategory.offered_for(order).first()
        fields[FAULT] = fault.pk if fault else ""
    data = {
        "transition": transition,
        "from_status": order.status if from_status is None else from_status,
        **{f"{transition}-{name}": value for name, value in fields.items()},
    }
    if lines is not None:
        data.update(lines_data(transition, lines, spare=2))
    return client.post(url(order), data, follow=follow)


def reloaded(order) -> RepairOrder:
    return RepairOrder.objects.get(pk=order.pk)


def event_count(order) -> int:
    return StatusEvent.objects.filter(claim_id=order.claim_id).count()
