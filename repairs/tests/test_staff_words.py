"""What staff read of a case: the history and the message after a step say what happened, in
the past tense (never the button's imperative), and a state is named for staff (never the
customer's "your"), in Russian, Kazakh and English."""

import re

import pytest
from django.test import Client
from django.utils import translation

from claims.models import ClaimStatus
from claims.steps import CLAIM_STEPS, run_claim_step
from claims.tests.factories import ClaimFactory
from dreame_service.kit.fsm import Actor, Step
from repairs.models import OrderStatus
from repairs.services.orders import APPROVE
from repairs.steps import ORDER_STEPS
from repairs.tests.factories import SupportUserFactory, TechnicianFactory, make_order
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
LANGUAGES = ["ru", "kk", "en"]
ROWS = [*ORDER_STEPS.values(), *CLAIM_STEPS.values(), APPROVE]
# The customer's words for "your": a staff screen must not say them.
ADDRESSES_THE_READER = re.compile(r"\byour\b|\bваш|ңыз|ңіз|\bсіздің", re.IGNORECASE)


def client_in(user, lang: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def text_of(response) -> str:
    assert response.status_code == 200
    return visible_text(response.content.decode())


def history_of(text: str, heading: str) -> str:
    return text[text.index(heading) :]


# --- The rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_step_says_what_it_did_apart_from_its_button(row, lang):
    with translation.override(lang):
        done, label = str(row.done), str(row.label)
    assert done and done != label


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_state_name_addresses_the_reader(lang):
    with translation.override(lang):
        names = [str(label) for label in OrderStatus.labels]
    assert [name for name in names if ADDRESSES_THE_READER.search(name)] == []


# --- The technician's order page -------------------------------------------------------------

WORKBENCH = {
    "ru": [
        "История",
        "Стоимость ремонта отправлена клиенту : Диагностика → "
        "Ждёт согласия клиента со стоимостью ремонта",
        "Диагностика начата : Принято сервисным центром → Диагностика",
        "Изделие принято, составлен акт приёмки : Ожидает отправки в сервис → "
        "Принято сервисным центром",
        "Заявка одобрена : Подана → Одобрена",
    ],
    "kk": [
        "Тарих",
        "Жөндеу құны клиентке жіберілді : Диагностика → Клиенттің жөндеу құнымен келісуін күтуде",
        "Диагностика басталды : Сервис орталығы қабылдады → Диагностика",
        "Бұйым қабылданды, қабылдау актісі жасалды : Сервиске жіберуді күтуде → "
        "Сервис орталығы қабылдады",
        "Өтінім мақұлданды : Берілді → Мақұлданды",
    ],
    "en": [
        "History",
        "Repair price sent to the customer : Diagnostics → "
        "Awaiting the customer's approval of the quote",
        "Diagnostics started : Received by the service center → Diagnostics",
        "Product received, intake act written : Awaiting shipment → Received by the service center",
        "Claim approved : Submitted → Approved",
    ],
}
BUTTONS = ["Начать диагностику", "Отправить стоимость ремонта", "Одобрить", "Принять:"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_workbench_history_says_what_happened_and_names_the_state_for_staff(lang):
    technician = TechnicianFactory()
    order = make_order(status=S.AWAITING_APPROVAL, technician=technician)

    text = text_of(client_in(technician.user, lang).get(f"/service/orders/{order.pk}/"))

    heading, *rows = WORKBENCH[lang]
    history = history_of(text, heading)
    for row in rows:
        assert row in history
    assert [button for button in BUTTONS if button in history] == []
    # The badge: what the technician waits for, not the customer's "your approval".
    above = text[: text.index(heading)]
    assert rows[0].split("→ ")[1] in above
    for customers in ("вашего согласия", "келісуіңізді", "your approval"):
        assert customers not in text


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ru", "Диагностика начата. Статус заказа теперь «Диагностика»."),
        ("kk", "Диагностика басталды. Тапсырыстың мәртебесі енді «Диагностика»."),
        ("en", "Diagnostics started. The order is now “Diagnostics”."),
    ],
)
def test_the_message_after_a_step_says_what_happened(lang, message):
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician)

    response = client_in(technician.user, lang).post(
        f"/service/orders/{order.pk}/",
        {"transition": "start_diagnostics", "from_status": order.status},
        follow=True,
    )

    assert message in text_of(response)


# --- Support's pages -----------------------------------------------------------------------

ADMIN_ORDER = {
    "ru": (
        "История",
        "Посылка в сервисный центр зарегистрирована : Ожидает отправки в сервис → "
        "В пути в сервисный центр",
        "Доставка подтверждена : Отправлено обратно → Доставлено",
        "Заявка закрыта : Одобрена → Закрыта",
    ),
    "kk": (
        "Тарих",
        "Сервис орталығына жіберілген сәлемдеме тіркелді : Сервиске жіберуді күтуде → "
        "Сервис орталығына жолда",
        "Жеткізу расталды : Кері жіберілді → Жеткізілді",
        "Өтінім жабылды : Мақұлданды → Жабылды",
    ),
    "en": (
        "History",
        "Parcel to the center registered : Awaiting shipment → On its way to the service center",
        "Delivery confirmed : Shipped back → Delivered",
        "Claim closed : Approved → Closed",
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_supports_order_page_history_says_what_happened(lang):
    order = make_order(status=S.DELIVERED, via=(S.IN_TRANSIT,))

    text = text_of(
        client_in(SupportUserFactory(), lang).get(f"/admin/repairs/repairorder/{order.pk}/change/")
    )

    heading, *rows = ADMIN_ORDER[lang]
    history = history_of(text, heading)
    for row in rows:
        assert row in history
    for button in ("Подтвердить доставку", "Зарегистрировать посылку в центр", "Закрыть :"):
        assert button not in history


ADMIN_CLAIM = {
    "ru": (
        "Заявка дополнена клиентом : Запрошена информация → Подана",
        "Информация запрошена у клиента : Подана → Запрошена информация",
        "Информация запрошена у клиента. Статус заявки теперь «Запрошена информация». "
        "Клиент получит об этом письмо.",
    ),
    "kk": (
        "Өтінімді клиент толықтырды : Ақпарат сұралды → Берілді",
        "Клиенттен ақпарат сұралды : Берілді → Ақпарат сұралды",
        "Клиенттен ақпарат сұралды. Өтінімнің мәртебесі енді «Ақпарат сұралды». "
        "Клиент бұл туралы хат алады.",
    ),
    "en": (
        "Information added by the customer : Information requested → Submitted",
        "Information requested from the customer : Submitted → Information requested",
        "Information requested from the customer. The claim is now “Information requested”. "
        "The customer gets an e-mail about it.",
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_supports_claim_page_says_what_happened_after_the_step_and_in_the_history(lang):
    claim = ClaimFactory()
    support = client_in(SupportUserFactory(), lang)
    supplemented, requested, message = ADMIN_CLAIM[lang]

    response = support.post(
        f"/admin/claims/claim/{claim.pk}/triage/request_info/",
        {"request_info-from_status": claim.status, "request_info-message": "Пришлите чек"},
        follow=True,
    )
    assert message in text_of(response)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    run_claim_step(claim, "supplement", values={"text": "Чек во вложении"})
    text = text_of(support.get(f"/admin/claims/claim/{claim.pk}/change/"))
    assert supplemented in text and requested in text
    assert "Запросить информацию :" not in text and "Request information :" not in text


def test_a_steps_button_keeps_its_imperative_label():
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician)

    text = text_of(client_in(technician.user, "ru").get(f"/service/orders/{order.pk}/"))

    assert "Начать диагностику" in text  # the button
    assert "Диагностика начата" not in text  # nothing has happened yet


def test_a_row_without_a_done_text_is_refused():
    with pytest.raises(TypeError, match="done"):
        Step("look", "Look", frozenset({Actor.TECHNICIAN}))  # type: ignore[call-arg]
