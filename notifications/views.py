"""The providers' webhooks: Meta's WhatsApp Cloud API and the SMS gateway call these.

They check who is calling, keep the POST and answer at once; the work happens after the
answer (`phone.process_webhook`, in a task). CSRF-exempt: the callers are servers that
authenticate by signature (Meta) or by the secret token in the URL (the gateway).
"""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import phone
from notifications.models import WebhookDelivery

logger = logging.getLogger(__name__)


def valid_meta_signature(body: bytes, header: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, the app secret>`."""
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.removeprefix("sha256=").strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_hook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Meta's verification handshake when the callback URL is registered.
        token = settings.WHATSAPP_VERIFY_TOKEN
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(
                request.GET.get("hub.verify_token", "").encode(), token.encode()
            )
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    body = request.body
    if not valid_meta_signature(body, request.headers.get("X-Hub-Signature-256", "")):
        logger.warning("WhatsApp webhook with a missing or wrong signature refused")
        return HttpResponseForbidden()
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        # Signed but not JSON: nothing to do, and Meta must not retry it for days.
        logger.warning("Signed WhatsApp webhook that is not JSON, ignored")
        return HttpResponse("ok", content_type="text/plain")
    if isinstance(payload, dict):
        phone.receive_webhook(provider=WebhookDelivery.Provider.WHATSAPP, payload=payload)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_hook(request: HttpRequest) -> HttpResponse:
    """SMSC.kz's delivery reports (its "status handler" URL, set in the account with
    `?token=<SMS_HOOK_TOKEN>`); form fields id, phone, status, err, ts."""
    token = settings.SMS_HOOK_TOKEN
    if not token or not hmac.compare_digest(request.GET.get("token", "").encode(), token.encode()):
        return HttpResponseForbidden()
    data = request.POST if request.method == "POST" else request.GET
    payload = {key: data.get(key, "") for key in ("id", "phone", "status", "err", "ts", "time")}
    if payload["id"]:
        phone.receive_webhook(provider=WebhookDelivery.Provider.SMS, payload=payload)
    return HttpResponse("ok", content_type="text/plain")
