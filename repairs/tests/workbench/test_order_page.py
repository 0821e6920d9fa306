"""The order page: what a technician sees of one order, and which steps it offers."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import AttachmentKind, ClaimAttachment, WarrantyPolicy
from repairs import services
from repairs.models import IntakePhoto, OrderStatus
from repairs.step_forms import step_form
from repairs.steps import ORDER_STEPS
from repairs.tests.factories import make_order, with_final_verdict
from repairs.tests.workbench.pages import page, steps_shown, url
from tests.pages import jpeg, visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def kz_policy(db):
    # transactional tests flush what the data migration seeded: put the policy back.
    WarrantyPolicy.objects.get_or_create(country="KZ")


# --- The forms match the transition table -------------------------------------------------


def test_every_step_form_asks_for_exactly_the_fields_its_table_row_names():
    for name, row in ORDER_STEPS.items():
        if name != "receive":  # the intake act's own page
            form = step_form(row)
            # "lines" is the form's formset of lines, not a field of its own
            assert tuple(form.base_fields) == tuple(f for f in row.fields if f != "lines"), name
            assert bool(form.line_stage) == ("lines" in row.fields), name


# --- Only the steps allowed now -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.AWAITING_SHIPMENT, ["register_shipment", "cancel"]),
        (S.RECEIVED, ["start_diagnostics", "cancel"]),
        (S.DIAGNOSTICS, ["start_repair", "cancel"]),  # under a free repair verdict
        (S.AWAITING_APPROVAL, ["revise_quote", "accept_quote", "decline_quote", "cancel"]),
        (S.IN_REPAIR, ["wait_for_parts", "complete", "cancel"]),
        (S.READY_FOR_RETURN, ["ship_back", "cancel"]),
        (S.SHIPPED, ["confirm_delivery"]),  # support alone cancels now
        (S.DELIVERED, []),
    ],
)
def test_it_shows_only_the_steps_allowed_from_the_current_state(
    status, expected, technician, tech_client
):
    order = make_order(status=status, technician=technician)
    assert steps_shown(page(tech_client, order)) == expected


def test_early_diagnostics_offers_repair_replacement_refund_and_cancel_but_not_ship_back(
    technician, tech_client
):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    html = page(tech_client, with_final_verdict(order, "replace_or_refund"))
    for label in (
        "Начать гарантийный ремонт",
        "Заменить на новое устройство",
        "Вернуть деньги",
        "Отменить заказ",
    ):
        assert f">{label}</button>" in html
    assert ">Отправить стоимость ремонта</button>" not in html
    assert "Отправить клиенту" not in html
    assert 'name="from_status" value="diagnostics"' in html


@pytest.mark.parametrize("status", [S.AWAITING_SHIPMENT, S.IN_TRANSIT])
def test_an_expected_order_has_a_prominent_link_to_write_the_intake_act(
    status, technician, tech_client
):
    order = make_order(status=status, technician=technician)
    html = page(tech_client, order)
    assert f'href="/service/orders/{order.pk}/receive/">Составить акт приёмки</a>' in html
    assert "receive" not in steps_shown(html)


def test_a_received_order_has_no_intake_link_any_more(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician)
    assert f"/service/orders/{order.pk}/receive/" not in page(tech_client, order)


def test_a_closed_order_says_there_are_no_further_steps(technician, tech_client):
    order = make_order(status=S.DELIVERED, technician=technician)
    assert "Дальнейших шагов нет: заказ закрыт." in page(tech_client, order)


# --- What the page shows ---------------------------------------------------------------------


def test_it_shows_the_customers_phone_and_whatsapp_as_tap_links(technician, tech_client):
    order = make_order(technician=technician, phone="+77012345678", whatsapp="+77017654321")
    html = page(tech_client, order)
    assert 'href="tel:+77012345678"' in html
    assert 'href="https://wa.me/77017654321"' in html
    assert "Айгерим Нурлановна Сатпаева" in html


def test_it_shows_the_claim_with_its_preliminary_verdict_label(technician, tech_client):
    order = make_order(
        technician=technician,
        serial_number="L20U-000042",
        seller="Sulpak",
        purchase_date=datetime.date(2025, 11, 3),
        fault_description="Не заряжается от базы.",
    )
    html = page(tech_client, order)
    assert order.claim.number in html
    assert "L20U-000042" in html
    assert "03.11.2025" in html
    assert "Sulpak" in html
    assert "Не заряжается от базы." in html
    assert "Бесплатный гарантийный ремонт" in html  # the verdict's label, not "free_repair"
    assert ">Ожидает отправки в сервис</span>" in html  # the state as a label


def test_the_receipt_and_attachments_open_through_the_workbench(technician, tech_client):
    order = make_order(technician=technician, receipt=jpeg())
    attachment = ClaimAttachment.objects.create(claim=order.claim, file=jpeg("later.jpg"))
    html = page(tech_client, order)

    assert f'href="/service/orders/{order.pk}/receipt/"' in html
    assert f'href="/service/attachments/{attachment.pk}/"' in html
    receipt = tech_client.get(f"/service/orders/{order.pk}/receipt/")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "image/jpeg"
    assert receipt["Content-Security-Policy"] == "sandbox"
    assert tech_client.get(f"/service/attachments/{attachment.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("language", "receipt", "file", "sent"),
    [
        ("ru", "Чек 1", "Фото или документ 2", "прислано"),
        ("kk", "Чек 1", "Фото немесе құжат 2", "жіберілген"),
        ("en", "Receipt 1", "Photo or document 2", "sent on"),
    ],
)
def test_the_customers_files_are_named_by_their_kind(
    technician, tech_client, language, receipt, file, sent
):
    order = make_order(technician=technician)
    ClaimAttachment.objects.create(
        claim=order.claim, file=jpeg("again.jpg"), kind=AttachmentKind.RECEIPT
    )
    ClaimAttachment.objects.create(claim=order.claim, file=jpeg("serial.jpg"))

    html = tech_client.get(
        f"/service/orders/{order.pk}/", headers={"accept-language": language}
    ).content.decode()

    text = visible_text(html)
    assert f"{receipt} {sent} " in text and f"{file} {sent} " in text
    assert "Attachment 1" not in text and "Вложение" not in text


def test_an_order_without_a_receipt_says_so_and_its_receipt_url_is_404(technician, tech_client):
    order = make_order(technician=technician)
    assert "Клиент не приложил чек к заявке." in page(tech_client, order)
    assert tech_client.get(f"/service/orders/{order.pk}/receipt/").status_code == 404


def test_the_intake_act_is_summarised_with_photo_thumbnails_and_links(technician, tech_client):
    order = make_order(status=S.RECEIVED, technician=technician, serial_number="SN-CLAIMED")
    photo = IntakePhoto.objects.create(intake_act=order.intake_act, file=jpeg())
    html = page(tech_client, order)

    assert f'href="/service/orders/{order.pk}/act/"' in html
    assert f'href="/service/orders/{order.pk}/act.pdf"' in html
    assert f'src="/service/photos/{photo.pk}/"' in html
    assert "SN-TEST-0001" in html  # the serial as found on the product
    assert "отличается от заявки" in html  # …which is not the one the customer typed


def test_the_history_shows_the_claim_and_the_order_in_words_with_who_and_almaty_time(
    technician, tech_client
):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    moment = datetime.datetime(2026, 3, 2, 4, 5, tzinfo=datetime.UTC)
    order.status_events.filter(transition="start_diagnostics").update(created_at=moment)
    html = page(tech_client, order)
    history = html[html.index('id="history-title"') :]

    assert moment.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M") in history
    assert "Даурен Касымов" in history
    assert "Диагностика начата</strong>: Принято сервисным центром → Диагностика" in history
    assert "Заявка одобрена</strong>: Подана → Одобрена" in history  # the claim's own row
    for code in ("diagnostics", "received", "awaiting_shipment", "submitted", "approved"):
        assert f">{code}<" not in history and f" {code} " not in history


def test_public_and_internal_notes_are_told_apart_in_the_history(technician, tech_client):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    services.add_order_note(
        order=order, by=technician.user, public_note="Ждём звонка", internal_note="Кнопка липнет"
    )
    html = page(tech_client, order)
    assert re.search(r'class="history-note note-public">.*Для клиента.*Ждём звонка', html)
    assert re.search(r'class="history-note note-internal">.*Внутреннее.*Кнопка липнет', html)


def test_the_page_escapes_what_the_customer_typed(technician, tech_client):
    order = make_order(
        technician=technician,
        full_name="<b>Айгерим</b>",
        fault_description="<img src=x onerror=alert(1)>",
        seller="<script>alert(1)</script>",
    )
    html = page(tech_client, order)
    assert "<b>Айгерим</b>" not in html
    assert "&lt;b&gt;Айгерим&lt;/b&gt;" in html
    assert "<img src=x" not in html
    assert "<script>alert(1)</script>" not in html


def test_the_order_page_runs_the_same_queries_with_3_or_30_history_rows(
    technician, tech_client, django_assert_max_num_queries
):
    # 1 session, 2 user, 3-4 the user's and their groups' permissions, 5 technician+center,
    # 6 the order joined with its claim, center, intake act and the act's author,
    # 7 the claim's attachments, 8 the act's photos, 9 the history with its authors,
    # 10 shipments, 11 the warranty policy (the ship-back preview; ready_for_return only),
    # 12 the center's technicians (who may have the order; its owner is joined in 6),
    # 13 the order's lines (issue 22),
    # 14-16 at most once a minute, the session's renewed idle timeout (savepoint, UPDATE,
    # release): a warm-up request takes it, so both measured requests compare alike.
    few = make_order(status=S.RECEIVED, technician=technician)
    many = make_order(status=S.RECEIVED, technician=technician)
    for number in range(30 - many.claim.status_events.count()):
        services.add_order_note(order=many, by=technician.user, internal_note=f"#{number}")
    assert few.claim.status_events.count() == 3
    assert many.claim.status_events.count() == 30

    tech_client.get(url(few))
    counts, rows = [], []
    for order in (few, many):
        with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as queries:
            html = page(tech_client, order)
        counts.append(len(queries))
        rows.append(html.count('<li class="history-row'))
    assert counts[0] == counts[1]
    assert rows == [3, 30]
