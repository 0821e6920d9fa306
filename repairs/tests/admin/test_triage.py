"""Support's claim page in admin, the triage workspace: the claim at a glance, the steps
allowed now (each calling the triage table's service), corrections recorded in the history."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from claims import services as claim_services
from claims import warranty
from claims.models import Claim, ClaimAttachment, ClaimStatus, Verdict, WarrantyPolicy
from claims.tests.factories import ClaimFactory, claim_step
from notifications.models import Notification
from notifications.services import render_email
from repairs import services
from repairs.admin.triage import STEP_FORMS
from repairs.models import RepairOrder
from repairs.steps import TRIAGE_STEPS
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
)
from tests.pages import jpeg_bytes, visible_text

pytestmark = pytest.mark.django_db


def page_url(claim) -> str:
    return f"/admin/claims/claim/{claim.pk}/change/"


def step_url(claim, step: str) -> str:
    return f"/admin/claims/claim/{claim.pk}/triage/{step}/"


def step_buttons(html: str) -> list[str]:
    """The labels of the step buttons (each a <summary> of a step's <details>)."""
    return re.findall(r'class="triage-step [^"]*"[^>]*>\s*<summary>([^<]+)</summary>', html)


@pytest.fixture
def support_user():
    return SupportUserFactory(first_name="Динара", last_name="Ахметова")


@pytest.fixture
def support(support_user):
    client = Client()
    client.force_login(support_user)
    return client


def post_step(client, claim, step, *, from_status=None, **fields):
    data = {f"{step}-from_status": from_status or claim.status}
    data.update({f"{step}-{name}": value for name, value in fields.items()})
    return client.post(step_url(claim, step), data, follow=True)


# --- The head: status, verdict with its dates, the reply clock ---------------------------


def test_it_shows_the_status_and_verdict_as_labels_with_the_policys_dates(support):
    today = timezone.localdate()
    claim = ClaimFactory(purchase_date=today - datetime.timedelta(days=20))
    policy = WarrantyPolicy.objects.get(country="KZ")
    dates = warranty.assess(claim.purchase_date, claim.submitted_date, policy)

    html = support.get(page_url(claim)).content.decode()
    text = visible_text(html)

    assert 'class="triage-badge triage-badge-submitted">Подана<' in html
    assert "Бесплатный гарантийный ремонт" in text
    assert f"Возврат до {dates.return_until:%d.%m.%Y}" in text
    assert f"Замена до {dates.replace_until:%d.%m.%Y}" in text
    assert f"Бесплатный ремонт до {dates.repair_until:%d.%m.%Y}" in text
    # The policy now says "replacement or refund": the agent is told, and may override.
    assert "правила дают: Замена или возврат денег" in text
    for code in ("submitted", "free_repair", "replace_or_refund"):
        assert code not in text


@pytest.mark.parametrize(
    ("days_left", "css", "shown"),
    [
        (10, "triage-clock-later", "осталось 10 дн."),
        (4, "triage-clock-later", "осталось 4 дн."),
        (3, "triage-clock-soon", "осталось 3 дн."),
        (0, "triage-clock-soon", "срок сегодня"),
        (-2, "triage-clock-overdue", "просрочено на 2 дн."),
    ],
)
def test_the_reply_clock_turns_amber_at_3_days_and_red_when_overdue(support, days_left, css, shown):
    due = timezone.localdate() + datetime.timedelta(days=days_left)
    claim = ClaimFactory(response_due_date=due)

    html = support.get(page_url(claim)).content.decode()

    assert f'class="triage-clock {css}"' in html
    assert f"Ответить до {due:%d.%m.%Y} · {shown}" in visible_text(html)


def test_an_answered_claim_has_no_reply_clock(support):
    claim = ClaimFactory(response_due_date=timezone.localdate() - datetime.timedelta(days=5))
    services.approve_claim_and_open_order(
        claim=claim, service_center=ServiceCenterFactory(), by=SupportUserFactory()
    )

    html = support.get(page_url(claim)).content.decode()

    assert "triage-clock" not in html


# --- The customer, the files, the history, the e-mails -------------------------------------


def test_it_shows_contacts_as_links_and_files_through_the_checked_views(support):
    claim = ClaimFactory(whatsapp="+77017654321")
    claim.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    photo = ClaimAttachment.objects.create(
        claim=claim, file=ContentFile(jpeg_bytes(), name="photo.jpg")
    )

    html = support.get(page_url(claim)).content.decode()

    assert 'href="tel:+77012345678"' in html
    assert 'href="https://wa.me/77017654321"' in html
    assert f'href="mailto:{claim.email}"' in html
    receipt_url = f"/claims/{claim.pk}/receipt/"
    assert f'href="{receipt_url}" target="_blank" rel="noopener"' in html
    assert f'<img class="triage-thumb" src="/claims/attachments/{photo.pk}/"' in html
    assert "PDF" in visible_text(html)
    assert support.get(receipt_url).status_code == 200  # the link works for support


def test_it_shows_the_history_and_the_emails_of_the_claim_and_its_order(support, support_user):
    claim = ClaimFactory()
    claim_step(claim, "request_info", by=support_user, message="Пришлите фото чека")
    claim_step(claim, "supplement", text="Фото во вложении")
    center = ServiceCenterFactory(name="DREAME Сервис Алматы", email="almaty@service.kz")
    order = services.approve_claim_and_open_order(
        claim=claim, service_center=center, by=support_user
    )

    text = visible_text(support.get(page_url(claim)).content.decode())

    assert "Информация запрошена у клиента : Подана → Запрошена информация" in text
    assert "Динара Ахметова" in text and "Пришлите фото чека" in text
    assert "Клиент" in text and "Фото во вложении" in text
    # The outbox rows: the customer's request and approval, support's note, the center's.
    assert f"Заявка {claim.number} одобрена" in text
    assert f"Новый заказ на ремонт {order.display_number}" in text
    assert "almaty@service.kz" in text and claim.email in text
    assert "Ожидает отправки" in text
    # The order, once approved: its number, center, state and a link to its page.
    assert f"{order.display_number}" in text and "DREAME Сервис Алматы" in text
    assert "Алматы, Алматы" not in text  # the name says the city already
    assert "Ожидает отправки" in text
    html = support.get(page_url(claim)).content.decode()
    assert f'href="/admin/repairs/repairorder/{order.pk}/change/"' in html


def test_customer_text_is_shown_escaped(support):
    claim = ClaimFactory(
        full_name="<script>alert(1)</script>", fault_description="<img src=x onerror=alert(2)>"
    )

    html = support.get(page_url(claim)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


# --- The steps: only what is allowed now, for this user -------------------------------------


def test_the_step_forms_are_the_triage_tables_rows():
    for name, form_class in STEP_FORMS.items():
        fields = set(form_class.base_fields) - {"from_status"}
        assert fields == set(TRIAGE_STEPS[name].fields), name


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (ClaimStatus.SUBMITTED, ["Одобрить", "Запросить информацию", "Отклонить", "Отозвать"]),
        (ClaimStatus.NEEDS_INFO, ["Отозвать"]),
    ],
)
def test_it_offers_only_the_steps_allowed_in_the_claims_state(
    support, support_user, status, offered
):
    claim = ClaimFactory()
    if status == ClaimStatus.NEEDS_INFO:
        claim_step(claim, "request_info", by=support_user, message="Чек?")

    html = support.get(page_url(claim)).content.decode()

    assert step_buttons(html) == offered


def test_an_approved_claim_offers_no_step_and_shows_its_order(support, support_user):
    claim = ClaimFactory()
    order = services.approve_claim_and_open_order(
        claim=claim, service_center=ServiceCenterFactory(city="Астана"), by=support_user
    )

    html = support.get(page_url(claim)).content.decode()

    assert step_buttons(html) == []
    assert "triage/" not in html
    text = visible_text(html)
    assert f"Заказ на ремонт Номер заказа {order.display_number}" in text
    assert "Статус Ожидает отправки" in text  # the order's state, as a label


def test_a_staff_user_without_triage_rights_sees_the_claim_but_no_step(support):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client = Client()
    client.force_login(viewer)
    claim = ClaimFactory()

    html = client.get(page_url(claim)).content.decode()

    assert step_buttons(html) == [] and "Изменить решение" not in html
    assert (
        client.post(step_url(claim, "withdraw"), {"withdraw-from_status": "submitted"}).status_code
        == 403
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


# --- Approve ----------------------------------------------------------------------------


def test_it_suggests_the_center_in_the_customers_city_first_with_its_open_orders(support):
    ServiceCenterFactory(name="Центр Астана", city="Астана", postal_address="010000, г. Астана")
    talgar = ServiceCenterFactory(
        name="Центр Талгар", city="Талгар", postal_address="040700, Алматинская обл., г. Талгар"
    )
    near = ServiceCenterFactory(
        name="Центр Конаев", city="Конаев", postal_address="040800, г. Конаев"
    )
    ServiceCenterFactory(name="Закрытый", city="Конаев", is_active=False)
    services.approve_claim_and_open_order(
        claim=ClaimFactory(), service_center=near, by=SupportUserFactory()
    )
    claim = ClaimFactory(city="Конаев", region="Алматинская область")

    html = support.get(step_url(claim, "approve")).content.decode()

    radios = re.findall(r'<input type="radio" name="approve-service_center"[^>]*>', html)
    assert len(radios) == 3  # active centers only
    assert f'value="{near.pk}" checked' in radios[0]
    assert f'value="{talgar.pk}"' in radios[1]
    text = visible_text(html)
    assert "Центр Конаев Конаев · открытых заказов: 1 · город клиента" in text
    assert "Центр Талгар Талгар · открытых заказов: 0 · область клиента" in text
    assert "Закрытый" not in text


def test_approving_from_the_page_opens_the_order_and_emails_the_customer_and_the_center(
    support, django_capture_on_commit_callbacks
):
    claim = ClaimFactory()
    center = ServiceCenterFactory(
        name="DREAME Сервис Алматы",
        postal_address="050010, г. Алматы, ул. Тестовая, 1",
        email="almaty@service.kz",
    )

    html = post_step(support, claim, "approve", service_center=center.pk).content.decode()

    order = RepairOrder.objects.get(claim=claim)
    assert order.service_center == center
    assert f"Заявка {claim.number} одобрена: заказ на ремонт {order.display_number}" in html
    customer = Notification.objects.get(recipient=claim.email, template="claim_approved")
    assert customer.context["service_center"]["postal_address"] == center.postal_address
    to_center = Notification.objects.get(recipient="almaty@service.kz", template="center_new_order")
    assert to_center.language == "ru"
    assert to_center.context["order_number"] == order.display_number
    assert to_center.event_key == f"order:{order.order_number}:center_new_order:" + str(
        claim.status_events.get(transition="create").pk
    )


def test_the_center_email_says_what_is_coming_and_escapes_customer_text():
    claim = ClaimFactory(full_name="<b>Ким</b> & Ко", city="Алматы")
    order = services.approve_claim_and_open_order(
        claim=claim, service_center=ServiceCenterFactory(), by=SupportUserFactory()
    )
    row = Notification.objects.get(template="center_new_order")

    subject, text, html = render_email(
        template=row.template, language=row.language, context=row.context
    )

    assert subject == f"Новый заказ на ремонт {order.display_number}: DREAME L20 Ultra, Алматы"
    for part in (text, html):
        assert claim.number in part and "+77012345678" in part and "Не заряжается" in part
    assert "<b>Ким</b> &amp; Ко" not in html and "&lt;b&gt;Ким&lt;/b&gt; &amp;amp; Ко" not in html
    assert "&lt;b&gt;Ким&lt;/b&gt; &amp; Ко" in html
    assert "Клиент: <b>Ким</b> & Ко" in text  # plain text arrives as typed
    assert f"/service/orders/{order.pk}/" in text


def test_an_inactive_center_is_refused_with_its_own_message(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory(is_active=False)

    html = post_step(support, claim, "approve", service_center=center.pk).content.decode()

    assert "Этот сервисный центр сейчас не принимает изделия в ремонт. Выберите другой" in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not RepairOrder.objects.exists()


# --- Request information, reject, withdraw ------------------------------------------------


@pytest.mark.parametrize(
    ("step", "field", "status", "template", "done"),
    [
        (
            "request_info",
            "message",
            ClaimStatus.NEEDS_INFO,
            "claim_info_requested",
            "Информация запрошена у клиента. Статус заявки теперь «Запрошена информация».",
        ),
        (
            "reject",
            "reason",
            ClaimStatus.REJECTED,
            "claim_rejected",
            "Заявка отклонена. Статус заявки теперь «Отклонена».",
        ),
    ],
)
def test_the_typed_text_goes_into_the_customers_email(support, step, field, status, template, done):
    claim = ClaimFactory()
    typed = "Пришлите фото чека <b>целиком</b>"

    html = post_step(support, claim, step, **{field: typed}).content.decode()

    claim.refresh_from_db()
    assert claim.status == status
    notification = Notification.objects.get(recipient=claim.email, template=template)
    assert notification.context["public_note"] == typed
    assert done in visible_text(html) and "Клиент получит об этом письмо." in visible_text(html)


@pytest.mark.parametrize(
    ("step", "field", "refusal"),
    [
        ("request_info", "message", "Укажите, какая информация нужна."),
        ("reject", "reason", "Укажите причину отказа."),
    ],
)
def test_request_and_rejection_need_a_text_and_keep_what_was_typed(support, step, field, refusal):
    claim = ClaimFactory()

    response = post_step(support, claim, step, **{field: "   "})
    assert response.status_code == 400
    assert refusal in response.content.decode()

    too_long = "Очень длинный текст. " * 100
    response = post_step(support, claim, step, **{field: too_long})
    assert response.status_code == 400
    assert too_long.strip() in response.content.decode()  # nothing the agent typed is lost
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert (
        not Notification.objects.filter(recipient=claim.email)
        .exclude(template="claim_received")
        .exists()
    )


def test_withdrawing_closes_the_claim_and_confirms_it_to_the_customer(support):
    claim = ClaimFactory()

    html = post_step(support, claim, "withdraw").content.decode()

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED
    assert "Заявка отозвана. Статус заявки теперь «Закрыта»." in html
    # A written trace for the customer, also when support withdrew it at their request.
    assert list(Notification.objects.values_list("template", "recipient")) == [
        ("claim_withdrawn", claim.email)
    ]
    assert not claim.status_events.get(transition="withdraw").by_customer


# --- Stale pages, races, illegal steps -----------------------------------------------------


STALE = "Другой сотрудник тем временем изменил эту заявку: теперь она в статусе"


def test_a_step_chosen_on_an_out_of_date_page_is_refused(support, support_user):
    claim = ClaimFactory()
    claim_step(claim, "request_info", by=support_user, message="Чек?")

    html = post_step(support, claim, "withdraw", from_status=ClaimStatus.SUBMITTED).content.decode()

    assert f"{STALE} «Запрошена информация». Ничего не сохранено" in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO


def test_a_claim_approved_meanwhile_is_not_approved_twice(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory()
    post_step(support, claim, "approve", service_center=center.pk)

    html = post_step(
        support, claim, "approve", from_status=ClaimStatus.SUBMITTED, service_center=center.pk
    ).content.decode()

    assert f"{STALE} «Одобрена»" in html
    assert RepairOrder.objects.filter(claim=claim).count() == 1
    assert Notification.objects.filter(template="center_new_order").count() == 1


def test_an_approval_racing_another_agents_is_refused_under_the_lock(support):
    claim = ClaimFactory()
    center = ServiceCenterFactory()
    page_view = Claim.objects.get(pk=claim.pk)  # what the agent's page loaded: submitted
    services.approve_claim_and_open_order(
        claim=claim, service_center=center, by=SupportUserFactory()
    )  # the other agent, a moment earlier

    with mock.patch("repairs.admin.triage.get_object_or_404", return_value=page_view):
        html = post_step(support, claim, "approve", service_center=center.pk).content.decode()

    assert f"{STALE} «Одобрена»" in html
    assert RepairOrder.objects.filter(claim=claim).count() == 1


def test_a_step_the_state_does_not_allow_is_refused_with_a_message(support):
    claim = claim_step(ClaimFactory(), "reject", by=SupportUserFactory(), reason="Не в Казахстане")

    html = post_step(support, claim, "withdraw").content.decode()

    assert "Действие «Отозвать» невозможно, пока заявка в статусе «Отклонена»." in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_an_unknown_step_is_not_found(support):
    claim = ClaimFactory()
    for step in ("supplement", "close", "delete"):
        response = support.post(step_url(claim, step), {f"{step}-from_status": "submitted"})
        assert response.status_code == 404


@pytest.mark.parametrize("url", ["triage/approve/", "triage/reject/", "verdict/", "change/"])
def test_a_technician_or_anonymous_visitor_gets_the_admin_login(url):
    claim = ClaimFactory()
    center = ServiceCenterFactory()
    technician = Client()
    technician.force_login(TechnicianFactory(service_center=center).user)
    data = {
        "approve-from_status": "submitted",
        "approve-service_center": center.pk,
        "reject-from_status": "submitted",
        "reject-reason": "x",
        "verdict-verdict": "paid_repair",
        "verdict-reason": "x",
    }
    for client in (technician, Client()):
        for response in (
            client.get(f"/admin/claims/claim/{claim.pk}/{url}"),
            client.post(f"/admin/claims/claim/{claim.pk}/{url}", data),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (ClaimStatus.SUBMITTED, Verdict.FREE_REPAIR)


# --- The verdict and the corrections --------------------------------------------------------


def test_overriding_the_verdict_needs_a_reason_and_is_recorded(support, support_user):
    claim = ClaimFactory()
    url = f"/admin/claims/claim/{claim.pk}/verdict/"

    response = support.post(url, {"verdict-verdict": "paid_repair", "verdict-reason": " "})
    assert response.status_code == 400
    assert "Укажите, почему меняется решение." in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == Verdict.FREE_REPAIR

    reason = "На фото чека другая дата: куплен 2 года назад"
    html = support.post(
        url, {"verdict-verdict": "paid_repair", "verdict-reason": reason}, follow=True
    ).content.decode()

    claim.refresh_from_db()
    assert claim.verdict == Verdict.PAID_REPAIR
    event = claim.status_events.get(transition="override_verdict")
    assert event.by == support_user and event.from_status == event.to_status
    # An automatic note: its code and values, read in the reader's language (claims.notes).
    assert (event.note_code, event.note_params) == (
        "verdict_overridden",
        {"old": "free_repair", "new": "paid_repair", "reason": reason},
    )
    text = visible_text(html)
    assert "Предварительное решение изменено на «Платный ремонт»" in text
    assert (
        "Предварительное решение: Бесплатный гарантийный ремонт → Платный ремонт. "
        f"Причина: {reason}"
    ) in text  # in the history on the page


def correction_data(claim, **changes) -> dict:
    data = {
        "full_name": claim.full_name,
        "email": claim.email,
        "phone": str(claim.phone),
        "whatsapp": "",
        "region": claim.region,
        "city": claim.city,
        "address": claim.address,
        "postal_code": claim.postal_code,
        "product_model": claim.product_model,
        "serial_number": claim.serial_number,
        "purchase_date": claim.purchase_date.strftime("%d.%m.%Y"),
        "seller": claim.seller,
        "fault_description": claim.fault_description,
        "_continue": "1",
    }
    data.update(changes)
    return data


def test_a_correction_is_saved_and_recorded_as_old_and_new_values(support, support_user):
    claim = ClaimFactory(address="ул. Абая, д. 10, кв. 5")

    support.post(
        page_url(claim),
        correction_data(claim, address="ул. Абая, д. 10, кв. 15", phone="8 701 111 22 33"),
    )

    claim.refresh_from_db()
    assert claim.address == "ул. Абая, д. 10, кв. 15"
    assert str(claim.phone) == "+77011112233"
    event = claim.status_events.get()
    assert (event.transition, event.by) == ("correct", support_user)
    assert event.from_status == event.to_status == ClaimStatus.SUBMITTED
    assert (event.note_code, event.note_params) == (
        "data_corrected",
        {
            "changes": [
                ["phone", "+77012345678", "+77011112233"],
                ["address", "ул. Абая, д. 10, кв. 5", "ул. Абая, д. 10, кв. 15"],
            ]
        },
    )
    page = visible_text(support.get(page_url(claim)).content.decode())
    assert "Исправлено: Телефон: +77012345678 → +77011112233" in page
    assert "Адрес: ул. Абая, д. 10, кв. 5 → ул. Абая, д. 10, кв. 15" in page
    english = visible_text(
        support.get(page_url(claim), headers={"accept-language": "en"}).content.decode()
    )
    assert "Corrected: Phone: +77012345678 → +77011112233" in english


def test_saving_without_a_change_records_nothing(support):
    claim = ClaimFactory()

    response = support.post(page_url(claim), correction_data(claim))

    assert response.status_code == 302
    assert not claim.status_events.exists()


def test_a_purchase_date_after_the_claim_is_refused(support):
    claim = ClaimFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = support.post(
        page_url(claim), correction_data(claim, purchase_date=tomorrow.strftime("%d.%m.%Y"))
    )

    assert response.status_code == 200
    assert "Дата покупки не может быть в будущем." in response.content.decode()
    assert not claim.status_events.exists()


def test_a_line_break_in_a_corrected_name_or_address_becomes_one_space(support):
    # The claim form's rule: a name or an address is one line of an e-mail or a printed act.
    claim = ClaimFactory()

    support.post(
        page_url(claim),
        correction_data(claim, full_name="Иванова\r\nАйгерим", address="ул. Абая, 10\nкв. 15"),
    )

    claim.refresh_from_db()
    assert claim.full_name == "Иванова Айгерим"
    assert claim.address == "ул. Абая, 10 кв. 15"


UNPRINTABLE = "Уберите из текста невидимые или управляющие символы."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "Иванова\x07Айгерим", UNPRINTABLE),  # a bell, pasted from a terminal
        ("full_name", "\u202eмиреглА", UNPRINTABLE),  # a right-to-left override
        ("city", "Алматы\x1b[31m", UNPRINTABLE),
        ("seller", "Kaspi\x00", "Нулевые символы недопустимы."),
    ],
)
def test_a_control_character_in_a_correction_is_refused(support, field, value, message):
    claim = ClaimFactory()
    before = getattr(claim, field)

    response = support.post(page_url(claim), correction_data(claim, **{field: value}))

    assert response.status_code == 200  # the form again, with its message
    assert message in response.content.decode()
    claim.refresh_from_db()
    assert getattr(claim, field) == before
    assert not claim.status_events.exists()


def test_support_cannot_set_the_status_or_what_a_transition_writes(support):
    claim = ClaimFactory(rejection_reason="", info_request="")

    support.post(
        page_url(claim),
        correction_data(
            claim,
            status=ClaimStatus.APPROVED,
            verdict=Verdict.PAID_REPAIR,
            rejection_reason="Отказ мимо сервиса",
            info_request="Запрос мимо сервиса",
            number="CL-HACKED",
            response_due_date="01.01.2030",
        ),
    )

    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (ClaimStatus.SUBMITTED, Verdict.FREE_REPAIR)
    assert claim.rejection_reason == "" and claim.info_request == ""
    assert claim.number.startswith("CL-T")
    assert not Notification.objects.exists()
    html = support.get(page_url(claim)).content.decode()
    for field in ("status", "verdict", "rejection_reason", "info_request", "response_due_date"):
        assert f'name="{field}"' not in html


def test_the_services_refuse_what_is_no_correction(support_user):
    claim = ClaimFactory()

    claim_services.correct_claim(claim=claim, changes={"address": claim.address}, by=support_user)
    assert not claim.status_events.exists()
    with pytest.raises(ValueError):
        claim_services.correct_claim(claim=claim, changes={"status": "approved"}, by=support_user)
    with pytest.raises(ValidationError) as refused:
        claim_services.override_verdict(
            claim=claim, verdict=Verdict.FREE_REPAIR, reason="Так и есть", by=support_user
        )
    assert refused.value.code == "same_verdict"
    assert not claim.status_events.exists()


def test_a_step_opens_on_a_page_of_its_own(support):
    claim = ClaimFactory()

    html = support.get(step_url(claim, "reject")).content.decode()

    text = visible_text(html)
    assert "Причина отказа" in text and "Отклонить заявку" in text
    assert f'href="{page_url(claim)}"' in html  # back to the claim
    assert 'name="reject-from_status" value="submitted"' in html


# --- The list keeps only the bulk approval -------------------------------------------------


def test_the_list_offers_only_the_bulk_approval(support):
    ClaimFactory()

    html = support.get("/admin/claims/claim/").content.decode()

    actions = re.findall(
        r'<option value="(\w+)">', html.split('name="action"')[1].split("</select>")[0]
    )
    assert actions == ["approve"]


# --- Speed ----------------------------------------------------------------------------------


def busy_claim(events: int, files: int) -> Claim:
    """An approved claim with `events` extra history rows and `files` attachments."""
    claim = ClaimFactory()
    claim.receipt.save("receipt.jpg", ContentFile(jpeg_bytes()), save=True)
    by = SupportUserFactory()
    for number in range(events):
        claim_services.record_status_event(
            claim=claim,
            transition="correct",
            from_status=claim.status,
            to_status=claim.status,
            by=by if number % 2 else None,
            internal_note=f"адрес: {number}",
        )
    for _ in range(files):
        ClaimAttachment.objects.create(claim=claim, file=ContentFile(b"%PDF-1.4", name="a.pdf"))
    services.approve_claim_and_open_order(claim=claim, service_center=ServiceCenterFactory(), by=by)
    return claim


@pytest.mark.parametrize(("events", "files"), [(2, 1), (20, 10)])
def test_the_claim_page_runs_the_same_queries_for_few_or_many_events_and_files(
    support, django_assert_max_num_queries, events, files
):
    claim = busy_claim(events, files)
    ContentType.objects.clear_cache()  # the admin's one lookup per process, counted here
    # Expected: session, user, the claim with its order and center (joined), its history
    # with authors, its attachments, the user's own and group permissions (2), the warranty
    # policy, the outbox rows, the WhatsApp and SMS rows, the consents to news on the
    # phone, the claim's content type (cached after the first page): 12 whatever the
    # history or the files.
    with django_assert_max_num_queries(12):
        response = support.get(page_url(claim))
    assert response.status_code == 200
    assert visible_text(response.content.decode()).count("адрес: ") == events


def test_an_open_claims_page_adds_one_query_for_the_suggested_centers(
    support, django_assert_max_num_queries
):
    claim = ClaimFactory()
    ServiceCenterFactory.create_batch(5)
    ContentType.objects.clear_cache()
    # Expected: the 12 above plus the active centers with their open orders, in one query.
    with django_assert_max_num_queries(13):
        response = support.get(page_url(claim))
    assert response.status_code == 200
