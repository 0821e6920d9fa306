"""The history rows moved from repairs to claims keep their ids, kinds and authors."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("claims", "0003_claim_attachment"), ("repairs", "0002_groups")]
AFTER = [("claims", "0004_statusevent"), ("repairs", "0003_status_events_move_to_claims")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_history_keeps_every_row_and_the_id_sequence_goes_on(
    postgres_db, back_to_latest
):
    # PostgreSQL only: the production database, and SQLite's table-rebuilding ALTERs leave
    # a back-and-forth migration in a state the next transactional test cannot flush.
    old = migrate(BEFORE)
    Claim = old.get_model("claims", "Claim")
    Center = old.get_model("repairs", "ServiceCenter")
    Order = old.get_model("repairs", "RepairOrder")
    OldEvent = old.get_model("repairs", "StatusEvent")
    claim = Claim.objects.create(
        number="CL-MIGRATE1",
        verdict="free_repair",
        full_name="Тест",
        email="t@example.kz",
        phone="+77012345678",
        region="Алматы",
        city="Алматы",
        address="Абая 1",
        postal_code="050000",
        product_model="DREAME L20 Ultra",
        serial_number="SN1",
        purchase_date="2026-01-10",
        seller="Sulpak",
        fault_description="-",
        response_due_date="2026-02-10",
        status="approved",
    )
    center = Center.objects.create(
        name="C", city="Алматы", postal_address="-", phone="+77272000000", email="c@x.kz"
    )
    order = Order.objects.create(order_number="AAAAABBBBB", claim=claim, service_center=center)
    approve = OldEvent.objects.create(
        claim=claim, transition="approve", from_status="submitted", to_status="approved"
    )
    create = OldEvent.objects.create(
        claim=claim,
        repair_order=order,
        transition="create",
        from_status="",
        to_status="awaiting_shipment",
        internal_note="внутреннее",
    )

    new = migrate(AFTER)

    NewEvent = new.get_model("claims", "StatusEvent")
    rows = list(NewEvent.objects.order_by("pk").values_list("pk", "subject", "transition"))
    assert rows == [(approve.pk, "claim", "approve"), (create.pk, "order", "create")]
    assert NewEvent.objects.get(pk=create.pk).internal_note == "внутреннее"
    later = NewEvent.objects.create(claim_id=claim.pk, transition="note", to_status="x")
    assert later.pk > create.pk

    back = migrate(BEFORE)  # and back: the old table gets the rows again, order events linked
    restored = back.get_model("repairs", "StatusEvent").objects.get(pk=create.pk)
    assert restored.repair_order_id == order.pk
