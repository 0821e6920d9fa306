import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from repairs.models import OrderStatus, Statement, StatementEvent, StatementLine, WorkLine
from repairs.statements.selectors import statement_document
from repairs.statements.services import (
    accept_statement_line,
    approve_statement,
    dispute_statement_line,
    prepare_statement,
)
from repairs.tests.factories import SupportUserFactory, TechnicianFactory, make_order
from repairs.tests.statements.builders import (
    ALMATY,
    LABOUR,
    MONTH,
    PART,
    in_october,
    warranty_order,
)

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def technician():
    return TechnicianFactory()


@pytest.fixture
def support():
    return SupportUserFactory()


def a_month_of_work(technician):
    first = warranty_order(
        technician=technician,
        finished=in_october(3),
        lines=[
            (PART, "Щётка основная", "BR-100", "1", "12000"),
            (LABOUR, "Замена щётки", "", "1.5", "5000"),
        ],
    )
    second = warranty_order(
        technician=technician,
        finished=in_october(31, 23),  # 23:00 in Almaty, still October there
        lines=[(PART, "Аккумулятор", "BAT-5", "2", "30000")],
    )
    return first, second


def test_it_states_the_centers_warranty_work_finished_in_the_almaty_month(technician):
    first, second = a_month_of_work(technician)
    # Finished on 1 November 00:30 in Almaty (31 October in UTC): November's.
    warranty_order(
        technician=technician,
        finished=datetime.datetime(2026, 11, 1, 0, 30, tzinfo=ALMATY),
        lines=[(PART, "Колесо", "WH-1", "1", "7000")],
    )
    # Another center's work in October: not this center's statement.
    warranty_order(
        technician=TechnicianFactory(), finished=in_october(5), lines=[(PART, "x", "", "1", "1")]
    )

    statement = prepare_statement(service_center=technician.service_center, month=MONTH)

    lines = list(statement.lines.order_by("position"))
    assert [(line.order_number, line.description, line.total) for line in lines] == [
        (first.display_number, "Щётка основная", Decimal(12000)),
        (first.display_number, "Замена щётки", Decimal(7500)),
        (second.display_number, "Аккумулятор", Decimal(60000)),
    ]
    totals = statement_document(statement)["totals"]
    assert (totals.parts, totals.labour, totals.total) == (72000, 7500, 79500)
    assert totals.total == sum(line.total for line in lines)


def test_it_leaves_out_paid_repairs_estimates_and_unfinished_work(technician):
    a_month_of_work(technician)
    paid = make_order(status=OrderStatus.AWAITING_APPROVAL, technician=technician, per_step=None)
    WorkLine.objects.create(
        repair_order=paid,
        stage=WorkLine.Stage.ESTIMATE,
        kind=PART,
        description="est",
        unit_price=100,
    )
    in_repair = make_order(status=OrderStatus.IN_REPAIR, technician=technician)
    WorkLine.objects.create(
        repair_order=in_repair,
        stage=WorkLine.Stage.DONE,
        kind=PART,
        description="not yet",
        unit_price=100,
    )

    statement = prepare_statement(service_center=technician.service_center, month=MONTH)

    assert statement.lines.count() == 3


def test_preparing_a_draft_again_follows_the_current_lines_and_keeps_disputes(technician, support):
    first, _second = a_month_of_work(technician)
    statement = prepare_statement(service_center=technician.service_center, month=MONTH)
    battery = statement.lines.get(description="Аккумулятор")
    dispute_statement_line(line=battery, by=support, reason="Нет фото старого аккумулятора")
    WorkLine.objects.filter(repair_order=first, kind=LABOUR).update(unit_price=4000)

    again = prepare_statement(service_center=technician.service_center, month=MONTH, by=support)

    assert again.pk == statement.pk
    assert Statement.objects.count() == 1
    assert again.lines.get(description="Замена щётки").total == 6000
    battery = again.lines.get(description="Аккумулятор")
    assert battery.state == StatementLine.State.DISPUTED
    assert battery.dispute_reason == "Нет фото старого аккумулятора"
    totals = statement_document(again)["totals"]
    assert (totals.total, totals.disputed) == (18000, 60000)


def test_a_dispute_needs_a_reason_and_is_written_in_the_statements_history(technician, support):
    a_month_of_work(technician)
    statement = prepare_statement(service_center=technician.service_center, month=MONTH)
    line = statement.lines.get(description="Аккумулятор")

    with pytest.raises(ValidationError):
        dispute_statement_line(line=line, by=support, reason="   ")
    dispute_statement_line(line=line, by=support, reason="Цена выше прайса")
    accept_statement_line(line=line, by=support, reason="Прайс обновлён")

    events = list(statement.events.values_list("action", "line_label", "reason", "by"))
    assert events[1:] == [
        ("disputed", f"{line.order_number} · Аккумулятор", "Цена выше прайса", support.pk),
        ("accepted", f"{line.order_number} · Аккумулятор", "Прайс обновлён", support.pk),
    ]


def test_approval_freezes_lines_and_totals(technician, support):
    first, _second = a_month_of_work(technician)
    statement = prepare_statement(service_center=technician.service_center, month=MONTH)
    dispute_statement_line(
        line=statement.lines.get(description="Замена щётки"), by=support, reason="Дорого"
    )

    approve_statement(statement=statement, by=support)
    WorkLine.objects.filter(repair_order=first, kind=PART).update(unit_price=99999)
    again = prepare_statement(service_center=technician.service_center, month=MONTH)

    again.refresh_from_db()
    assert again.state == Statement.State.APPROVED
    assert (again.parts_total, again.labour_total, again.total) == (72000, 0, 72000)
    assert again.lines.get(description="Щётка основная").total == 12000
    with pytest.raises(ValidationError):
        dispute_statement_line(line=again.lines.first(), by=support, reason="поздно")
    assert StatementEvent.objects.filter(action="approved", by=support).count() == 1


def test_a_change_after_approval_goes_to_the_next_month_as_the_difference(technician, support):
    first, second = a_month_of_work(technician)
    october = prepare_statement(service_center=technician.service_center, month=MONTH)
    dispute_statement_line(
        line=october.lines.get(description="Аккумулятор"), by=support, reason="Нет фото"
    )
    approve_statement(statement=october, by=support)
    brush = october.lines.get(description="Щётка основная")
    # After approval: the brush costs more, the labour line is deleted, a part is added,
    # the disputed battery is left as it was.
    WorkLine.objects.filter(pk=brush.work_line_id).update(unit_price=15000)
    WorkLine.objects.filter(repair_order=first, kind=LABOUR).delete()
    WorkLine.objects.create(
        repair_order=second,
        stage=WorkLine.Stage.DONE,
        kind=PART,
        description="Фильтр",
        unit_price=2500,
    )

    november = prepare_statement(service_center=technician.service_center, month=NOVEMBER)

    corrections = {
        line.description: (line.total, line.corrects_id, line.is_correction)
        for line in november.lines.all()
    }
    labour = october.lines.get(description="Замена щётки")
    assert corrections == {
        "Щётка основная": (Decimal(3000), brush.pk, True),
        "Замена щётки": (Decimal(-7500), labour.pk, True),
        "Фильтр": (Decimal(2500), None, True),
    }
    assert statement_document(november)["totals"].total == 3000 - 7500 + 2500


def test_a_correction_is_stated_once(technician, support):
    first, _second = a_month_of_work(technician)
    october = prepare_statement(service_center=technician.service_center, month=MONTH)
    approve_statement(statement=october, by=support)
    WorkLine.objects.filter(repair_order=first, kind=PART).update(unit_price=15000)
    november = prepare_statement(service_center=technician.service_center, month=NOVEMBER)
    finished_at_december = datetime.date(2026, 12, 1)

    approve_statement(statement=november, by=support)
    december = prepare_statement(
        service_center=technician.service_center, month=finished_at_december
    )

    assert november.lines.get().total == 3000
    assert december.lines.count() == 0


def test_a_disputed_line_corrected_later_is_paid_at_its_new_price(technician, support):
    a_month_of_work(technician)
    october = prepare_statement(service_center=technician.service_center, month=MONTH)
    battery = october.lines.get(description="Аккумулятор")
    dispute_statement_line(line=battery, by=support, reason="Цена выше прайса")
    approve_statement(statement=october, by=support)
    WorkLine.objects.filter(pk=battery.work_line_id).update(unit_price=25000)

    november = prepare_statement(service_center=technician.service_center, month=NOVEMBER)

    assert november.lines.get().total == 50000  # nothing of it was paid in October


@pytest.mark.parametrize(
    ("month", "code"),
    [(datetime.date(2099, 1, 1), "month_open")],
)
def test_approval_is_refused_before_the_month_ends(technician, support, month, code):
    statement = prepare_statement(service_center=technician.service_center, month=month)
    with pytest.raises(ValidationError) as refused:
        approve_statement(statement=statement, by=support)
    assert refused.value.code == code


def test_approval_is_refused_while_an_earlier_month_is_a_draft_or_the_draft_is_stale(
    technician, support
):
    center = technician.service_center
    september = prepare_statement(service_center=center, month=datetime.date(2026, 9, 1))
    october = prepare_statement(service_center=center, month=MONTH)
    with pytest.raises(ValidationError) as refused:
        approve_statement(statement=october, by=support)
    assert refused.value.code == "earlier_draft"

    approve_statement(statement=september, by=support)
    with pytest.raises(ValidationError) as refused:
        approve_statement(statement=october, by=support)
    assert refused.value.code == "stale"
    october = prepare_statement(service_center=center, month=MONTH)
    assert approve_statement(statement=october, by=support).is_approved


def test_a_replacement_the_center_made_is_stated_with_its_done_lines(technician):
    from repairs.tests.factories import fit_verdict, run_step
    from repairs.tests.statements.builders import finished_at

    order = make_order(status=OrderStatus.DIAGNOSTICS, technician=technician)
    order = fit_verdict(order, ["resolve_replacement"])
    order = run_step("resolve_replacement", order, technician.user)
    finished_at(order, in_october(20))
    WorkLine.objects.create(
        repair_order=order,
        stage=WorkLine.Stage.DONE,
        kind=LABOUR,
        description="Диагностика и оформление замены",
        unit_price=4000,
    )

    statement = prepare_statement(service_center=technician.service_center, month=MONTH)

    assert list(statement.lines.values_list("order_number", "total")) == [
        (order.display_number, Decimal(4000))
    ]
