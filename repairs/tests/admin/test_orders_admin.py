"""Support's repair-order page in admin: read-mostly, labels never codes, and the three
things support does to an order (register the parcel, move it, cancel it) from the page."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from claims import services as claim_services
from claims.models import ClaimStatus, StatusEvent
from notifications.models import Notification
from repairs import services
from repairs.models import IntakeAct, IntakePhoto, OrderStatus, RepairOrder, Shipment
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
    make_order,
    run_step,
    step,
    with_final_verdict,
)
from tests.pages import jpeg, visible_text

S = OrderStatus
pytestmark = pytest.mark.django_db


def page_url(order, suffix="change/") -> str:
    return f"/admin/repairs/repairorder/{order.pk}/{suffix}"


@pytest.fixture
def support_user():
    return SupportUserFactory(first_name="Асель", last_name="Сейткали")


@pytest.fixture
def support(support_user):
    client = Client()
    client.force_login(support_user)
    return client


@pytest.fixture
def technician():
    return TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")


def received(technician, *, photos=0, status=S.IN_TRANSIT):
    """Received with an act and photos, after the technician registered the parcel (or not)."""
    order = make_order(
        status=status,
        technician=technician,
        full_name="Айгерим Сатпаева",
        phone="+77012345678",
        product_model="DREAME L20 Ultra",
        serial_number="R2216-0042-KZ",
    )
    act = {
        "serial_number": "R2216-0042-KZ",
        "completeness": "Робот-пылесос, базовая станция",
        "accessories": [
            {"ru": "Робот-пылесос", "kk": "Робот-шаңсорғыш", "en": "Robot vacuum"},
            {"ru": "Базовая станция", "kk": "Базалық станция", "en": "Base station"},
        ],
        "condition": "Царапина на крышке",
        "condition_marks": ["scratches", "cracks"],
        "has_receipt": True,
        "has_warranty_card": True,
        "is_warranty_card_stamped": True,
        "fault_found": "Окислены контакты базы",
        "final_verdict": "free_repair",
    }
    return step(
        order, "receive", by=technician.user, act_data=act, photos=[jpeg() for _ in range(photos)]
    )


def post(client, order, action, follow=True, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(page_url(order, f"{action}/"), data, follow=follow)


# --- What the page shows --------------------------------------------------------------


@pytest.mark.parametrize("status", [S.AWAITING_SHIPMENT, S.DIAGNOSTICS, S.CANCELLED])
def test_it_shows_state_labels_never_raw_codes(support, status):
    order = make_order(status=status)

    text = visible_text(support.get(page_url(order)).content.decode())

    assert order.get_status_display() in text
    for code in S.values:
        assert code not in text
    if status == S.AWAITING_SHIPMENT:
        assert "Ожидает отправки в сервис" in text


def test_it_shows_the_claim_the_act_its_photos_shipments_and_the_timeline(support, technician):
    order = received(technician, photos=2)

    response = support.get(page_url(order))

    html = response.content.decode()
    text = visible_text(html)
    claim = order.claim
    assert f'href="/admin/claims/claim/{claim.pk}/change/"' in html
    assert claim.number in text
    assert "Айгерим Сатпаева" in text
    assert 'href="tel:+77012345678"' in html
    assert "DREAME L20 Ultra" in text
    assert order.service_center.name in text
    # The act: its fields, the condition marks and the verdict as labels, the accessories.
    assert "Акт приёма" in text
    assert "Царапины, Трещины" in text
    assert "Робот-пылесос, Базовая станция" in text
    assert "Бесплатный гарантийный ремонт" in text
    assert "Окислены контакты базы" in text
    for photo in IntakePhoto.objects.all():
        assert f'<img src="{page_url(order, f"photo/{photo.pk}/")}"' in html
    assert f'href="{page_url(order, "act/")}?lang=ru"' in html
    # Shipments with carrier and tracking number.
    assert "В сервисный центр Kazpost RR123456785KZ" in text
    # The timeline: every step in words, with who made it.
    assert "Заказ на ремонт открыт" in text
    assert (
        "Посылка в сервисный центр зарегистрирована : "
        "Ожидает отправки в сервис → В пути в сервисный центр" in text
    )
    assert "Даурен Касымов" in text


def test_customer_text_is_shown_escaped(support):
    order = make_order(full_name="<script>alert(1)</script>")

    html = support.get(page_url(order)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_has_no_editable_field_and_no_save_button(support):
    order = make_order()

    html = support.get(page_url(order)).content.decode()

    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert 'id="repairorder_form"' not in html
    # Only the small forms, each to its own URL: parcel, move, technician, cancel.
    assert html.count('<form class="order-action"') == 4


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.AWAITING_SHIPMENT, ["register-parcel", "move", "cancel"]),
        (S.RECEIVED, ["move", "verdict", "cancel"]),
        (S.DIAGNOSTICS, ["move", "verdict", "cancel"]),
        (S.IN_REPAIR, ["move", "cancel"]),
        (S.CANCELLED, []),
    ],
)
def test_it_offers_only_what_is_possible_in_the_orders_state(support, status, offered):
    order = make_order(status=status)

    html = support.get(page_url(order)).content.decode()

    for action in ["register-parcel", "move", "verdict", "cancel"]:
        assert (f'action="{page_url(order, f"{action}/")}"' in html) is (action in offered)


def test_a_staff_user_without_the_rights_sees_the_order_but_no_action(support):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_repairorder"))
    client = Client()
    client.force_login(viewer)
    order = make_order()

    html = client.get(page_url(order)).content.decode()
    assert "Ожидает отправки в сервис" in html
    assert '<form class="order-action"' not in html

    text = visible_text(
        post(client, order, "cancel", from_status=order.status, reason="-").content.decode()
    )
    assert "Вы не можете выполнить этот шаг для этого заказа." in text
    assert RepairOrder.objects.get(pk=order.pk).status == S.AWAITING_SHIPMENT


@pytest.mark.parametrize("rows", [3, 30])
def test_the_order_page_runs_the_same_queries_for_3_or_30_history_rows(
    support, technician, django_assert_max_num_queries, rows
):
    order = received(technician, photos=2, status=S.AWAITING_SHIPMENT)
    assert order.claim.status_events.count() == 3  # approved, order opened, received
    for _ in range(rows - 3):
        claim_services.record_status_event(
            claim=order.claim,
            subject=StatusEvent.Subject.ORDER,
            transition="note",
            from_status=order.status,
            to_status=order.status,
            by=technician.user,
            internal_note="Позвонили клиенту",
        )
    # Expected: session, user, the order joined with its claim, center, act and the act's
    # author; the act's photos, the history with authors, the shipments; the user's own and
    # group permissions (2), "is this user a technician?" (services.can_move), the active
    # centers of the "move" form, the center's technicians of the "technician" form (the
    # owner is joined to the order), the order's lines (issue 22): 12 whatever the length
    # of the history. (One request first: the content types' cache is the process's, cold
    # when this test runs first, and it costs one query more once.)
    support.get(page_url(order))
    with django_assert_max_num_queries(12):
        response = support.get(page_url(order))
    assert response.status_code == 200
    assert visible_text(response.content.decode()).count("Позвонили клиенту") == rows - 3


# --- Photos and the printable act ---------------------------------------------------


def test_a_photo_answers_for_support_and_no_one_else(support, technician):
    order = received(technician, photos=1)
    photo = IntakePhoto.objects.get()
    url = page_url(order, f"photo/{photo.pk}/")

    response = support.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "sandbox"

    tech = Client()
    tech.force_login(technician.user)
    for client in (tech, Client()):
        refused = client.get(url)
        assert refused.status_code == 302
        assert refused["Location"].startswith("/admin/login/")

    other = make_order()
    assert support.get(page_url(other, f"photo/{photo.pk}/")).status_code == 404


def test_support_prints_the_act_in_the_chosen_language(support, technician):
    order = received(technician)

    html = support.get(page_url(order, "act/") + "?lang=kk").content.decode()

    assert '<html lang="kk">' in html
    assert "Қабылдау актісі" in html
    assert order.display_number in html
    assert support.get(page_url(make_order(), "act/")).status_code == 404


def test_the_act_links_its_stylesheet_the_csp_refuses_inline_styles(support, technician):
    order = received(technician)

    response = support.get(page_url(order, "act/"))

    html = response.content.decode()
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html
    assert ' style="' not in html
    assert '<link rel="stylesheet" href="/static/css/act.css">' in html
    assert 'class="act-sheet"' in html


@pytest.mark.parametrize(("found", "differs"), [("R22160042", False), ("R2216-0043", True)])
def test_a_serial_differs_only_by_more_than_dashes_spaces_and_case(
    support, technician, found, differs
):
    order = make_order(status=S.IN_TRANSIT, technician=technician, serial_number="R2216-0042")
    act = {"serial_number": found, "completeness": "Полный", "condition": "Без повреждений"}
    order = step(
        order, "receive", by=technician.user, act_data={**act, "final_verdict": "free_repair"}
    )
    tech = Client()
    tech.force_login(technician.user)

    for client, url in [(support, page_url(order)), (tech, f"/service/orders/{order.pk}/")]:
        text = visible_text(client.get(url).content.decode())
        assert found in text
        assert ("отличается от заявки" in text) is differs


# --- The three actions ----------------------------------------------------------------


def test_support_registers_the_customers_parcel(support, support_user):
    order = make_order()

    response = post(
        support,
        order,
        "register-parcel",
        from_status=order.status,
        carrier=" Kazpost ",
        tracking_number="RR987654326KZ",
    )

    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT
    assert order.status_events.get(transition="register_shipment").by == support_user
    shipment = order.shipments.get()
    assert (shipment.direction, shipment.carrier, shipment.tracking_number) == (
        Shipment.Direction.INBOUND,
        "Kazpost",
        "RR987654326KZ",
    )
    text = visible_text(response.content.decode())
    assert (
        "Посылка в сервисный центр зарегистрирована. Статус заказа теперь "
        "«В пути в сервисный центр»." in text
    )
    assert "Kazpost RR987654326KZ" in text


def test_support_cancels_with_a_reason_and_the_customer_is_told(support, support_user):
    order = make_order(status=S.RECEIVED)

    with_email = post(support, order, "cancel", from_status=order.status, reason="Клиент передумал")

    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.cancel_reason == "Клиент передумал"
    event = order.status_events.get(transition="cancel")
    assert (event.by, event.public_note) == (support_user, "Клиент передумал")
    assert order.claim.status == ClaimStatus.CLOSED
    notification = Notification.objects.get(template="order_cancelled")
    assert notification.recipient == order.claim.email
    text = visible_text(with_email.content.decode())
    assert "Заказ отменён. Статус заказа теперь «Отменено». Клиент получит об этом письмо." in text


def test_supports_cancel_reason_may_be_as_long_as_the_technicians(support):
    order = make_order(status=S.RECEIVED)
    reason = "Клиент передумал и забирает изделие. " * 50  # ~1,900 characters

    html = support.get(page_url(order)).content.decode()
    post(support, order, "cancel", from_status=order.status, reason=reason)

    assert 'name="cancel-reason" cols="40" rows="2" maxlength="2000"' in html
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.cancel_reason == reason.strip()


def test_support_moves_the_order_to_another_center_from_the_page(support, support_user):
    order = make_order()
    old_center = order.service_center
    new_center = ServiceCenterFactory(name="Сервис Астана")

    response = post(
        support,
        order,
        "move",
        from_status=order.status,
        from_center=old_center.pk,
        service_center=new_center.pk,
        reason="Центр закрылся на ремонт",
    )

    order.refresh_from_db()
    assert order.service_center == new_center
    event = order.status_events.get(transition="reassign")
    assert event.by == support_user
    assert event.note_code == "order_reassigned"
    page = visible_text(
        support.get(f"/admin/repairs/repairorder/{order.pk}/change/").content.decode()
    )
    assert (
        f"Сервисный центр: {old_center} → {new_center}. Причина: Центр закрылся на ремонт" in page
    )
    assert Notification.objects.filter(template="order_reassigned").count() == 1
    text = visible_text(response.content.decode())
    assert f"Заказ {order.display_number} передан в сервисный центр «{new_center}»." in text


def test_a_refused_form_keeps_what_was_typed_and_changes_nothing(support):
    order = make_order()

    response = post(
        support,
        order,
        "register-parcel",
        from_status=order.status,
        carrier="Kazpost",
        tracking_number="<b>RR1</b>",
        internal_note="Клиент звонил в 10:00",
    )

    assert response.status_code == 400
    html = response.content.decode()
    text = visible_text(html)
    assert "Проверьте поля формы «Зарегистрировать посылку клиента»." in text
    assert "Используйте только латинские буквы, цифры, пробелы и дефисы" in text
    assert "Клиент звонил в 10:00" in text
    assert 'value="&lt;b&gt;RR1&lt;/b&gt;"' in html
    assert RepairOrder.objects.get(pk=order.pk).status == S.AWAITING_SHIPMENT
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("cancel", {"reason": "   "}),
        ("cancel", {"reason": "я" * 2001}),
        ("move", {"reason": ""}),
        ("move", {"reason": "я" * 501}),
        ("register-parcel", {"carrier": "Kazpost", "tracking_number": "R" * 65}),
        ("register-parcel", {"carrier": "Kaz\x00post", "tracking_number": "RR000000014KZ"}),
    ],
)
def test_bad_input_is_refused_with_the_fields_errors(support, action, fields):
    order = make_order()
    center = ServiceCenterFactory()
    hidden = {"from_status": order.status, "from_center": order.service_center_id}

    response = post(support, order, action, service_center=center.pk, **hidden, **fields)

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.service_center_id) == (S.AWAITING_SHIPMENT, hidden["from_center"])
    assert not order.status_events.exclude(transition="create").exists()


@pytest.mark.parametrize("action", ["register-parcel", "cancel", "move"])
def test_a_stale_page_is_refused_with_a_message_and_changes_nothing(support, technician, action):
    order = make_order(technician=technician)
    shown = order.status
    run_step("register_shipment", order, technician.user)  # the technician was quicker
    events = StatusEvent.objects.count()

    response = post(
        support,
        order,
        action,
        from_status=shown,
        from_center=order.service_center_id,
        carrier="Kazpost",
        tracking_number="RR000000028KZ",
        reason="Клиент передумал",
        service_center=ServiceCenterFactory().pk,
    )

    text = visible_text(response.content.decode())
    assert "Заказ тем временем изменился: теперь он в статусе «В пути в сервисный центр»." in text
    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT
    assert order.service_center == technician.service_center
    assert StatusEvent.objects.count() == events
    assert Shipment.objects.count() == 1


def test_a_move_made_meanwhile_by_another_agent_is_not_overwritten(support):
    order = make_order()
    shown_center = order.service_center
    first = ServiceCenterFactory()
    services.reassign_order(order=order, service_center=first, reason="-", by=SupportUserFactory())

    response = post(
        support,
        order,
        "move",
        from_status=order.status,
        from_center=shown_center.pk,
        service_center=ServiceCenterFactory().pk,
        reason="Перегружен",
    )

    assert "Заказ тем временем изменился" in visible_text(response.content.decode())
    assert RepairOrder.objects.get(pk=order.pk).service_center == first


@pytest.mark.parametrize("action", ["register-parcel", "move", "cancel"])
def test_a_technician_or_anonymous_posting_gets_the_admin_login(technician, action):
    order = make_order(technician=technician)
    tech = Client()
    tech.force_login(technician.user)
    fields = {
        "from_status": order.status,
        "from_center": order.service_center_id,
        "carrier": "Kazpost",
        "tracking_number": "RR000000031KZ",
        "reason": "-",
        "service_center": ServiceCenterFactory().pk,
    }

    for client in (tech, Client()):
        response = post(client, order, action, follow=False, **fields)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    order.refresh_from_db()
    assert (order.status, order.service_center) == (S.AWAITING_SHIPMENT, technician.service_center)


def test_the_action_urls_take_only_post(support):
    order = make_order()

    for action in ["register-parcel", "move", "cancel"]:
        assert support.get(page_url(order, f"{action}/")).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(support_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_user)
    order = make_order()

    response = post(client, order, "cancel", follow=False, from_status=order.status, reason="-")

    assert response.status_code == 403
    assert RepairOrder.objects.get(pk=order.pk).status == S.AWAITING_SHIPMENT


# --- The final verdict, changed by support as the technician can ---------------------------


def verdict_post(client, order, *, follow=True, **fields):
    shown = {"from_status": order.status, "from_verdict": order.verdict_in_force}
    return post(client, order, "verdict", follow=follow, **{**shown, **fields})


@pytest.mark.parametrize(
    ("language", "title", "done", "note"),
    [
        (
            "ru",
            "Изменить итоговое решение",
            "Итоговое решение изменено на «Платный ремонт»; причина сохранена в истории.",
            "Итоговое решение: Бесплатный гарантийный ремонт → Платный ремонт. "
            "Причина: Следы залития",
        ),
        (
            "kk",
            "Қорытынды шешімді өзгерту",
            "Қорытынды шешім «Ақылы жөндеу» болып өзгертілді; себебі тарихта сақталды.",
            "Қорытынды шешім: Тегін кепілдік жөндеу → Ақылы жөндеу. Себебі: Следы залития",
        ),
        (
            "en",
            "Change the final verdict",
            "The final verdict is now “Paid repair”; the reason is in the history.",
            "Final verdict: Free warranty repair → Paid repair. Reason: Следы залития",
        ),
    ],
)
def test_support_changes_the_final_verdict_with_a_reason(
    support, support_user, language, title, done, note
):
    order = with_final_verdict(make_order(status=S.DIAGNOSTICS), "free_repair")
    support.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    page = visible_text(support.get(page_url(order)).content.decode())
    assert title in page

    response = verdict_post(support, order, verdict="paid_repair", reason="Следы залития")

    text = visible_text(response.content.decode())
    assert done in text
    assert note in text  # the history row, read in the page's language
    act = IntakeAct.objects.get(repair_order=order)
    assert (act.final_verdict, act.verdict_reason) == ("paid_repair", "Следы залития")
    event = order.status_events.get(transition="change_verdict")
    assert (event.by, event.note_code) == (support_user, "final_verdict_changed")


def test_a_verdict_change_without_a_reason_keeps_the_form_and_changes_nothing(support):
    order = with_final_verdict(make_order(status=S.DIAGNOSTICS), "free_repair")

    response = verdict_post(support, order, verdict="paid_repair", reason="  ")

    assert response.status_code == 400
    assert "Укажите, почему меняется решение." in visible_text(response.content.decode())
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"
    assert not order.status_events.filter(transition="change_verdict").exists()


def test_a_verdict_changed_meanwhile_by_the_technician_is_not_overwritten(support, technician):
    order = with_final_verdict(make_order(status=S.DIAGNOSTICS), "free_repair")
    shown = order.verdict_in_force
    services.change_final_verdict(
        order=order, verdict="return_refund", reason="Чек", by=SupportUserFactory()
    )

    response = verdict_post(support, order, from_verdict=shown, verdict="paid_repair", reason="-")

    assert "Заказ тем временем изменился" in visible_text(response.content.decode())
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "return_refund"


def test_once_the_remedy_is_chosen_support_cannot_change_the_verdict(support):
    order = make_order(status=S.IN_REPAIR)

    response = verdict_post(support, order, verdict="paid_repair", reason="Следы залития")

    assert "Решение можно изменить, только пока не выбран способ" in visible_text(
        response.content.decode()
    )
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"


def test_a_staff_user_who_is_not_support_cannot_change_the_verdict():
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_repairorder"))
    client = Client()
    client.force_login(viewer)
    order = with_final_verdict(make_order(status=S.DIAGNOSTICS), "free_repair")

    assert 'class="order-action"' not in client.get(page_url(order)).content.decode()
    verdict_post(client, order, verdict="paid_repair", reason="Следы залития")

    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"
    assert not order.status_events.filter(transition="change_verdict").exists()


def test_a_verdict_post_without_the_csrf_token_is_refused(support_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_user)
    order = with_final_verdict(make_order(status=S.DIAGNOSTICS), "free_repair")

    response = verdict_post(client, order, follow=False, verdict="paid_repair", reason="-")

    assert response.status_code == 403
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"


# --- Who has the order ------------------------------------------------------------------


def test_support_gives_the_order_to_a_technician_of_its_center(support, support_user, technician):
    colleague = TechnicianFactory(
        service_center=technician.service_center,
        user__first_name="Алия",
        user__last_name="Ермекова",
    )
    order = make_order(status=S.RECEIVED, technician=technician)  # his since intake
    html = visible_text(support.get(page_url(order)).content.decode())
    assert "Ответственный Касымов Д." in html
    assert "Сменить ответственного" in html

    response = post(
        support,
        order,
        "technician",
        from_status=order.status,
        technician=colleague.pk,
        shown_technician=technician.pk,
    )

    text = visible_text(response.content.decode())
    assert f"Заказ {order.display_number} передан: Ермекова А." in text
    assert "Ответственный Ермекова А." in text
    assert RepairOrder.objects.get(pk=order.pk).technician == colleague
    event = order.status_events.get(transition="change_technician")
    assert event.by == support_user


def test_support_cannot_give_the_order_to_another_centers_technician(support, technician):
    order = make_order(status=S.RECEIVED, technician=technician)
    stranger = TechnicianFactory()

    response = post(
        support,
        order,
        "technician",
        from_status=order.status,
        technician=stranger.pk,
        shown_technician=technician.pk,
    )

    assert response.status_code == 400
    assert RepairOrder.objects.get(pk=order.pk).technician == technician
    assert not order.status_events.filter(transition="change_technician").exists()
