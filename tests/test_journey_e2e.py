"""One repair from the claim form to the parcel home, over the real stack.

gunicorn (gunicorn.conf.py, DEBUG off) serves the site; a Celery worker sends the e-mails
through an SMTP server on loopback; beat runs the sweeper and the reminders; files go to
an S3 bucket (moto's server on loopback); PostgreSQL and Redis are the machine's. Three
browsers take part, as in life: the customer's phone, support's office screen, the service
center's counter tablet. Each step leaves a screenshot journey_*.png (conftest.SCREENSHOTS).

Nothing here calls the portal's Python: every action goes through a page, every e-mail is
read as it arrived over SMTP. The test process only reads the database to check.
"""

import io
import os
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from claims import warranty
from claims.models import Claim, WarrantyPolicy
from claims.tests.browser_claim import fill_claim_form, jpeg_bytes
from conftest import (
    CHROMIUM,
    assert_no_horizontal_scroll,
    axe_violations,
    require,
    save_screenshot,
    watch_csp,
)
from notifications.tests.smtp import SmtpSink, free_port
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.admin.browser_login import log_in as admin_log_in
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory, TechnicianFactory
from repairs.tests.workbench.browser import log_in as workbench_log_in
from repairs.tests.workbench.browser import step
from tests import real_stack

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUCKET = "dreame-journey"
S3_KEYS = {"aws_access_key_id": "journey", "aws_secret_access_key": "journey-secret"}
CUSTOMER = "aigerim@example.kz"
CENTER_EMAIL = "almaty@service.kz"
TRACKING_IN = "RR123456785KZ"
TRACKING_BACK = "1098765432"


class Stack:
    def __init__(self, *, url, smtp, s3, processes):
        self.url, self.smtp, self.s3, self.processes = url, smtp, s3, processes

    def keys(self, prefix: str) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn, a Celery worker and beat, SMTP and S3 on loopback, all on the test database."""
    require(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        "needs PostgreSQL: set DATABASE_URL=postgres://…",
    )
    require(bool(settings.REDIS_URL), "needs Redis: set REDIS_URL=redis://…")
    require(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM}")
    from moto.server import ThreadedMotoServer

    smtp = SmtpSink().start()
    s3_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    moto.start()
    s3_url = f"http://127.0.0.1:{s3_port}"
    s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **S3_KEYS)
    s3.create_bucket(Bucket=BUCKET)

    port = free_port()
    site_url = f"http://127.0.0.1:{port}"
    queue = f"test-journey-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key",
        "DATABASE_URL": real_stack.test_database_url(),
        "CONN_MAX_AGE": "0",  # no connection outlives a request: the test flushes tables
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # parallel runs never take each other's tasks
        "EMAIL_URL": smtp.url,
        "EMAIL_TIMEOUT": "2",
        "SITE_URL": site_url,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_url,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_KEYS["aws_secret_access_key"],
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        # Beat every 2 s instead of every minute/hour, and a parcel reminder due at once:
        # the journey sees beat's work within seconds.
        "OUTBOX_SWEEP_EVERY_SECONDS": "2",
        "REMINDERS_EVERY_SECONDS": "2",
        "REMINDER_AWAITING_SHIPMENT_DAYS": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # DEBUG off serves /static/ from the collected, hashed files (whitenoise), as in production.
    collected = real_stack.Process(
        f"{queue}-collectstatic",
        [str(real_stack.VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v0"],
        env,
    )
    assert collected.popen.wait(timeout=120) == 0, collected.log()
    collected.stop()

    beat_schedule = tmp_path_factory.mktemp("beat") / "schedule"
    processes = []
    try:
        processes.append(real_stack.celery_worker(f"{queue}-worker", queue=queue, env=env))
        processes.append(
            real_stack.celery(
                f"{queue}-beat",
                "beat",
                f"--schedule={beat_schedule}",
                "--loglevel=INFO",
                env=env,
            ).wait_for_log("beat: Starting")
        )
        processes.append(
            real_stack.Process(
                f"{queue}-gunicorn",
                [str(real_stack.VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
                env,
            ).wait_until(lambda: real_stack.answers(f"{site_url}/healthz"))
        )
        yield Stack(url=site_url, smtp=smtp, s3=s3, processes=processes)
    finally:
        for process in reversed(processes):
            process.stop()
        moto.stop()
        smtp.stop()


@pytest.fixture
def people(browser, stack):
    """The customer's phone, support's office screen and the center's counter tablet."""
    contexts = {}
    pages = {}
    for who, (width, height) in {
        "customer": (360, 800),
        "support": (1280, 800),
        "technician": (1024, 768),
    }.items():
        contexts[who] = watch_csp(
            browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1, locale="ru-RU"
            )
        )
        pages[who] = contexts[who].new_page()
        pages[who].set_default_timeout(15_000)
    yield pages
    for context in contexts.values():
        context.close()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def mail_about(stack, subject_part: str, *, recipient: str = CUSTOMER):
    """The one e-mail to `recipient` whose subject contains `subject_part`, waited for."""
    for _ in range(2):
        found = [m for m in stack.smtp.to(recipient) if subject_part in m["Subject"]]
        if found:
            assert len(found) == 1, f"{len(found)} e-mails «{subject_part}» to {recipient}"
            return found[0]
        stack.smtp.wait_for(len(stack.smtp.to(recipient)) + 1, recipient=recipient, timeout=20)
    raise AssertionError(f"no e-mail «{subject_part}» to {recipient}")


def my_link(message, stack) -> str:
    [link] = set(re.findall(rf"{re.escape(stack.url)}/my/[^\s\"<]+/", text_of(message)))
    return link


def look(page, name: str) -> None:
    """What every public page must pass on the phone: no sideways scroll, axe, the CSP."""
    assert_no_horizontal_scroll(page)
    save_screenshot(page, f"journey_{name}")
    assert axe_violations(page) == []


def images_loaded(page, selector: str, count: int) -> None:
    """The previews (signed bucket URLs behind a redirect) loaded; the CSP blocked nothing."""
    page.wait_for_function(
        """([selector, count]) => {
            const shown = [...document.querySelectorAll(selector)];
            return shown.length === count && shown.every(i => i.complete && i.naturalWidth > 0);
        }""",
        arg=[selector, count],
    )
    assert page.evaluate("window.__cspBlocked") == []


def photo(tmp_path, name: str, color: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (640, 480), color).save(path, format="JPEG", quality=80)
    return str(path)


def order_of(claim) -> RepairOrder:
    return RepairOrder.objects.select_related("claim").get(claim=claim)


def test_a_repair_from_the_claim_form_to_the_parcel_home(stack, people, tmp_path):
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()  # no rate-limit counts left by earlier tests for 127.0.0.1
    center = ServiceCenterFactory(
        name="DREAME Сервис Алматы",
        city="Алматы",
        email=CENTER_EMAIL,
        phone="+77272500500",
        postal_address="050010, г. Алматы, ул. Жибек Жолы, 50",
    )
    technician = TechnicianFactory(
        service_center=center, user__first_name="Даурен", user__last_name="Касымов"
    )
    agent = SupportUserFactory(first_name="Динара", last_name="Ахметова")
    customer, support, desk = people["customer"], people["support"], people["technician"]

    # 1. The customer files the claim on a phone; the receipt goes to the private bucket.
    customer.goto(f"{stack.url}/")
    customer.get_by_role("link", name="Подать заявку").first.click()
    fill_claim_form(customer, receipt={"name": "IMG_2041.jpg", "mimeType": "image/jpeg",
                                       "buffer": jpeg_bytes()})  # fmt: skip
    customer.click("[data-submit]")
    customer.wait_for_url("**/claims/submitted/**")
    number = customer.locator("[data-claim-number]").inner_text()
    claim = Claim.objects.get(number=number)
    look(customer, "01_claim_submitted")
    assert stack.keys("receipts/") == [claim.receipt.name]
    anonymous = stack.s3.meta.endpoint_url + f"/{BUCKET}/{claim.receipt.name}"
    assert customer.request.get(anonymous).status == 403  # private without a signature
    received = mail_about(stack, "принята")
    assert "Айгерим" not in text_of(received)  # the receipt e-mail echoes nothing typed
    assert mail_about(stack, number, recipient=settings.SUPPORT_EMAIL)

    # 2. Support approves it on the claim's page with the suggested center.
    admin_log_in(support, stack.url, agent, then=f"/admin/claims/claim/{claim.pk}/change/")
    images_loaded(support, "img.triage-thumb", 1)
    support.get_by_text("Одобрить", exact=True).click()
    expect(support.get_by_role("radio", name="DREAME Сервис Алматы")).to_be_checked()
    support.get_by_role("button", name="Подтвердить одобрение").click()
    order = order_of(claim)
    expect(support.locator(".messagelist .success")).to_contain_text(order.display_number)
    save_screenshot(support, "journey_02_support_approved")

    # 3. The approval e-mail brings the center's address and the personal link; beat's
    # reminder follows (due at once here), carrying the same link.
    approved = mail_about(stack, "одобрена")
    assert center.postal_address in text_of(approved) and "+7 727 250 05 00" in text_of(approved)
    link = my_link(approved, stack)
    assert mail_about(stack, "Новый заказ", recipient=CENTER_EMAIL)
    reminder = mail_about(stack, "Напоминание")
    assert my_link(reminder, stack) == link

    # 4. The customer sends the parcel and enters the tracking number on «Мой ремонт».
    customer.goto(link)
    expect(customer.locator(".my-address")).to_have_text(center.postal_address)
    customer.get_by_label("Перевозчик").fill("Казпочта")
    customer.get_by_label("Трек-номер").fill(TRACKING_IN)
    customer.get_by_role("button", name="Сохранить трек-номер").click()
    expect(customer.locator(".tracking-number a")).to_contain_text(TRACKING_IN)
    look(customer, "03_my_repair_parcel_sent")
    assert order_of(claim).status == OrderStatus.IN_TRANSIT

    # 5. The parcel arrives: the technician finds it in the queue, writes the act with two
    # photos, and prints the stub.
    workbench_log_in(desk, stack.url, technician, then=f"/service/?status={OrderStatus.IN_TRANSIT}")
    expect(desk.locator(".queue-row")).to_contain_text(order.display_number)
    desk.get_by_role("link", name="Составить акт приёмки").click()
    desk.get_by_label("Чек приложен").check()
    desk.get_by_label("Гарантийный талон приложен").check()
    desk.get_by_label("На гарантийном талоне есть печать продавца").check()
    desk.get_by_label("Робот-пылесос").check()
    desk.get_by_label("Базовая станция").check()
    desk.get_by_label("Неисправность, выявленная при приёмке").fill("Не заряжается от базы")
    desk.get_by_label("Фото изделия").set_input_files(
        [photo(tmp_path, "front.jpg", "#b33"), photo(tmp_path, "label.jpg", "#36c")]
    )
    desk.get_by_role("button", name="Принять изделие и выдать талон").click()
    expect(desk.get_by_role("status")).to_contain_text(f"Заказ {order.display_number} принят")
    images_loaded(desk, ".photo-grid img", 2)
    save_screenshot(desk, "journey_04_intake_act")
    order = order_of(claim)
    assert order.status == OrderStatus.RECEIVED
    assert len(stack.keys("intake/")) == 2 and len(stack.keys("acts/")) == 1

    desk.emulate_media(media="print")
    sheet = pypdfium2.PdfDocument(desk.pdf(format="A4", prefer_css_page_size=True))
    image = sheet[0].render(scale=300 / 72).to_pil()
    sheet.close()
    codes = {code.format: code.text for code in zxingcpp.read_barcodes(image)}
    desk.emulate_media(media="screen")
    stub_number = codes[zxingcpp.BarcodeFormat.Code128]
    stub_link = codes[zxingcpp.BarcodeFormat.QRCode]
    assert stub_link.startswith(f"{stack.url}/partners/repair-status/?")
    stub_date = parse_qs(urlsplit(stub_link).query)["intake_date"][0]

    # The worker attached the act, read back from the bucket, to the customer's e-mail.
    at_center = mail_about(stack, "получил ваш товар")
    [act] = [
        part
        for part in at_center.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
    act_text = pypdf.PdfReader(io.BytesIO(act.get_content())).pages[0].extract_text()
    assert order.display_number in act_text

    # 6. The customer types the stub's number and date into the public status page.
    customer.goto(f"{stack.url}/partners/")
    customer.get_by_role("link", name="Узнать статус ремонта").click()
    customer.get_by_label("Номер заказа").fill(stub_number)
    customer.get_by_label("Дата приёма").fill(stub_date)
    customer.get_by_role("button", name="Проверить статус").click()
    expect(customer.locator(".status-current")).to_have_text(
        "Сервисный центр получил ваше изделие."
    )
    assert stub_date == timezone.localdate().isoformat()
    look(customer, "05_status_lookup")

    # 7. Diagnostics finds damage by the user: the technician makes the verdict a paid repair,
    # with the reason, and sends the price.
    desk.goto(f"{stack.url}/service/orders/{order.pk}/")
    step(desk, "start_diagnostics", "Начать диагностику", done="«Диагностика»")
    verdict = desk.locator(".verdict-change")
    verdict.locator("summary").click()
    verdict.get_by_label("Новое итоговое решение").select_option("paid_repair")
    verdict.get_by_label("Почему меняется решение").fill("Следы залития на плате зарядки")
    verdict.get_by_role("button", name="Изменить решение").click()
    expect(desk.locator(".notice-ok")).to_contain_text("Итоговое решение изменено")
    step(
        desk,
        "send_quote",
        "Отправить стоимость ремонта",
        fields={"Комментарий к стоимости": "Замена платы зарядки"},
        lines=[
            {"Описание": "Плата зарядки", "Цена за единицу, ₸": "20 000"},
            {"Описание": "Замена платы", "Цена за единицу, ₸": "5 000"},
        ],
        fault="Следы жидкости",
        done="Клиент получит об этом письмо.",
    )
    save_screenshot(desk, "journey_06_quote_sent")

    # 8. The customer accepts the price online, from the quote e-mail's link.
    quote = mail_about(stack, "смета")
    assert "25 000 ₸" in text_of(quote)
    customer.goto(my_link(quote, stack))
    expect(customer.locator(".status-amount")).to_have_text("25 000 ₸")
    look(customer, "07_my_repair_quote")
    # The customer's copy of the act: the link leads to the bucket, signed for a few minutes.
    act_link = customer.get_by_role("link", name="Скачать акт (PDF)").get_attribute("href")
    act_copy = customer.request.get(f"{stack.url}{act_link}")
    assert act_copy.url.startswith(f"{stack.s3.meta.endpoint_url}/{BUCKET}/acts/")
    assert act_copy.body() == act.get_content()
    disposition = f'attachment; filename="act-{order.display_number}.pdf"'
    assert act_copy.headers["content-disposition"] == disposition
    customer.get_by_role("button", name="Принять стоимость").click()
    expect(customer.get_by_role("heading", name="Ваш ответ по стоимости")).to_be_visible()
    assert order_of(claim).status == OrderStatus.IN_REPAIR
    decided = mail_about(stack, "клиент принял стоимость", recipient=CENTER_EMAIL)
    assert order.display_number in decided["Subject"]

    # 9. The technician completes the repair and ships the product back.
    desk.reload()
    step(
        desk,
        "complete",
        "Ремонт завершён",
        fields={"Выполненные работы": "Заменена плата зарядки"},  # the lines: the estimate's
        done="Клиент получит об этом письмо.",
    )
    step(
        desk,
        "ship_back",
        "Отправить клиенту",
        fields={"Перевозчик": "CDEK", "Трек-номер": TRACKING_BACK},
        done="«Отправлено обратно»",
    )
    desk.locator(".photo-strip").scroll_into_view_if_needed()  # lazy previews load in view
    images_loaded(desk, ".photo-strip img", 2)
    save_screenshot(desk, "journey_08_shipped_back")
    order = order_of(claim)
    assert order.status == OrderStatus.SHIPPED
    warranty_end = warranty.warranty_end_after_return(
        purchase_date=claim.purchase_date,
        policy=WarrantyPolicy.objects.get(country="KZ"),
        claim_date=claim.submitted_date,
        returned_date=timezone.localdate(),
    ).strftime("%d.%m.%Y")

    # 10. The customer gets both e-mails and sees the parcel home and the new warranty date.
    assert link in text_of(mail_about(stack, "ремонт завершён"))
    shipped = text_of(mail_about(stack, "товар отправлен вам"))
    assert TRACKING_BACK in shipped and warranty_end in shipped
    customer.goto(link)
    expect(customer.locator(".status-current")).to_have_text("Ваше изделие едет к вам обратно.")
    expect(customer.locator(".status-tracking .tracking-number a")).to_contain_text(TRACKING_BACK)
    expect(customer.locator(".status-warranty strong")).to_have_text(warranty_end)
    expect(customer.locator(".timeline")).to_contain_text("Отправлено вам обратно")
    look(customer, "09_my_repair_shipped")

    # Every e-mail went out once, and beat's sweeps ran on the worker.
    assert sorted(m["Subject"] for m in stack.smtp.to(CUSTOMER)) == sorted(
        [
            f"Заявка {number} принята",
            f"Заявка {number} одобрена: куда отправить товар",
            f"Напоминание: заказ {order.display_number} — сервисный центр ждёт ваш товар",
            f"Заказ {order.display_number}: сервисный центр получил ваш товар",
            f"Заказ {order.display_number}: смета на ремонт 25 000 ₸",
            f"Заказ {order.display_number}: ремонт завершён",
            f"Заказ {order.display_number}: товар отправлен вам",
        ]
    )
    worker = stack.processes[0].log()
    assert "notifications.sweep_outbox" in worker and "repairs.send_reminders" in worker
    assert "ERROR" not in worker and "Traceback" not in stack.processes[2].log()
