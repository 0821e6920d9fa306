"""The history rows moved from repairs to claims keep their ids, kinds and authors."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("claims", "0003_claim_attachment"), ("repairs", "0002_groups")]
AFTER = [("claims", "0004_statusevent"), ("repairs", "0003_status_events_move_to_claims")]
# What every claim needs, in the fields all the migrations here know.
A_CLAIM = {
    "verdict": "free_repair",
    "full_name": "Тест",
    "email": "t@example.kz",
    "phone": "+77012345678",
    "region": "Алматы",
    "city": "Алматы",
    "address": "Абая 1",
    "postal_code": "050000",
    "product_model": "DREAME L20 Ultra",
    "serial_number": "SN1",
    "purchase_date": "2026-01-10",
    "seller": "Sulpak",
    "fault_description": "-",
}


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
        **A_CLAIM,
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


# --- Issue 19: reference data in three languages ----------------------------------------

BEFORE_LANGUAGES = [
    ("claims", "0012_email_trigram_index"),
    ("repairs", "0010_order_status_labels_for_staff"),
]
AFTER_LANGUAGES = [
    ("claims", "0013_product_categories_and_auto_notes"),
    ("repairs", "0011_translated_centers_checklists_and_act_items"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_centers_categories_acts_and_notes_are_read_in_every_language(
    postgres_db, back_to_latest
):
    old = migrate(BEFORE_LANGUAGES)
    Claim = old.get_model("claims", "Claim")
    Center = old.get_model("repairs", "ServiceCenter")
    Order = old.get_model("repairs", "RepairOrder")
    Act = old.get_model("repairs", "IntakeAct")
    Event = old.get_model("claims", "StatusEvent")
    User = old.get_model("auth", "User")
    old.get_model("claims", "ProductModel").objects.create(name="Air 1", category="Air purifier")
    center = Center.objects.create(
        name="DREAME Сервис Алматы",
        city="Алматы",
        postal_address="050010, г. Алматы, ул. Богенбай батыра, 132, офис 5",
        phone="+77273550101",
        email="almaty@dreame-service.kz",
        working_hours="Пн–Пт 9:00–18:00, Сб 10:00–15:00",
    )
    claim = Claim.objects.create(
        number="CL-LANG1",
        verdict="free_repair",
        full_name="Тест",
        email="t@example.kz",
        phone="+77012345678",
        region="Алматы",
        city="Алматы",
        address="Абая 1",
        product_model="DREAME Z30",
        serial_number="SN1",
        purchase_date="2026-01-10",
        seller="Sulpak",
        fault_description="-",
        response_due_date="2026-02-10",
        status="approved",
    )
    order = Order.objects.create(
        order_number="CCCCCDDDDD", claim=claim, service_center=center, status="received"
    )
    Act.objects.create(
        repair_order=order,
        received_by=User.objects.create(username="tech"),
        serial_number="SN1",
        completeness="в комплекте: Пылесос (корпус), Насадки (щелевая, щётка); "
        "нет: Аккумулятор; также: Коробка",
        condition="",
        accessories=["Пылесос (корпус)", "Насадки (щелевая, щётка)"],
        final_verdict="free_repair",
    )
    answer = Event.objects.create(
        claim=claim,
        subject="order",
        transition="accept_quote",
        from_status="awaiting_approval",
        to_status="in_repair",
        internal_note="Ответ дан онлайн через «Мой ремонт»: Принято, 25 000 ₸.\nСогласен.",
    )

    new = migrate(AFTER_LANGUAGES)

    center = new.get_model("repairs", "ServiceCenter").objects.get()
    assert (center.name_en, center.city_kk) == ("DREAME Service Almaty", "Алматы")
    act = new.get_model("repairs", "IntakeAct").objects.get()
    assert act.accessories[1] == {
        "ru": "Насадки (щелевая, щётка)",
        "kk": "Саптамалар (саңылау, щётка)",
        "en": "Tools (crevice, brush)",
    }
    assert act.accessories_missing == [{"ru": "Аккумулятор", "kk": "Аккумулятор", "en": "Battery"}]
    assert act.other_items == "Коробка"
    answer = new.get_model("claims", "StatusEvent").objects.get(pk=answer.pk)
    assert (answer.note_code, answer.note_params) == ("quote_accepted_online", {"amount": "25000"})
    assert answer.internal_note == "Согласен."
    product = new.get_model("claims", "ProductModel").objects.get(name="Air 1")
    assert (product.category.code, product.category.name_en) == ("air-purifier", "Air purifier")
    checklists = new.get_model("repairs", "AccessoryChecklist").objects.all()
    assert {row.category.code for row in checklists} >= {"robot_vacuum", "other"}

    back = migrate(BEFORE_LANGUAGES)  # and back: the old shapes, in Russian
    act = back.get_model("repairs", "IntakeAct").objects.get()
    assert act.accessories == ["Пылесос (корпус)", "Насадки (щелевая, щётка)"]
    answer = back.get_model("claims", "StatusEvent").objects.get(pk=answer.pk)
    assert answer.internal_note == (
        "Ответ дан онлайн через «Мой ремонт»: Принято, 25 000 ₸.\nСогласен."
    )
    checklists = back.get_model("repairs", "AccessoryChecklist").objects
    assert checklists.get(category="Robot vacuum").items.startswith("Робот-пылесос\n")
    assert checklists.filter(category="").exists()


# --- Issue 21: how the product came, for acts written before the flag -------------------

# claims stays at its latest: the claims the test writes have every field of today.
BEFORE_ARRIVAL = [
    ("claims", "0016_channel_and_registration"),
    ("repairs", "0011_translated_centers_checklists_and_act_items"),
]
AFTER_ARRIVAL = [
    ("claims", "0016_channel_and_registration"),
    ("repairs", "0012_order_owner_and_act_signature"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_acts_of_posted_products_are_marked_received_by_post(postgres_db, back_to_latest):
    old = migrate(BEFORE_ARRIVAL)
    Claim = old.get_model("claims", "Claim")
    Center = old.get_model("repairs", "ServiceCenter")
    Order = old.get_model("repairs", "RepairOrder")
    Act = old.get_model("repairs", "IntakeAct")
    Shipment = old.get_model("repairs", "Shipment")
    tech = old.get_model("auth", "User").objects.create(username="tech-arrival")
    center = Center.objects.create(
        name="C", city="Алматы", postal_address="-", phone="+77272000000", email="c@x.kz"
    )

    def received_order(number: str):
        claim = Claim.objects.create(
            number=f"CL-{number}",
            verdict="free_repair",
            full_name="Тест",
            email="t@example.kz",
            phone="+77012345678",
            region="Алматы",
            city="Алматы",
            address="Абая 1",
            product_model="DREAME Z30",
            serial_number="SN1",
            purchase_date="2026-01-10",
            seller="Sulpak",
            fault_description="-",
            response_due_date="2026-02-10",
            status="approved",
        )
        order = Order.objects.create(
            order_number=number, claim=claim, service_center=center, status="received"
        )
        Act.objects.create(
            repair_order=order,
            received_by=tech,
            serial_number="SN1",
            completeness="-",
            condition="",
            final_verdict="free_repair",
        )
        return order

    posted = received_order("POSTED0001")
    Shipment.objects.create(
        repair_order=posted, direction="inbound", carrier="kazpost", tracking_number="RR1KZ"
    )
    # Both parcels of a posted product: counted once, still marked.
    Shipment.objects.create(
        repair_order=posted, direction="outbound", carrier="kazpost", tracking_number="RR2KZ"
    )
    brought = received_order("BROUGHT001")
    Shipment.objects.create(
        repair_order=brought, direction="outbound", carrier="cdek", tracking_number="1234567890"
    )

    new = migrate(AFTER_ARRIVAL)

    acts = new.get_model("repairs", "IntakeAct").objects
    assert acts.get(repair_order__order_number="POSTED0001").received_by_post is True
    assert acts.get(repair_order__order_number="BROUGHT001").received_by_post is False
    assert acts.get(repair_order__order_number="BROUGHT001").signature == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_first_answer_is_read_from_the_history_and_every_month_waits_for_its_roll_up(
    postgres_db, back_to_latest
):
    old = migrate(
        [("claims", "0018_email_attachment_kind"), ("repairs", "0018_monthly_warranty_statements")]
    )
    Claim = old.get_model("claims", "Claim")
    Event = old.get_model("claims", "StatusEvent")
    submitted = datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC)

    def claim(number):
        return Claim.objects.create(
            number=number,
            **A_CLAIM,
            response_due_date="2026-03-12",
            submitted_at=submitted,
            status="approved",
        )

    def event(claim, at, **fields):
        row = Event.objects.create(claim=claim, subject="claim", transition="-", **fields)
        Event.objects.filter(pk=row.pk).update(created_at=at)

    answered, unanswered = claim("CL-ANSWERED"), claim("CL-WAITING")
    day = datetime.timedelta(days=1)
    event(answered, submitted + day, from_status="submitted", to_status="closed", by_customer=True)
    event(answered, submitted + 3 * day, from_status="submitted", to_status="needs_info")
    event(answered, submitted + 5 * day, from_status="needs_info", to_status="submitted")
    event(answered, submitted + 6 * day, from_status="submitted", to_status="approved")
    event(
        unanswered, submitted + day, from_status="submitted", to_status="closed", by_customer=True
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    NewClaim = new.get_model("claims", "Claim")
    # Support's first move out of «submitted»: not the customer's, not a later one.
    assert NewClaim.objects.get(number="CL-ANSWERED").first_answer_at == submitted + 3 * day
    assert NewClaim.objects.get(number="CL-WAITING").first_answer_at is None
    change = new.get_model("repairs", "ReportChange")
    months = {timezone.localtime(at).date() for at in change.objects.values_list("at", flat=True)}
    assert datetime.date(2026, 3, 1) in months
