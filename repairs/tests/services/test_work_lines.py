"""The order's lines (issue 22): their sums, what is refused, replace-all under the order's
lock, the quote as the estimate's sum, a revised estimate asking the customer again, and the
done lines of a finished repair."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dreame_service.kit.fsm import Stale
from repairs.models import (
    LineData,
    OrderStatus,
    QuoteConsent,
    RepairOrder,
    Resolution,
    WorkLine,
    line_totals,
)
from repairs.services import work_lines
from repairs.services.customer import decide_quote
from repairs.tests.factories import (
    TechnicianFactory,
    make_order,
    quote_lines,
    step,
    with_final_verdict,
)

S = OrderStatus
pytestmark = pytest.mark.django_db
PART, LABOUR = WorkLine.Kind.PART, WorkLine.Kind.LABOUR


def data(description, price, *, kind=PART, quantity=1, part_number=""):
    return LineData(
        kind=kind,
        description=description,
        part_number=part_number,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
    )


# --- The sums: a pure function -----------------------------------------------------------


def test_the_sums_split_parts_and_labour_and_round_each_line_to_whole_tenge():
    totals = line_totals(
        [
            data("Щётка", 1999, quantity="1.5"),  # 2998.5 → 2999 (half up to whole tenge)
            data("Фильтр", 2500, quantity=2),
            data("Работа", 7000, kind=LABOUR),
        ]
    )
    assert (totals.parts, totals.labour, totals.total) == (Decimal(7999), 7000, 14999)


def test_no_lines_sum_to_nothing():
    assert line_totals([]).total == 0


# --- What is refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "no_lines"),
        ([data("x", 10)] * 51, "too_many_lines"),
        ([data("  ", 10)], "no_description"),
        ([data("x", 10, quantity=0)], "bad_quantity"),
        ([data("x", 10, quantity=1001)], "bad_quantity"),
        ([data("x", -1)], "bad_price"),
        ([data("x", "10.5")], "bad_price"),
        (
            [LineData(kind="gift", description="x", quantity=Decimal(1), unit_price=Decimal(1))],
            "bad_kind",
        ),
        ([data("x", 0)], "bad_total"),
        ([data("x", 3_000_000), data("y", 2_000_001)], "bad_total"),
    ],
)
def test_bad_estimate_lines_are_refused_and_nothing_changes(lines, code):
    order = make_order(status=S.DIAGNOSTICS)
    with pytest.raises(ValidationError) as refused:
        work_lines.set_estimate_lines(order=order, lines=lines)
    assert refused.value.code == code
    assert not WorkLine.objects.filter(repair_order=order).exists()


def test_free_work_may_be_recorded_as_done_but_not_quoted():
    order = make_order(status=S.IN_REPAIR)
    work_lines.set_done_lines(order=order, lines=[data("Чистка", 0, kind=LABOUR)])
    assert WorkLine.objects.get(repair_order=order).stage == WorkLine.Stage.DONE
    with pytest.raises(ValidationError):
        work_lines.set_estimate_lines(order=order, lines=[data("Чистка", 0, kind=LABOUR)])


# --- Replace-all, under the lock ------------------------------------------------------------


def test_the_estimate_is_replaced_as_a_whole_and_the_quote_is_its_sum():
    order = make_order(status=S.DIAGNOSTICS)
    work_lines.set_estimate_lines(order=order, lines=[data("A", 100), data("B", 200)])
    order = work_lines.set_estimate_lines(
        order=order, lines=[data("C", 300, quantity=2), data("D", 50, kind=LABOUR)]
    )
    saved = WorkLine.objects.filter(repair_order=order, stage=WorkLine.Stage.ESTIMATE)
    assert [(line.position, line.description) for line in saved] == [(1, "C"), (2, "D")]
    assert RepairOrder.objects.get(pk=order.pk).quote_amount == 650


def test_the_done_lines_leave_the_estimate_alone():
    order = make_order(status=S.IN_REPAIR)
    work_lines.set_estimate_lines(order=order, lines=[data("A", 100)])
    work_lines.set_done_lines(order=order, lines=[data("B", 70), data("C", 30)])
    stages = list(WorkLine.objects.filter(repair_order=order).values_list("stage", "description"))
    assert stages == [("done", "B"), ("done", "C"), ("estimate", "A")]


def test_the_lines_are_written_under_the_orders_row_lock_and_a_stale_page_changes_nothing():
    order = make_order(status=S.IN_REPAIR)
    with CaptureQueriesContext(connection) as queries:
        work_lines.set_done_lines(order=order, lines=[data("B", 70)])
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in query["sql"] for query in queries)
    with pytest.raises(Stale):
        work_lines.set_done_lines(
            order=order, lines=[data("X", 1)], shown={"status": S.DIAGNOSTICS}
        )
    assert list(WorkLine.objects.values_list("description", flat=True)) == ["B"]


# --- The steps: the quote, a revised estimate, the repair finished -------------------------


def quoted_order():
    technician = TechnicianFactory()
    order = with_final_verdict(
        make_order(status=S.DIAGNOSTICS, technician=technician), "paid_repair"
    )
    order = step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    return order, technician.user


def test_the_quote_step_saves_the_lines_and_its_amount_is_their_sum():
    order, _by = quoted_order()
    order = RepairOrder.objects.get(pk=order.pk)
    assert order.status == S.AWAITING_APPROVAL
    assert order.quote_amount == 38500
    assert [line.total for line in order.work_lines.all()] == [33500, 5000]


def test_the_consent_keeps_the_lines_as_they_were_answered():
    order, _by = quoted_order()
    consent = decide_quote(
        order=order,
        accept=True,
        amount_shown=Decimal(38500),
        wording="Я согласен",
        language="ru",
        client_address="10.0.0.1",
    )
    assert [(line["description"], line["total"]) for line in consent.lines] == [
        ("Плата управления", "33500"),
        ("Работа", "5000"),
    ]


def test_a_changed_estimate_after_acceptance_asks_the_customer_again():
    order, by = quoted_order()
    first = decide_quote(
        order=order,
        accept=True,
        amount_shown=Decimal(38500),
        wording="Я согласен",
        language="ru",
        client_address="10.0.0.1",
    )
    order = RepairOrder.objects.get(pk=order.pk)
    assert (order.status, order.resolution) == (S.IN_REPAIR, Resolution.PAID_REPAIR)

    order = step(order, "revise_quote", by=by, lines=quote_lines(52000), note="Нужна ещё плата")

    order = RepairOrder.objects.get(pk=order.pk)
    assert (order.status, order.resolution, order.quote_amount) == (S.AWAITING_APPROVAL, "", 52000)
    assert order.quote_consent is None  # the earlier answer no longer covers the quote
    first.refresh_from_db()
    assert first.superseded_at is not None and first.amount == 38500  # kept, as answered
    assert order.status_events.filter(transition="revise_quote").exists()
    second = decide_quote(
        order=order,
        accept=True,
        amount_shown=Decimal(52000),
        wording="Я согласен",
        language="ru",
        client_address="10.0.0.1",
    )
    order = RepairOrder.objects.get(pk=order.pk)
    assert order.quote_consent == second
    assert QuoteConsent.objects.filter(repair_order=order).count() == 2


def test_the_customer_answering_the_old_price_after_a_revision_is_refused():
    order, by = quoted_order()
    step(order, "revise_quote", by=by, lines=quote_lines(52000))
    with pytest.raises(Stale):
        decide_quote(
            order=order,
            accept=True,
            amount_shown=Decimal(38500),
            wording="Я согласен",
            language="ru",
            client_address="10.0.0.1",
        )


def test_a_warranty_repair_has_no_quote_to_revise():
    technician = TechnicianFactory()
    order = make_order(status=S.IN_REPAIR, technician=technician)
    assert order.resolution == Resolution.WARRANTY_REPAIR
    with pytest.raises(Stale):
        step(order, "revise_quote", by=technician.user, lines=quote_lines(1000))


def test_a_paid_repair_finished_without_lines_takes_the_accepted_estimates():
    order, by = quoted_order()
    order = step(order, "accept_quote", by=by)
    order = step(order, "complete", by=by, work_done="Заменена плата")
    done = WorkLine.objects.filter(repair_order=order, stage=WorkLine.Stage.DONE)
    assert [(line.description, line.unit_price) for line in done] == [
        ("Плата управления", 33500),
        ("Работа", 5000),
    ]


def test_a_warranty_repair_records_the_done_lines_given():
    technician = TechnicianFactory()
    order = make_order(status=S.IN_REPAIR, technician=technician)
    step(order, "complete", by=technician.user, lines=[data("Аккумулятор", 18000)])
    assert list(WorkLine.objects.values_list("stage", "unit_price")) == [("done", 18000)]


@pytest.mark.postgres
def test_a_quote_step_locks_the_order_once(postgres_db):
    technician = TechnicianFactory()
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    order = with_final_verdict(order, "paid_repair")
    with CaptureQueriesContext(connection) as queries:
        step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and "repairs_repairorder" in locks[0]
