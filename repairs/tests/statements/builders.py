"""A month of warranty work for the statement tests: orders walked through the services to
the end of the repair, their done lines written with the ORM (the lines' UI is another
part's), and the finishing history row moved into the month wanted."""

import datetime
from decimal import Decimal

from django.utils import timezone

from claims.models import StatusEvent
from repairs.models import OrderStatus, Resolution, WorkLine
from repairs.statements.selectors import FINISHING_STEPS
from repairs.tests.factories import make_order

ALMATY = timezone.get_default_timezone()
MONTH = datetime.date(2026, 10, 1)


def finished_at(order, moment: datetime.datetime) -> None:
    StatusEvent.objects.filter(
        claim_id=order.claim_id, subject=StatusEvent.Subject.ORDER, transition__in=FINISHING_STEPS
    ).update(created_at=moment)


def warranty_order(*, technician, finished: datetime.datetime, lines=()):
    """A warranty repair of the technician's center finished at `finished`, with done lines
    given as (kind, description, part_number, quantity, unit_price)."""
    order = make_order(status=OrderStatus.READY_FOR_RETURN, technician=technician)
    assert order.resolution == Resolution.WARRANTY_REPAIR
    finished_at(order, finished)
    # The repair's own done lines (the factory completes it with some) give way to the test's.
    order.work_lines.filter(stage=WorkLine.Stage.DONE).delete()
    for position, (kind, description, part_number, quantity, price) in enumerate(lines):
        WorkLine.objects.create(
            repair_order=order,
            stage=WorkLine.Stage.DONE,
            kind=kind,
            description=description,
            part_number=part_number,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            position=position,
        )
    return order


def in_october(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, tzinfo=ALMATY)


PART = WorkLine.Kind.PART
LABOUR = WorkLine.Kind.LABOUR


def quick_warranty_orders(*, center, count: int, finished: datetime.datetime):
    """`count` finished warranty orders written directly (the page tests read only): two done
    lines each, a part of 10 000 ₸ and labour of 2 500 ₸, and their finishing history row."""
    from claims.tests.factories import ClaimFactory
    from repairs import order_numbers
    from repairs.models import RepairOrder

    orders = []
    for _ in range(count):
        order = RepairOrder.objects.create(
            claim=ClaimFactory(),
            service_center=center,
            order_number=order_numbers.generate(),
            status=OrderStatus.READY_FOR_RETURN,
            resolution=Resolution.WARRANTY_REPAIR,
        )
        StatusEvent.objects.create(
            claim_id=order.claim_id,
            subject=StatusEvent.Subject.ORDER,
            transition="complete",
            from_status=OrderStatus.IN_REPAIR,
            to_status=OrderStatus.READY_FOR_RETURN,
        )
        WorkLine.objects.bulk_create(
            [
                WorkLine(
                    repair_order=order,
                    stage=WorkLine.Stage.DONE,
                    kind=PART,
                    description="Щётка <b>",
                    part_number="BR-1",
                    unit_price=10000,
                ),
                WorkLine(
                    repair_order=order,
                    stage=WorkLine.Stage.DONE,
                    kind=LABOUR,
                    description="Работа",
                    unit_price=2500,
                    position=1,
                ),
            ]
        )
        orders.append(order)
    StatusEvent.objects.filter(claim__repair_order__in=orders).update(created_at=finished)
    return orders
