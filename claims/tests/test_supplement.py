"""The customer's answer to support's request for information: a text, several files and
the receipt again, each file checked and kept as an attachment of its kind, shown to
support on the claim page and in their e-mail; bad input refused whole, with the words
the customer reads."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory

from claims import links, signing
from claims.models import AttachmentKind, Claim, ClaimAttachment, ClaimStatus, StatusEvent
from claims.tests.claim_form import jpeg_bytes
from claims.tests.factories import ClaimFactory
from dreame_service.kit.middleware import BodyGuardMiddleware
from notifications.models import Notification
from notifications.services import render_email
from repairs.tests.factories import SupportUserFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
REQUEST = "Пришлите фото серийного номера и чек целиком"
FORM_TOKEN = "b" * 32


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # rate limits and form tokens of other tests


def claim_needing_info() -> Claim:
    claim = ClaimFactory(info_request=REQUEST)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    claim.refresh_from_db()
    return claim


def path_of(claim) -> str:
    return f"/claims/supplement/{signing.supplement_token(claim)}/"


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), "image/jpeg")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")


def disguised(name: str) -> SimpleUploadedFile:
    """An executable named and typed as a photo."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\0" * 200, "image/jpeg")


def answer(client, claim, *, language="ru", **data):
    return client.post(path_of(claim), data, HTTP_ACCEPT_LANGUAGE=language)


def error_text(response) -> str:
    return visible_text(response.content.decode())


# --- What the customer reads ---------------------------------------------------------------

LABELS = {
    "ru": (
        "Наша поддержка просит:",
        "Файлы (фото, документы)",
        "До 5 файлов за раз",
        "Чек ещё раз (только если поддержка его просила)",
    ),
    "kk": (
        "Қолдау қызметіміз сұрайды:",
        "Файлдар (фото, құжаттар)",
        "Бір жолы 5 файлға дейін",
        "Чек қайтадан (тек қолдау қызметі сұраса)",
    ),
    "en": (
        "Our support asked:",
        "Files (photos, documents)",
        "Up to 5 files at once",
        "Receipt again (only if support asked for it)",
    ),
}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_page_shows_the_request_and_labels_each_field_for_what_it_is(client, language):
    claim = claim_needing_info()

    response = client.get(path_of(claim), HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    text = visible_text(html)
    for label in LABELS[language]:
        assert label in text
    assert REQUEST in text
    assert re.search(r'<input type="file" name="attached_files"[^>]* multiple[ >]', html)
    assert '<label for="id_attached_files">' in html
    # The old single field under the wrong name is gone.
    assert not re.search(r'<label for="id_receipt">(Чек|Receipt)<', html)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Можно отправить не более 5 файлов за раз, а выбрано 6."),
        ("kk", "Бір жолы ең көбі 5 файл жіберуге болады, ал 6 файл таңдалды."),
        ("en", "You can send at most 5 files at once, and you chose 6."),
    ],
)
def test_too_many_files_are_refused_with_the_text_kept(client, language, message):
    claim = claim_needing_info()

    response = answer(
        client,
        claim,
        language=language,
        text="Серийный номер на фото",
        attached_files=[photo(f"IMG_{n}.jpg") for n in range(6)],
    )

    assert response.status_code == 200
    assert message in error_text(response)
    assert "Серийный номер на фото</textarea>" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    assert ClaimAttachment.objects.count() == 0


# --- Kept as attachments of their kind, shown to support ------------------------------------


def test_three_files_become_three_attachments_and_support_sees_them(
    client, private_media, settings
):
    claim = claim_needing_info()

    response = answer(
        client,
        claim,
        text="Фото серийного номера и инструкция",
        attached_files=[photo("IMG_1.jpg"), photo("IMG_2.HEIC.jpg"), pdf("инструкция.pdf")],
        form_token=FORM_TOKEN,
    )

    assert response.status_code == 302
    assert response["Location"] == "/claims/supplement/done/"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    attachments = list(claim.attachments.all())
    assert [a.kind for a in attachments] == [AttachmentKind.FILE] * 3
    names = [a.file.name for a in attachments]
    assert all(re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|pdf)", n) for n in names)
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["jpg", "jpg", "pdf"]

    support = Client()
    support.force_login(SupportUserFactory())
    page = support.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    for attachment in attachments:
        url = f"/claims/attachments/{attachment.pk}/"
        assert f'href="{url}"' in page
        assert support.get(url).status_code == 200
    assert visible_text(page).count("Добавлен клиентом") == 3

    staff_email = Notification.objects.get(template="staff_claim_supplemented")
    subject, text, html = render_email(
        template=staff_email.template, language=staff_email.language, context=staff_email.context
    )
    assert "Клиент прислал 3 файла:" in text
    assert text.count("Фото или документ (JPG)") == 2
    assert "Фото или документ (PDF)" in text
    for attachment in attachments:
        url = f"{settings.SITE_URL}/claims/attachments/{attachment.pk}/"
        assert url in text
        assert f'href="{url}"' in html
    assert "Фото серийного номера и инструкция" in text


def test_a_receipt_sent_again_is_kept_as_a_receipt_beside_the_first(client, private_media):
    claim = claim_needing_info()
    first_receipt = claim.receipt.name

    answer(client, claim, receipt=pdf("check.pdf"), attached_files=[photo("serial.jpg")])

    claim.refresh_from_db()
    assert claim.receipt.name == first_receipt
    kinds = sorted(claim.attachments.values_list("kind", flat=True))
    assert kinds == [AttachmentKind.FILE, AttachmentKind.RECEIPT]
    support = Client()
    support.force_login(SupportUserFactory())
    page = visible_text(support.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode())
    assert "Чек, присланный повторно" in page
    staff_email = Notification.objects.get(template="staff_claim_supplemented")
    _, text, _ = render_email(
        template=staff_email.template, language="ru", context=staff_email.context
    )
    assert "Чек, присланный повторно (PDF)" in text
    assert "Клиент прислал 2 файла:" in text


# --- Bad files: the whole answer is refused, nothing is saved --------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "«scan.jpg»: Такой тип файла не принимается."),
        ("kk", "«scan.jpg»: Бұл файл түрі қабылданбайды."),
        ("en", "“scan.jpg”: This file type is not accepted."),
    ],
)
def test_a_disguised_file_among_good_ones_refuses_the_answer_and_names_it(
    client, language, message
):
    claim = claim_needing_info()

    response = answer(
        client,
        claim,
        language=language,
        text="Вот фото",
        attached_files=[photo("IMG_1.jpg"), disguised("scan.jpg"), photo("IMG_3.jpg")],
    )

    text = error_text(response)
    assert message in text
    assert "IMG_1.jpg" not in text  # only the bad one is named
    assert "Вот фото</textarea>" in response.content.decode()
    assert 'class="file-again"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    assert ClaimAttachment.objects.count() == 0
    assert not StatusEvent.objects.filter(transition="supplement").exists()
    assert not Notification.objects.filter(template="staff_claim_supplemented").exists()


def test_a_file_over_the_size_limit_among_them_is_refused(client, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    claim = claim_needing_info()
    big = SimpleUploadedFile("IMG_big.jpg", jpeg_bytes() + b"\0" * MB, "image/jpeg")

    response = answer(client, claim, language="en", attached_files=[photo("IMG_1.jpg"), big])

    assert "“IMG_big.jpg”: The file is too large: at most 1 MB." in error_text(response)
    assert ClaimAttachment.objects.count() == 0


def test_an_answer_with_a_text_and_no_file_is_kept(client):
    claim = claim_needing_info()

    answer(client, claim, text="Серийный номер: R2353A0012345")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.supplement_text == "Серийный номер: R2353A0012345"
    assert ClaimAttachment.objects.count() == 0
    staff_email = Notification.objects.get(template="staff_claim_supplemented")
    _, text, _ = render_email(
        template=staff_email.template, language="en", context=staff_email.context
    )
    assert "The customer sent no files." in text


# --- Sent twice ----------------------------------------------------------------------------


def test_the_same_page_sent_twice_keeps_one_answer_and_says_thank_you_twice(client):
    claim = claim_needing_info()
    data = {"text": "Вот фото", "form_token": FORM_TOKEN}

    first = answer(client, claim, attached_files=[photo("IMG_1.jpg")], **data)
    second = answer(client, claim, attached_files=[photo("IMG_1.jpg")], **data)

    assert first["Location"] == second["Location"] == "/claims/supplement/done/"
    assert ClaimAttachment.objects.count() == 1
    assert StatusEvent.objects.filter(transition="supplement").count() == 1
    assert Notification.objects.filter(template="staff_claim_supplemented").count() == 1


def test_a_refused_page_can_be_sent_again_with_the_same_token(client):
    claim = claim_needing_info()

    refused = answer(client, claim, attached_files=[disguised("x.jpg")], form_token=FORM_TOKEN)
    accepted = answer(client, claim, attached_files=[photo("IMG_1.jpg")], form_token=FORM_TOKEN)

    assert refused.status_code == 200
    assert accepted["Location"] == "/claims/supplement/done/"
    assert ClaimAttachment.objects.count() == 1


def test_another_page_after_the_answer_is_told_no_information_is_needed(client):
    claim = claim_needing_info()
    answer(client, claim, text="Первый ответ", form_token=FORM_TOKEN)

    later = answer(client, claim, language="en", text="Второй ответ", form_token="c" * 32)

    assert later.status_code == 409
    assert "No information is needed now" in error_text(later)


# --- The body limit lets five phone photos through -----------------------------------------


def _guarded(path: str, length: int) -> HttpResponse:
    request = RequestFactory().post(path, data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(length)
    return BodyGuardMiddleware(lambda r: HttpResponse("passed"))(request)


def test_five_phone_photos_of_6_mb_pass_the_body_guard_on_the_answer_pages():
    claim = claim_needing_info()
    five_photos = 5 * 6 * MB + 64 * 1024

    assert _guarded(path_of(claim), five_photos).status_code == 200
    assert _guarded("/my/any-token/supplement/", five_photos).status_code == 200
    # Elsewhere the ordinary limit stands, for anonymous clients above all.
    assert _guarded("/claims/new/", five_photos).status_code == 413


def test_more_than_the_answer_pages_limit_is_refused_and_says_the_limit(client):
    claim = claim_needing_info()

    response = _guarded(path_of(claim), 40 * MB)

    assert response.status_code == 413
    assert "32 МБ" in visible_text(response.content.decode())


def test_the_browser_is_given_the_pages_limits_and_words(client, settings):
    claim = claim_needing_info()

    html = client.get(path_of(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    field = re.search(r'<input type="file" name="attached_files"[^>]*>', html)[0]
    assert f'data-request-max-bytes="{settings.CUSTOMER_UPLOAD_REQUEST_MAX_BYTES}"' in field
    assert 'data-max-files="5"' in field
    assert 'data-too-many-message="You can send at most 5 files at once."' in field
    assert "Together the files are too large: at most 32 MB" in field


def test_the_answer_on_my_repair_takes_several_files_too(client, private_media):
    claim = claim_needing_info()

    page = client.get(links.my_path(claim)).content.decode()
    response = client.post(
        f"{links.my_path(claim)}supplement/",
        {"text": "Фото", "attached_files": [photo("IMG_1.jpg"), pdf("doc.pdf")]},
    )

    assert re.search(r'<input type="file" name="attached_files"[^>]* multiple[ >]', page)
    assert "Файлы (фото, документы)" in visible_text(page)
    assert response.status_code == 302
    assert sorted(claim.attachments.values_list("kind", flat=True)) == [AttachmentKind.FILE] * 2
