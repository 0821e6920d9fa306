"""The one runner of a step: one lock, a fixed number of queries, the PDF after the commit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from repairs.models import IntakeAct, OrderStatus
from repairs.steps import run_step
from repairs.tests.factories import INTAKE_ACT_DATA, TechnicianFactory, make_order

S = OrderStatus


@pytest.mark.django_db
def test_a_step_with_an_email_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    technician = TechnicianFactory()
    order = make_order(status=S.IN_REPAIR, technician=technician)

    # Lock-and-read, update, history row, the done lines the e-mail lists (issue 22), the
    # outbox's get-or-create (+ savepoints here), the reports' months marked stale.
    with django_assert_max_num_queries(11):
        run_step(order, "complete", by=technician.user, values={"work_done": "Заменён модуль"})


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_step_locks_the_order_once(postgres_db):
    technician = TechnicianFactory()
    order = make_order(status=S.IN_REPAIR, technician=technician)

    with CaptureQueriesContext(connection) as queries:
        run_step(
            order,
            "complete",
            by=technician.user,
            values={"work_done": "Заменён модуль"},
            shown={"status": S.IN_REPAIR},
        )

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1
    assert "repairs_repairorder" in locks[0]


@pytest.mark.django_db
def test_the_acts_pdf_is_made_after_the_commit_and_the_email_waits_for_it(
    django_capture_on_commit_callbacks, private_media
):
    technician = TechnicianFactory()
    order = make_order(status=S.IN_TRANSIT, technician=technician)

    with django_capture_on_commit_callbacks() as after_commit:
        run_step(order, "receive", by=technician.user, values={"act_data": INTAKE_ACT_DATA})
        # Inside the step's transaction: the act exists, its PDF does not, the e-mail waits.
        assert not IntakeAct.objects.get(repair_order=order).pdf
        assert Notification.objects.get(template="product_received").attachments == []

    assert after_commit  # the render and the hand-off to Celery are queued for the commit
