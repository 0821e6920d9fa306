"""What the workbench's steps record besides the state: the quote's scope, the part awaited,
the work done, a replacement's serial, both notes; and what they refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from repairs import services
from repairs.models import IntakeAct, OrderStatus, RepairOrder, Resolution
from repairs.tests.factories import (
    INTAKE_ACT_DATA,
    TechnicianFactory,
    fit_verdict,
    make_order,
    quote_lines,
    step,
)

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_each_step_keeps_what_the_technician_wrote():
    technician = TechnicianFactory()
    by = technician.user
    order = fit_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), ["send_quote"])

    order = step(
        order,
        "send_quote",
        by=by,
        lines=quote_lines(38500),
        description="Замена платы",
        internal_note="звонил",
    )
    order = step(order, "accept_quote", by=by, note="Клиент согласен")
    order = step(
        order,
        "wait_for_parts",
        by=by,
        part="Датчик лидара",
        expected_date=datetime.date(2026, 12, 5),
    )
    order = step(order, "parts_arrived", by=by)
    order = step(order, "complete", by=by, work_done="Заменён датчик лидара")

    order = RepairOrder.objects.get(pk=order.pk)
    assert (order.quote_amount, order.quote_description) == (38500, "Замена платы")
    assert (order.awaiting_part, order.parts_expected_date) == (
        "Датчик лидара",
        datetime.date(2026, 12, 5),
    )
    assert order.work_done == "Заменён датчик лидара"
    quote = order.status_events.get(transition="send_quote")
    assert (quote.public_note, quote.internal_note) == ("", "звонил")
    assert order.status_events.get(transition="accept_quote").public_note == "Клиент согласен"


def test_a_replacement_records_the_new_units_serial():
    technician = TechnicianFactory()
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    order = fit_verdict(order, ["resolve_replacement"])

    step(order, "resolve_replacement", by=technician.user, new_serial="L20U-NEW-0001")

    order = RepairOrder.objects.get(pk=order.pk)
    assert (order.resolution, order.replacement_serial) == (
        Resolution.REPLACEMENT,
        "L20U-NEW-0001",
    )


@pytest.mark.parametrize(
    "lines",
    [[], None, quote_lines(1, labour=0)[:0], [*quote_lines(5_000_000), *quote_lines(2)]],
)
def test_an_absurd_quote_is_refused_and_changes_nothing(lines):
    technician = TechnicianFactory()
    order = fit_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), ["send_quote"])

    with pytest.raises(ValidationError):
        step(order, "send_quote", by=technician.user, lines=lines)

    order = RepairOrder.objects.get(pk=order.pk)
    assert order.status == S.DIAGNOSTICS
    assert not order.status_events.filter(transition="send_quote").exists()


def test_more_than_eight_photos_are_refused_before_anything_is_written():
    technician = TechnicianFactory()
    order = make_order(technician=technician)
    photos = [SimpleUploadedFile(f"p{i}.jpg", b"x") for i in range(9)]

    with pytest.raises(ValidationError):
        step(order, "receive", by=technician.user, act_data=dict(INTAKE_ACT_DATA), photos=photos)

    assert RepairOrder.objects.get(pk=order.pk).status == S.AWAITING_SHIPMENT
    assert not IntakeAct.objects.filter(repair_order=order).exists()


def test_a_move_restarts_the_time_in_state_and_a_note_does_not():
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician)
    long_ago = timezone.now() - datetime.timedelta(days=9)
    RepairOrder.objects.filter(pk=order.pk).update(state_entered_at=long_ago)

    services.add_order_note(order=order, by=technician.user, internal_note="звонил клиент")
    assert RepairOrder.objects.get(pk=order.pk).state_entered_at == long_ago

    step(order, "start_diagnostics", by=technician.user)
    entered = RepairOrder.objects.get(pk=order.pk).state_entered_at
    assert timezone.now() - entered < datetime.timedelta(minutes=1)
