"""The customer's pages end to end through Django's test client, and the staff receipt view."""

import dataclasses
import datetime
import re
import time
import urllib.request

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from claims import signing, submissions, views
from claims.models import (
    Claim,
    ClaimAttachment,
    ClaimStatus,
    ProductModel,
    StatusEvent,
    WarrantyPolicy,
)
from claims.tests import hostile_images
from claims.tests.claim_form import NEW, form_data, receipt
from claims.tests.factories import ClaimFactory
from conftest import BUCKET
from notifications.models import Notification
from tests.commits import email_callbacks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_slate(db):
    cache.clear()  # rate-limit counters and form tokens from other tests
    # Seeded by a data migration; made sure of here in case a flushing test ran before.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    ProductModel.objects.get_or_create(name="DREAME L20 Ultra")


def english(client):
    client.cookies["django_language"] = "en"
    return client


# --- The form page ----------------------------------------------------------------


def test_it_shows_the_form_with_the_contract_field_names(client, django_assert_max_num_queries):
    # 1 query: the active product models for the select.
    with django_assert_max_num_queries(1):
        response = client.get(NEW)

    html = response.content.decode()
    for name in [
        "full_name", "email", "phone", "whatsapp", "region", "city", "address", "postal_code",
        "product_model", "serial_number", "purchase_date", "seller", "receipt",
        "fault_description", "consent",
    ]:  # fmt: skip
        assert f'name="{name}"' in html, name
    assert 'type="date"' in html and 'enctype="multipart/form-data"' in html
    assert "DREAME L20 Ultra" in html and "csrfmiddlewaretoken" in html
    assert re.search(r'name="form_token" value="[0-9a-f]{32}"', html)


def test_it_gives_every_form_page_its_own_token(client):
    tokens = {
        re.search(r'name="form_token" value="(\w+)"', client.get(NEW).content.decode())[1]
        for _ in range(2)
    }
    assert len(tokens) == 2


# --- Submitting -------------------------------------------------------------------


def test_it_saves_the_claim_and_redirects_to_its_confirmation(
    client, private_media, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    data = form_data()
    # Queries: products; duplicate check; policy; then the transaction: SAVEPOINT, INSERT
    # claim, INSERT status event, and for each of the two e-mails get_or_create's SELECT,
    # SAVEPOINT, INSERT, RELEASE; the reports' month marked stale (repairs.rollups); RELEASE.
    # 16 in all, whatever the number of claims.
    with (
        django_assert_max_num_queries(16),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        response = client.post(NEW, data)

    claim = Claim.objects.get()
    assert response.status_code == 302
    # The token is signed with its second: compare the number it carries, not the token.
    location = response["Location"]
    assert location.startswith("/claims/submitted/")
    assert signing.unsign_confirmation_token(location.rstrip("/").rsplit("/", 1)[1]) == claim.number
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.verdict == "return_refund"  # bought 10 days ago
    assert claim.language == "ru"
    assert str(claim.phone) == "+77012345678"
    assert claim.product.name == claim.product_model == "DREAME L20 Ultra"
    assert re.fullmatch(r"receipts/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", claim.receipt.name)
    assert (private_media / claim.receipt.name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert StatusEvent.objects.filter(claim=claim, to_status="submitted").count() == 1
    # The e-mails wait in the outbox; the response did not wait for them.
    assert sorted(Notification.objects.values_list("recipient", "status")) == sorted(
        [("aigerim@example.kz", "pending"), ("dreamesupport@dreame.tech", "pending")]
    )
    assert len(email_callbacks(callbacks)) == 2 and mail.outbox == []


def test_it_records_the_language_the_customer_used(client):
    client.cookies["django_language"] = "kk"
    client.post(NEW, form_data())

    assert Claim.objects.get().language == "kk"


def test_it_explains_the_verdict_and_next_steps_on_the_confirmation_page(
    client, django_assert_max_num_queries
):
    redirect = english(client).post(NEW, form_data())
    # 2 queries: the claim by its signed number, the warranty policy.
    with django_assert_max_num_queries(2):
        response = client.get(redirect["Location"])

    html = response.content.decode()
    claim = Claim.objects.get()
    assert claim.number in html
    assert "within 15 days of purchase: you may return it unconditionally" in html
    assert "What happens next" in html
    assert claim.response_due_date.strftime("%d.%m.%Y") in html


def test_it_explains_a_paid_repair_after_the_warranty(client):
    old = (timezone.localdate() - datetime.timedelta(days=800)).isoformat()
    response = english(client).post(NEW, form_data(purchase_date=old), follow=True)

    assert "The 12-month warranty has ended: the repair is paid." in response.content.decode()


def test_it_shows_the_confirmation_in_russian_by_default(client):
    response = client.post(NEW, form_data(), follow=True)

    html = response.content.decode()
    assert "Спасибо" in html and "15 дней" in html


def test_it_does_not_show_a_claim_without_a_valid_signed_token(client):
    claim = ClaimFactory()

    for token in [claim.number, signing.supplement_token(claim), "x:y:z"]:
        response = english(client).get(f"/claims/submitted/{token}/")
        assert response.status_code == 404
        assert claim.full_name not in response.content.decode()
        assert "This page is no longer available" in response.content.decode()


def test_a_double_submit_creates_one_claim(client):
    first = client.post(NEW, form_data())
    second = client.post(NEW, form_data())

    assert Claim.objects.count() == 1
    # The same claim's confirmation (each link is signed with its second: compare numbers).
    number_in = [
        signing.unsign_confirmation_token(response["Location"].rstrip("/").rsplit("/", 1)[1])
        for response in (first, second)
    ]
    assert number_in == [Claim.objects.get().number] * 2


def test_a_resubmit_without_token_is_caught_by_the_recent_duplicate_check(client):
    client.post(NEW, form_data(form_token=""))
    response = client.post(NEW, form_data(form_token=""))

    assert Claim.objects.count() == 1
    assert response.status_code == 200
    assert "Эта заявка уже зарегистрирована" in response.content.decode()


def _stranger_repeats(data: dict):
    """Another browser, address and session, another name and city, the same details."""
    stranger = Client(REMOTE_ADDR="203.0.113.77")
    return stranger.post(
        NEW, {**data, "form_token": "f" * 32, "full_name": "Пётр Петров", "city": "Тараз"}
    )


def test_a_duplicate_from_another_browser_shows_nothing_of_the_first_claim(client):
    client.post(NEW, form_data())
    claim = Claim.objects.get()

    response = _stranger_repeats(form_data())

    html = response.content.decode()
    assert response.status_code == 200  # not a redirect to the first claim's confirmation
    assert "Эта заявка уже зарегистрирована" in html
    for secret in (claim.number, claim.email, "/my/", "Айгерим"):
        assert secret not in html
    assert Claim.objects.count() == 1
    # Its owner gets the personal link again, at the claim's own address.
    resent = Notification.objects.filter(template="my_link")
    assert [n.recipient for n in resent] == [claim.email]
    assert claim.status_events.filter(transition="resend_link", by_customer=True).count() == 1


def test_a_duplicate_sent_in_parallel_shows_nothing_of_the_first_claim(client, monkeypatch):
    client.post(NEW, form_data())
    claim = Claim.objects.get()
    # The race: the other POST committed after this one looked for a recent duplicate,
    # so only the database's duplicate key stops it.
    monkeypatch.setattr(views.selectors, "recent_duplicate_claim", lambda *, data: None)

    response = _stranger_repeats(form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Эта заявка уже зарегистрирована" in html and claim.number not in html
    assert Claim.objects.count() == 1
    assert Notification.objects.filter(template="my_link", recipient=claim.email).count() == 1


def test_two_different_claims_from_one_person_are_both_saved(client):
    client.post(NEW, form_data(form_token="a" * 32))
    client.post(NEW, form_data(form_token="b" * 32, serial_number="SN999"))

    assert Claim.objects.count() == 2


def test_a_second_post_waits_for_the_first_one_still_being_saved(client, monkeypatch):
    cache.add("claim-form-token:" + "c" * 32, submissions.PENDING, 60)
    monkeypatch.setattr(submissions, "DUPLICATE_WAIT_SECONDS", 0.3)

    response = english(client).post(NEW, form_data(form_token="c" * 32))

    assert response.status_code == 409
    assert "This form was sent twice" in response.content.decode()
    assert Claim.objects.count() == 0


# --- Bad input ---------------------------------------------------------------------


def test_it_keeps_what_was_typed_and_marks_each_wrong_field(client, private_media):
    data = form_data(phone="+7 916 123 45 67", postal_code="12", email="no-at-sign")
    response = english(client).post(NEW, data)

    html = response.content.decode()
    assert response.status_code == 200
    for field in ["phone", "postal_code", "email"]:
        assert re.search(
            rf'<input[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*id_{field}_error'
            rf'[^"]*"[^>]*id="id_{field}"',
            html,
        ), field
        assert f'id="id_{field}_error"' in html
    assert 'value="Айгерим Сатпаева"' in html and 'value="SN123456"' in html
    assert "Не заряжается от базы." in html
    assert "please choose it again" in html
    assert Claim.objects.count() == 0 and not private_media.exists()


def test_it_explains_a_disguised_file_next_to_the_file_field(client):
    fake = receipt(b"MZ\x90\x00\x03" + b"\x00" * 500, name="receipt.jpg")
    response = english(client).post(NEW, form_data(receipt=fake))

    html = response.content.decode()
    assert 'id="id_receipt_error"' in html and "This file type is not accepted" in html
    assert Claim.objects.count() == 0


def test_a_receipt_built_to_cost_a_minute_of_cpu_is_refused_in_russian_and_nothing_is_lost(
    client,
):
    # The security review's receipt: a progressive JPEG repeating one scan 2,000 times.
    costly = hostile_images.progressive_jpeg((512, 512), scans=2000, mode="L")
    response = client.post(NEW, form_data(receipt=receipt(costly, name="check.jpg")))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_receipt_error"' in html and "сохранено необычным способом" in html
    assert 'value="SN123456"' in html  # what was typed stays
    assert Claim.objects.count() == 0


def test_it_answers_a_megabyte_of_description_with_a_message(client):
    response = english(client).post(NEW, form_data(fault_description="x" * 1_000_000))

    assert response.status_code == 200
    assert "Please shorten the description to 5000 characters" in response.content.decode()
    assert Claim.objects.count() == 0


def test_it_answers_an_oversized_request_with_a_friendly_page(client):
    # Beyond DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses to read the body at all.
    response = client.post(NEW, form_data(fault_description="x" * 3_000_000))

    assert response.status_code == 400
    assert "Запрос не удалось обработать" in response.content.decode()
    assert Claim.objects.count() == 0


def test_it_escapes_markup_everywhere_it_shows_it(client):
    script = "<script>alert('x')</script>"
    invalid = english(client).post(NEW, form_data(full_name=script, postal_code="1"))
    assert script not in invalid.content.decode()
    assert "&lt;script&gt;" in invalid.content.decode()

    confirmation = client.post(NEW, form_data(serial_number=script), follow=True)
    assert script not in confirmation.content.decode()
    assert Claim.objects.get().serial_number == script


def test_it_accepts_right_to_left_and_emoji_text(client):
    text = "המוצר לא נטען 🙁 — Зарядтамайды"
    client.post(NEW, form_data(fault_description=text, full_name="محمد علي"))

    assert Claim.objects.get().fault_description == text


def test_it_answers_a_post_without_csrf_token_with_a_translated_page():
    response = Client(enforce_csrf_checks=True).post(NEW, form_data())

    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()
    assert Claim.objects.count() == 0


def test_it_silently_drops_a_bot_that_fills_the_honeypot(client):
    response = client.post(NEW, form_data(leave_empty="http://spam.example"), follow=True)

    assert response.redirect_chain == [("/claims/received/", 302)]
    assert "Спасибо" in response.content.decode()
    assert Claim.objects.count() == 0


# --- Rate limits --------------------------------------------------------------------


def test_a_post_the_view_counts_over_the_limit_keeps_the_data(client, monkeypatch):
    # The client was under the limit when the middleware peeked (a parallel request took
    # the last slot since): the view's own count refuses it, with the form kept. A client
    # already at the limit is refused earlier, unread (tests/test_body_guard.py).
    monkeypatch.setattr(
        views, "CLAIM_FORM_GUARD", dataclasses.replace(views.CLAIM_FORM_GUARD, limit=2)
    )
    english(client)
    client.post(NEW, form_data(postal_code="1"))
    client.post(NEW, form_data(postal_code="2"))

    response = client.post(NEW, form_data(form_token="d" * 32))

    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many claims in a short time" in html
    assert 'value="Айгерим Сатпаева"' in html and 'value="ddddd' in html
    assert "please choose it again" in html
    assert Claim.objects.count() == 0


def test_it_limits_claims_per_email_even_from_other_addresses(client, monkeypatch):
    monkeypatch.setattr(views, "SUBMITS_PER_CONTACT", 1)
    client.post(NEW, form_data(), REMOTE_ADDR="10.0.0.1")

    response = client.post(
        NEW,
        form_data(form_token="e" * 32, serial_number="SN2", phone="+7 777 000 11 22"),
        REMOTE_ADDR="10.0.0.2",
    )

    assert response.status_code == 429
    assert Claim.objects.count() == 1


def test_it_limits_claims_per_phone(client, monkeypatch):
    monkeypatch.setattr(views, "SUBMITS_PER_CONTACT", 1)
    client.post(NEW, form_data())

    response = client.post(
        NEW, form_data(form_token="f" * 32, serial_number="SN2", email="other@example.kz")
    )

    assert response.status_code == 429
    assert Claim.objects.count() == 1


def test_the_form_still_works_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }

    response = client.post(NEW, form_data())

    assert response.status_code == 302
    assert Claim.objects.count() == 1


# --- Supplement --------------------------------------------------------------------


def supplement_path(claim) -> str:
    return f"/claims/supplement/{signing.supplement_token(claim)}/"


def claim_needing_info(**kwargs):
    claim = ClaimFactory(info_request="Пришлите фото чека <b>целиком</b>", **kwargs)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    claim.refresh_from_db()
    return claim


def test_it_shows_what_support_asked_on_the_supplement_page(client):
    claim = claim_needing_info()

    html = client.get(supplement_path(claim)).content.decode()

    assert claim.number in html
    assert "Пришлите фото чека &lt;b&gt;целиком&lt;/b&gt;" in html
    assert 'name="text"' in html and 'name="receipt"' in html


def test_a_supplement_returns_the_claim_to_submitted(client, private_media):
    claim = claim_needing_info()

    response = client.post(
        supplement_path(claim), {"text": "Вот чек целиком", "receipt": receipt()}, follow=True
    )

    claim.refresh_from_db()
    assert response.redirect_chain == [("/claims/supplement/done/", 302)]
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.supplement_text == "Вот чек целиком"
    attachment = claim.attachments.get()
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", attachment.file.name)
    assert StatusEvent.objects.filter(claim=claim, transition="supplement").exists()


def test_a_supplement_file_is_kept_beside_the_receipt_and_support_is_told(client):
    claim = submitted_claim(client)
    original_receipt = claim.receipt.name
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)

    client.post(supplement_path(claim), {"text": "Ещё фото", "receipt": receipt()})

    claim.refresh_from_db()
    assert claim.receipt.name == original_receipt
    assert claim.attachments.count() == 1
    staff_email = Notification.objects.get(template="staff_claim_supplemented")
    assert staff_email.recipient == "dreamesupport@dreame.tech"
    assert staff_email.context["supplement_text"] == "Ещё фото"


def test_staff_open_a_supplement_file_and_others_cannot(client, admin_client):
    claim = submitted_claim(client)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    client.post(supplement_path(claim), {"text": "Ещё фото", "receipt": receipt()})
    attachment = ClaimAttachment.objects.get()
    path = f"/claims/attachments/{attachment.pk}/"

    admin_html = admin_client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    response = admin_client.get(path)

    assert f'href="{path}"' in admin_html
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert Client().get(path)["Location"].startswith("/admin/login/")
    unprivileged = Client()
    unprivileged.force_login(staff_user(perm=False))
    assert unprivileged.get(path).status_code == 403


def test_an_empty_supplement_is_refused_with_a_message(client):
    claim = claim_needing_info()

    response = english(client).post(supplement_path(claim), {"text": ""})

    assert "the form is empty" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO


def test_an_expired_supplement_link_gets_a_friendly_page(client, monkeypatch):
    claim = claim_needing_info()
    path = supplement_path(claim)
    later = time.time() + 15 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = english(client).get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_tampered_supplement_link_gets_a_friendly_page(client):
    claim = claim_needing_info()
    other = claim_needing_info()
    tampered = signing.supplement_token(claim).replace(claim.number, other.number)

    response = english(client).post(f"/claims/supplement/{tampered}/", {"text": "hi"})

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    other.refresh_from_db()
    assert other.status == ClaimStatus.NEEDS_INFO


def test_a_supplement_link_for_a_claim_no_longer_waiting_says_so(client):
    claim = ClaimFactory()  # submitted

    response = english(client).post(supplement_path(claim), {"text": "hi"})

    assert response.status_code == 409
    assert "No information is needed now" in response.content.decode()
    claim.refresh_from_db()
    assert claim.supplement_text == ""


# --- Warranty page -----------------------------------------------------------------


def test_the_warranty_page_renders_the_policy_numbers_and_six_steps(client):
    WarrantyPolicy.objects.filter(country="KZ").update(return_days=14)

    html = english(client).get("/warranty/").content.decode()

    assert "Within 14 days of purchase: unconditional return and refund." in html
    assert "Within 12 months: free repair" in html
    assert html.count("<li><h3>") == 6


# --- Staff receipt download ------------------------------------------------------------


def staff_user(*, perm=True, is_staff=True) -> User:
    user = User.objects.create_user("agent", password="pw", is_staff=is_staff)
    if perm:
        user.user_permissions.add(Permission.objects.get(codename="view_claim"))
    return user


def submitted_claim(client) -> Claim:
    client.post(NEW, form_data())
    return Claim.objects.get()


def test_staff_download_the_receipt_through_the_permission_checked_view(client):
    claim = submitted_claim(client)
    staff = Client()
    staff.force_login(staff_user())

    response = staff.get(f"/claims/{claim.pk}/receipt/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_the_receipt_is_not_for_anonymous_or_unprivileged_users(client):
    claim = submitted_claim(client)
    path = f"/claims/{claim.pk}/receipt/"

    assert Client().get(path)["Location"].startswith("/admin/login/")
    for user in [staff_user(perm=False)]:
        other = Client()
        other.force_login(user)
        assert other.get(path).status_code == 403
    customer = User.objects.create_user("customer", password="pw")
    customer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    other = Client()
    other.force_login(customer)
    assert other.get(path).status_code == 403


def test_the_admin_links_to_the_receipt_view(client, admin_client):
    claim = submitted_claim(client)

    html = admin_client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()

    assert f'href="/claims/{claim.pk}/receipt/"' in html


# --- Receipts in a private S3 bucket (moto's S3 server on loopback) ----------------------


def http_get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_receipts_in_s3_are_private_and_staff_get_a_short_lived_signed_url(client, s3_endpoint):
    claim = submitted_claim(client)
    key = claim.receipt.name

    assert re.fullmatch(r"receipts/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", key)
    # Anyone who learns the key still cannot read the object without a signature.
    assert http_get(f"{s3_endpoint}/{BUCKET}/{key}")[0] == 403

    staff = Client()
    staff.force_login(staff_user())
    response = staff.get(f"/claims/{claim.pk}/receipt/")

    assert response.status_code == 302
    signed_url = response["Location"]
    assert signed_url.startswith(f"{s3_endpoint}/{BUCKET}/{key}?")
    assert "X-Amz-Expires=300" in signed_url or "Expires=" in signed_url
    with urllib.request.urlopen(signed_url, timeout=5) as answer:  # noqa: S310 (loopback)
        assert answer.read()[:3] == b"\xff\xd8\xff"
        # Shown in place under the same name the private folder would give it.
        disposition = f'inline; filename="{claim.pk}-receipt.jpg"'
        assert answer.headers["Content-Disposition"] == disposition


def test_the_s3_receipt_link_is_refused_to_others(client, s3_endpoint):
    claim = submitted_claim(client)
    path = f"/claims/{claim.pk}/receipt/"

    assert Client().get(path)["Location"].startswith("/admin/login/")
    no_permission = Client()
    no_permission.force_login(staff_user(perm=False))
    assert no_permission.get(path).status_code == 403
