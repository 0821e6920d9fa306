"""/service/walk-in/: the page a technician fills for a customer at the counter."""

import datetime
import html
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Channel, Claim, ProductModel
from claims.tests.claim_form import receipt
from notifications.models import Notification
from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.tests.workbench.signature_png import data_url
from tests.pages import jpeg, visible_text

pytestmark = pytest.mark.django_db

URL = "/service/walk-in/"
ROBOT = "DREAME L20 Ultra"


def walk_in(**overrides) -> dict:
    """What a technician types for a customer with a receipt and a signature; an override
    of None leaves the field out (an unticked box, no file)."""
    data = {
        "form_token": uuid.uuid4().hex,  # the cache outlives a test: a fresh page each time
        "full_name": "Айгерим Сатпаева",
        "email": "aigerim@example.kz",
        "phone": "+7 701 234 56 78",
        "whatsapp": "",
        "language": "ru",
        "region": "Алматы",
        "city": "Алматы",
        "address": "ул. Абая, 10, кв. 5",
        "postal_code": "050000",
        "product_model": str(ProductModel.objects.get(name=ROBOT).pk),
        "product_model_other": "",
        "serial_number": "R2216-0042-KZ",
        "purchase_date": (timezone.localdate() - datetime.timedelta(days=40)).strftime("%d.%m.%Y"),
        "seller": "Technodom",
        "receipt": receipt(),
        "receipt_missing_reason": "",
        "fault_description": "Не заряжается от базы.",
        "has_warranty_card": "on",
        "is_warranty_card_stamped": "on",
        "other_items": "Коробка",
        "condition": "",
        "fault_found": "Не заряжается",
        "final_verdict": "",
        "verdict_reason": "",
        "signature": data_url(),
        "note": "",
        "internal_note": "",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_asks_for_the_customer_the_product_the_act_and_the_signature(tech_client):
    response = tech_client.get(URL)

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    for label in (
        "Принять без заявки (клиент пришёл сам)",
        "ФИО",
        "Серийный номер",
        "Почему нет чека",
        "Подпись клиента",
        "Очистить",
        "Как положено по гарантийной политике для даты покупки",
    ):
        assert label in text, label
    page = response.content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert 'name="leave_empty"' not in page  # no bot trap for staff
    assert 'name="serial_number"' in page and page.count('name="serial_number"') == 1


def test_the_page_takes_a_fixed_number_of_queries(tech_client, django_assert_max_num_queries):
    # Expected: 1. session, 2. user, 3.-4. the user's and the groups' permissions,
    # 5. technician with center, 6. the product models, 7. the warranty policy, 8. the
    # general checklist, 9.-11. the session's idle timeout (savepoint, update, release).
    with django_assert_max_num_queries(11):
        assert tech_client.get(URL).status_code == 200


def test_the_queue_offers_the_walk_in(tech_client):
    page = tech_client.get("/service/").content.decode()

    assert f'href="{URL}"' in page
    assert "Принять без заявки (клиент пришёл сам)" in visible_text(page)


def test_a_walk_in_registers_a_counter_claim_and_opens_the_printable_act(tech_client, technician):
    response = tech_client.post(URL, walk_in(photos=[jpeg("front.jpg")]))

    order = RepairOrder.objects.get()
    assert response.status_code == 302
    assert response.url == f"/service/orders/{order.pk}/act/"
    claim = Claim.objects.get()
    assert claim.channel == Channel.COUNTER
    assert claim.registered_by == technician.user
    assert order.status == OrderStatus.RECEIVED
    assert order.service_center_id == technician.service_center_id
    act = IntakeAct.objects.get()
    assert act.has_receipt is True  # photographed at the counter
    assert act.serial_number == "R2216-0042-KZ"
    assert act.final_verdict == claim.verdict  # the policy's, left as it gives
    assert act.signature and not act.received_by_post
    page = tech_client.get(response.url).content.decode()
    assert "data:image/png;base64," in page
    assert "Подпись клиента" in page
    assert order.display_number in visible_text(page)


def test_another_centers_technician_cannot_see_the_act_or_the_signature(tech_client, other_client):
    tech_client.post(URL, walk_in())
    order = RepairOrder.objects.get()

    assert other_client.get(f"/service/orders/{order.pk}/act/").status_code == 404
    assert other_client.get(f"/service/orders/{order.pk}/signature/").status_code == 404
    own = tech_client.get(f"/service/orders/{order.pk}/signature/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")


def test_the_same_page_sent_twice_makes_one_claim_and_shows_its_act(tech_client):
    token = uuid.uuid4().hex
    first = tech_client.post(URL, walk_in(form_token=token))
    second = tech_client.post(URL, walk_in(form_token=token))

    assert Claim.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url


def test_the_same_customer_from_another_page_is_refused_as_a_duplicate(tech_client, technician):
    tech_client.post(URL, walk_in())
    colleague = Client()
    colleague.force_login(technician.user)

    response = colleague.post(URL, walk_in())

    assert response.status_code == 409
    assert "зарегистрирована несколько минут назад" in visible_text(response.content.decode())
    assert Claim.objects.count() == 1


def test_errors_are_in_russian_and_everything_typed_is_kept(tech_client):
    response = tech_client.post(
        URL,
        walk_in(
            full_name="<script>alert(1)</script> Сатпаева",
            email="not-an-email",
            receipt=None,
            receipt_missing_reason="",
            consent=None,
            final_verdict="paid_repair",
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(page)
    assert "Сфотографируйте чек или напишите, почему у клиента его нет." in text
    assert "Спросите у клиента согласие на обработку данных" in text
    assert "Решение отличается от предварительного" in text  # the policy's, or a reason
    assert "<script>alert(1)</script>" not in page
    assert html.escape("<script>alert(1)</script> Сатпаева") in page
    assert 'value="not-an-email"' in page
    assert "Не заряжается от базы." in page
    assert not Claim.objects.exists()


def test_a_bad_receipt_file_is_refused_with_its_reason(tech_client):
    response = tech_client.post(URL, walk_in(receipt=receipt(b"not an image", name="chek.jpg")))

    assert response.status_code == 200
    assert "Чек" in visible_text(response.content.decode())
    assert not Claim.objects.exists()


def test_a_forged_signature_is_refused_and_the_customer_signs_again(tech_client):
    response = tech_client.post(URL, walk_in(signature="data:image/png;base64,AAAA"))

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Подпись не удалось прочитать" in text
    assert not Claim.objects.exists()


def test_without_a_signature_the_act_keeps_a_line_to_sign_on_paper(tech_client):
    response = tech_client.post(URL, walk_in(signature=""))

    act = IntakeAct.objects.get()
    assert not act.signature and not act.received_by_post
    page = tech_client.get(response.url).content.decode()
    assert "data:image/png" not in page
    text = visible_text(page)
    assert "Сдал клиент: Айгерим Сатпаева" in text
    assert "Получено почтой" not in text


def test_the_customer_is_emailed_the_claim_and_the_act_in_their_language(tech_client):
    tech_client.post(URL, walk_in(language="kk"))

    sent = Notification.objects.filter(recipient="aigerim@example.kz")
    assert set(sent.values_list("template", flat=True)) == {"claim_received", "product_received"}
    assert set(sent.values_list("language", flat=True)) == {"kk"}


def test_a_non_technician_is_refused_and_a_stranger_logs_in(db, django_user_model):
    assert Client().get(URL).status_code == 302
    user = django_user_model.objects.create_user("clerk", password="x")
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_a_walk_in_takes_a_fixed_number_of_queries(tech_client, django_assert_max_num_queries):
    data = walk_in(photos=[jpeg("front.jpg"), jpeg("back.jpg")])
    tech_client.get(URL)  # the session's idle timeout renewed before the count
    # Expected, 54 with two photos (one INSERT more per photo):
    # 1.-5. session, user, two permission lookups, technician with center;
    # 6.-8. product models, warranty policy, general checklist; 9. the recent duplicate;
    # 10.-22. submit_claim: savepoints, the user, the claim, its history row, two e-mails
    # (each a lookup, a savepoint, an insert, a release);
    # 23.-30. approval: savepoint, the claim locked, saved, its row, the order (savepoint,
    # insert, release), its row; 31.-47. intake: savepoint, the order locked, two
    # permission lookups, saved, its row, the inbound parcel, the act, a photo each, the
    # technician made the order's owner, the e-mail (lookup, savepoint, insert, release),
    # releases; 49. the outer release; 50.-54. the reports' month marked stale by each save
    # of the claim and the order (repairs.rollups).
    with django_assert_max_num_queries(54):
        assert tech_client.post(URL, data).status_code == 302


def test_support_finds_the_counter_claim_in_its_lists_like_any_other(tech_client):
    from repairs.tests.factories import SupportUserFactory

    tech_client.post(URL, walk_in())
    claim = Claim.objects.get()
    support = Client()
    support.force_login(SupportUserFactory())

    listing = support.get("/admin/claims/claim/").content.decode()
    assert claim.number in listing
    page = support.get(f"/admin/claims/claim/{claim.pk}/change/")
    assert page.status_code == 200
    assert "Айгерим Сатпаева" in visible_text(page.content.decode())
