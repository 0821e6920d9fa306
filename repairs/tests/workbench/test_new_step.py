"""Adding a step is its `@transition` method and one row of the table, nothing else: the
workbench offers it, builds its form, runs it and shows it in the history."""

import pytest
from django_fsm import transition

from dreame_service.kit.fsm import Actor, Step
from repairs.models import WORK_PERMISSION, OrderStatus, RepairOrder
from repairs.steps import ORDER_STEPS, offered_steps
from repairs.tests.factories import SupportUserFactory, make_order
from repairs.tests.workbench.pages import page, post_step, reloaded, steps_shown

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def second_look(monkeypatch):
    """A step the code does not have: diagnostics looked at again, with what was found."""

    def second_look(self, *, work_done: str = ""):
        self.work_done = work_done

    method = transition(
        field="status", source=S.DIAGNOSTICS, target=S.DIAGNOSTICS, permission=WORK_PERMISSION
    )(second_look)
    field = RepairOrder._meta.get_field("status")
    method._django_fsm.field = field
    # What class_prepared does for a method written in the model.
    monkeypatch.setattr(RepairOrder, "second_look", method, raising=False)
    monkeypatch.setitem(field.transitions[RepairOrder], "second_look", method)
    # The one row.
    row = Step(
        "second_look",
        "Посмотреть ещё раз",
        frozenset({Actor.TECHNICIAN}),
        ("work_done", "note", "internal_note"),
        done="Посмотрели ещё раз",
    )
    monkeypatch.setitem(ORDER_STEPS, "second_look", row)
    return row


def test_the_workbench_offers_and_runs_a_step_that_is_only_a_row(
    second_look, technician, tech_client
):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)

    html = page(tech_client, order)
    assert "second_look" in steps_shown(html)
    assert 'name="second_look-work_done"' in html  # its form: the row's fields

    response = post_step(
        tech_client, order, "second_look", work_done="Контакты зачищены", note="Проверили ещё раз"
    )

    assert response.status_code == 302
    order = reloaded(order)
    assert (order.status, order.work_done) == (S.DIAGNOSTICS, "Контакты зачищены")
    event = order.status_events.latest("created_at", "pk")
    assert (event.transition, event.by, event.public_note) == (
        "second_look",
        technician.user,
        "Проверили ещё раз",
    )
    assert "Посмотрели ещё раз" in page(tech_client, order)  # the history: what the row did


def test_the_row_decides_who_is_offered_the_step(second_look):
    order = make_order(status=S.DIAGNOSTICS)

    for_support = offered_steps(order=order, actor=Actor.SUPPORT, user=SupportUserFactory())

    assert second_look not in for_support
