"""The order page offers only what makes sense now and guards what contradicts the policy:
cancelling apart from the next steps (support's alone once shipped back), remedy steps that
fit the final verdict (or the verdict changed first, with a reason), a tick before what
cannot be undone, the awaited part only while awaited, the act's completeness once."""

import html as html_lib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from claims.models import ProductModel, WarrantyPolicy
from dreame_service.kit.fsm import Actor, Stale
from repairs import steps
from repairs.models import IntakeAct, OrderStatus
from repairs.tests.factories import SupportUserFactory, make_order, with_final_verdict
from repairs.tests.workbench.pages import event_count, page, post_step, reloaded, steps_shown
from repairs.tests.workbench.test_intake import ROBOT, intake

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture(autouse=True)
def kz_policy(db):
    WarrantyPolicy.objects.get_or_create(country="KZ")


def text(html: str) -> str:
    """What the reader reads: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, title_id: str) -> str:
    """The <section> whose heading has id `title_id`."""
    start = html.index(f'aria-labelledby="{title_id}"')
    return html[start : html.index("</section>", start)]


def in_language(client: Client, language: str) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def order_in_diagnostics(technician, verdict):
    return with_final_verdict(make_order(status=S.DIAGNOSTICS, technician=technician), verdict)


# --- Cancelling stands apart; from "shipped" it is support's --------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("ru", "Прервать ремонт", "Отменить заказ"),
        ("kk", "Жөндеуді тоқтату", "Тапсырысты болдырмау"),
        ("en", "Stop the repair", "Cancel the order"),
    ],
)
def test_cancel_stands_apart_from_the_next_steps(
    language, heading, button, technician, tech_client
):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    html = page(in_language(tech_client, language), order)

    next_steps, stop = section(html, "steps-title"), section(html, "stop-title")
    assert steps_shown(next_steps) == ["wait_for_parts", "complete"]
    assert steps_shown(stop) == ["cancel"]
    assert heading in text(stop) and f">{button}</button>" in stop


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("ru", "теперь отменить заказ может только поддержка"),
        ("kk", "тапсырысты тек қолдау қызметі болдырмай алады"),
        ("en", "only support can cancel the order now"),
    ],
)
def test_once_shipped_back_the_technician_is_not_offered_cancel(
    language, note, technician, tech_client
):
    order = make_order(status=S.SHIPPED, technician=technician)
    html = page(in_language(tech_client, language), order)

    assert steps_shown(html) == ["confirm_delivery"]
    assert note in text(section(html, "stop-title"))


def test_a_crafted_cancel_after_shipping_is_refused_and_saves_nothing(technician, tech_client):
    order = make_order(status=S.SHIPPED, technician=technician)
    events, outbox = event_count(order), len(mail.outbox)

    response = post_step(tech_client, order, "cancel", reason="Передумал", follow=True)

    assert "теперь отменить заказ может только поддержка" in text(response.content.decode())
    order = reloaded(order)
    assert (order.status, order.cancel_reason) == (S.SHIPPED, "")
    assert event_count(order) == events and len(mail.outbox) == outbox


def test_the_technician_cannot_cancel_a_shipped_order_through_the_runner_either(technician):
    order = make_order(status=S.SHIPPED, technician=technician)
    with pytest.raises(PermissionDenied):
        steps.run_step(order, "cancel", by=technician.user, values={"reason": "Потеряна"})
    assert reloaded(order).status == S.SHIPPED


def test_support_still_cancels_a_shipped_order_when_the_parcel_is_lost(technician):
    order = make_order(status=S.SHIPPED, technician=technician)
    support = SupportUserFactory()
    order, _event = steps.run_step(
        order, "cancel", by=support, actor=Actor.SUPPORT, values={"reason": "Посылка утеряна"}
    )
    assert order.status == S.CANCELLED


# --- Remedy steps fit the final verdict ---------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "offered"),
    [
        ("return_refund", ["start_repair", "resolve_replacement", "resolve_refund"]),
        ("replace_or_refund", ["start_repair", "resolve_replacement", "resolve_refund"]),
        ("free_repair", ["start_repair"]),
        ("paid_repair", ["send_quote"]),
    ],
)
def test_diagnostics_offers_the_remedies_the_final_verdict_allows(
    verdict, offered, technician, tech_client
):
    order = order_in_diagnostics(technician, verdict)
    assert steps_shown(section(page(tech_client, order), "steps-title")) == offered


@pytest.mark.parametrize(
    ("language", "refund_reason", "quote_reason"),
    [
        (
            "ru",
            "Деньги возвращают только в первые 30 дней после покупки, а решение по этому "
            "заказу — «Бесплатный гарантийный ремонт». Чтобы вернуть деньги, сначала "
            "измените решение и укажите причину.",
            "Решение — «Бесплатный гарантийный ремонт»: ремонт для клиента бесплатный",
        ),
        (
            "kk",
            "Ақша сатып алғаннан кейінгі алғашқы 30 күнде ғана қайтарылады",
            "Шешім — «Тегін кепілдік жөндеу»: жөндеу клиент үшін тегін",
        ),
        (
            "en",
            "The money is refunded only in the first 30 days after purchase; this order's "
            "verdict is “Free warranty repair”. To refund the money, first change the "
            "verdict and write why.",
            "The verdict is “Free warranty repair”: the repair is free for the customer",
        ),
    ],
)
def test_the_page_says_why_a_remedy_is_not_offered(
    language, refund_reason, quote_reason, technician, tech_client
):
    order = order_in_diagnostics(technician, "free_repair")
    steps_card = text(section(page(in_language(tech_client, language), order), "steps-title"))
    assert refund_reason in steps_card
    assert quote_reason in steps_card


def test_under_a_paid_repair_verdict_the_free_repair_is_explained_not_offered(
    technician, tech_client
):
    order = order_in_diagnostics(technician, "paid_repair")
    steps_card = text(section(page(tech_client, order), "steps-title"))
    assert "ремонт начинают после того, как клиент согласится со стоимостью" in steps_card


@pytest.mark.parametrize(
    ("verdict", "name", "fields", "reason"),
    [
        ("free_repair", "resolve_refund", {"confirm_refund": "on"}, "Деньги возвращают только"),
        ("paid_repair", "resolve_refund", {"confirm_refund": "on"}, "Деньги возвращают только"),
        ("free_repair", "resolve_replacement", {"new_serial": "N1"}, "Новое изделие выдают"),
        ("free_repair", "send_quote", {"amount": "25000"}, "ремонт для клиента бесплатный"),
        ("paid_repair", "start_repair", {}, "ремонт начинают после того"),
    ],
)
def test_a_crafted_post_of_a_remedy_the_verdict_refuses_saves_nothing(
    verdict, name, fields, reason, technician, tech_client
):
    order = order_in_diagnostics(technician, verdict)
    events, outbox = event_count(order), len(mail.outbox)

    response = post_step(tech_client, order, name, follow=True, **fields)

    html = text(response.content.decode())
    assert reason in html
    assert "изменился" not in html  # not "the order changed meanwhile"
    order = reloaded(order)
    assert (order.status, order.resolution, order.quote_amount) == (S.DIAGNOSTICS, "", None)
    assert event_count(order) == events and len(mail.outbox) == outbox


def test_the_runner_refuses_a_remedy_the_verdict_does_not_allow(technician):
    order = order_in_diagnostics(technician, "paid_repair")
    with pytest.raises(Stale):
        steps.run_step(order, "resolve_refund", by=technician.user)
    assert reloaded(order).status == S.DIAGNOSTICS


def test_a_verdict_changed_meanwhile_gets_the_policys_words_not_the_stale_page(
    monkeypatch, technician, tech_client
):
    order = order_in_diagnostics(technician, "replace_or_refund")
    real_run_step = steps.run_step

    def colleague_changes_the_verdict_first(order, name, **kwargs):
        with_final_verdict(order, "free_repair")  # committed before our step takes its lock
        return real_run_step(order, name, **kwargs)

    monkeypatch.setattr(steps, "run_step", colleague_changes_the_verdict_first)
    response = post_step(tech_client, order, "resolve_refund", confirm_refund="on", follow=True)

    html = text(response.content.decode())
    assert "Деньги возвращают только в первые 30 дней" in html
    assert "Заказ тем временем изменился" not in html
    assert reloaded(order).status == S.DIAGNOSTICS


# --- Changing the final verdict, with a reason ----------------------------------------------


def verdict_post(client, order, *, shown_verdict=None, **fields):
    data = {
        "verdict-from_status": order.status,
        "verdict-from_verdict": shown_verdict or order.intake_act.final_verdict,
        **{f"verdict-{name}": value for name, value in fields.items()},
    }
    return client.post(f"/service/orders/{order.pk}/verdict/", data, follow=True)


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("ru", "Изменить итоговое решение"),
        ("kk", "Қорытынды шешімді өзгерту"),
        ("en", "Change the final verdict"),
    ],
)
def test_diagnostics_offers_to_change_the_final_verdict(language, summary, technician, tech_client):
    order = order_in_diagnostics(technician, "free_repair")
    html = page(in_language(tech_client, language), order)
    form = html[html.index('class="verdict-change"') :]
    assert summary in text(form[: form.index("</details>")])
    options = re.findall(r'<option value="([a-z_]*)"', form[: form.index("</form>")])
    assert options == ["", "return_refund", "replace_or_refund", "paid_repair"]  # not the current


def test_changing_the_verdict_records_the_reason_and_opens_the_refund(technician, tech_client):
    order = order_in_diagnostics(technician, "free_repair")
    events = event_count(order)

    response = verdict_post(
        tech_client,
        order,
        verdict="replace_or_refund",
        reason="Чек на другую дату: куплено 20 дней назад",
    )

    html = response.content.decode()
    assert "Итоговое решение изменено на «Замена или возврат денег»" in html
    act = IntakeAct.objects.get(repair_order=order)
    assert act.final_verdict == "replace_or_refund"
    assert event_count(order) == events + 1
    event = order.status_events.latest("created_at", "pk")
    assert (event.transition, event.from_status, event.to_status) == (
        "change_verdict",
        S.DIAGNOSTICS,
        S.DIAGNOSTICS,
    )
    assert event.public_note == ""
    assert (event.note_code, event.note_params) == (
        "final_verdict_changed",
        {
            "old": "free_repair",
            "new": "replace_or_refund",
            "reason": "Чек на другую дату: куплено 20 дней назад",
        },
    )
    history = text(section(html, "history-title"))
    assert "Итоговое решение изменено" in history
    assert (
        "Итоговое решение: Бесплатный гарантийный ремонт → Замена или возврат денег. "
        "Причина: Чек на другую дату: куплено 20 дней назад"
    ) in history
    assert "resolve_refund" in steps_shown(section(html, "steps-title"))


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("kk", "Қорытынды шешім: Тегін кепілдік жөндеу → "),
        ("en", "Final verdict: Free warranty repair → Replacement or refund. Reason: Чек"),
    ],
)
def test_the_verdict_change_is_read_in_the_readers_language(
    language, note, technician, tech_client
):
    order = order_in_diagnostics(technician, "free_repair")
    verdict_post(tech_client, order, verdict="replace_or_refund", reason="Чек на другую дату")

    html = tech_client.get(
        f"/service/orders/{order.pk}/", headers={"accept-language": language}
    ).content.decode()

    assert note in text(section(html, "history-title"))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Укажите, почему меняется решение."),
        ("kk", "Шешімнің неге өзгеретінін жазыңыз."),
        ("en", "Write why the verdict changes."),
    ],
)
def test_a_verdict_change_without_a_reason_is_refused(language, message, technician, tech_client):
    order = order_in_diagnostics(technician, "free_repair")
    events = event_count(order)

    response = verdict_post(
        in_language(tech_client, language), order, verdict="return_refund", reason="  "
    )

    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"
    assert event_count(order) == events


def test_a_verdict_change_from_a_stale_page_is_refused(technician, tech_client):
    order = order_in_diagnostics(technician, "free_repair")
    with_final_verdict(order, "paid_repair")  # a colleague changed it first
    events = event_count(order)

    response = verdict_post(
        tech_client, order, shown_verdict="free_repair", verdict="return_refund", reason="Чек"
    )

    assert "Заказ тем временем изменился" in text(response.content.decode())
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "paid_repair"
    assert event_count(order) == events


def test_once_the_remedy_is_chosen_the_verdict_is_not_offered_nor_changed(technician, tech_client):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    assert 'class="verdict-change"' not in page(tech_client, order)

    response = verdict_post(tech_client, order, verdict="paid_repair", reason="Следы залития")

    assert "Решение можно изменить" in text(response.content.decode())
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"


def test_another_centers_technician_cannot_change_the_verdict(technician, other_client):
    order = order_in_diagnostics(technician, "free_repair")
    response = verdict_post(other_client, order, verdict="return_refund", reason="Чек")
    assert response.status_code == 404
    assert IntakeAct.objects.get(repair_order=order).final_verdict == "free_repair"


# --- What cannot be undone asks for a tick ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label", "error"),
    [
        ("ru", "Подтверждаю возврат денег", "Отметьте флажок, чтобы подтвердить возврат денег."),
        ("kk", "Ақшаны қайтаруды растаймын", "Ақшаны қайтаруды растау үшін құсбелгі қойыңыз."),
        ("en", "I confirm the refund", "Tick the box to confirm the refund."),
    ],
)
def test_a_refund_needs_the_confirmation_ticked(language, label, error, technician, tech_client):
    order = order_in_diagnostics(technician, "return_refund")
    client = in_language(tech_client, language)
    assert label in text(page(client, order))
    events = event_count(order)

    response = post_step(client, order, "resolve_refund")

    assert response.status_code == 400
    assert error in text(response.content.decode())
    assert reloaded(order).status == S.DIAGNOSTICS and event_count(order) == events

    post_step(client, order, "resolve_refund", confirm_refund="on")
    assert reloaded(order).status == S.REFUNDED


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("ru", "Отметьте флажок, чтобы подтвердить, что клиент отказался от платного ремонта."),
        ("kk", "Клиенттің ақылы жөндеуден бас тартқанын растау үшін құсбелгі қойыңыз."),
        ("en", "Tick the box to confirm that the customer declined the price."),
    ],
)
def test_recording_a_declined_price_needs_the_confirmation_ticked(
    language, error, technician, tech_client
):
    order = make_order(status=S.AWAITING_APPROVAL, technician=technician)
    client = in_language(tech_client, language)

    response = post_step(client, order, "decline_quote")

    assert response.status_code == 400
    assert error in text(response.content.decode())
    assert reloaded(order).status == S.AWAITING_APPROVAL

    post_step(client, order, "decline_quote", confirm_decline="on")
    assert reloaded(order).status == S.READY_FOR_RETURN


# --- The awaited part, the act's completeness ----------------------------------------------


def test_the_awaited_part_shows_only_while_the_order_awaits_it(technician, tech_client):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    post_step(
        tech_client, order, "wait_for_parts", part="Датчик лидара", expected_date="2099-12-10"
    )
    assert "Ожидаемая запчасть Датчик лидара · ожидается 10.12.2099" in text(
        page(tech_client, order)
    )

    post_step(tech_client, reloaded(order), "parts_arrived")
    html = text(page(tech_client, order))
    assert "Датчик лидара · ожидается" not in html
    assert "Ожидаемая запчасть Датчик лидара" not in html
    assert "10.12.2099" in html  # the history keeps it


def test_the_intake_acts_completeness_is_told_once(technician, tech_client):
    order = make_order(
        technician=technician,
        product=ProductModel.objects.get(name=ROBOT),
        product_model=ROBOT,
        serial_number="R2216-0042-KZ",
    )
    tech_client.post(f"/service/orders/{order.pk}/receive/", intake())

    facts = text(section(page(tech_client, order), "act-title"))
    assert facts.count("Комплектность") == 1
    assert facts.count("Робот-пылесос") == 1
