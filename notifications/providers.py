"""The two phone providers over HTTP: WhatsApp Cloud API and the SMSC.kz gateway.

Thin clients of our own over httpx (docs/decisions.md says why not pywa). Each call either
returns the provider's message id or raises `ProviderError` saying what the outbox should
do: try again later (`TRANSIENT`: the request never arrived, a 5xx, a rate limit), give up
and fall back (`PERMANENT`), or never repeat (`AMBIGUOUS`: the request left us and its
answer did not come back, so the provider may have sent the message).
"""

import enum
import functools
import json

import httpx
from django.conf import settings


class Outcome(enum.Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    AMBIGUOUS = "ambiguous"


class ProviderError(Exception):
    def __init__(self, outcome: Outcome, text: str, *, code: str = ""):
        super().__init__(text)
        self.outcome = outcome
        self.code = code


# Cloud API error codes (developers.facebook.com, WhatsApp Cloud API error codes).
WHATSAPP_RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131056})
# Undeliverable, outside the 24-hour window, template missing: waiting cures none of them.
WHATSAPP_PERMANENT_CODES = frozenset({131026, 131047, 132001})
# SMSC.kz send.php error codes: 3 no money (support tops up), 4 IP blocked for a while,
# 9 too many concurrent requests; the others (parameters, login, format, forbidden,
# undeliverable number) are not cured by waiting.
SMSC_TRANSIENT_CODES = frozenset({3, 4, 9})


@functools.cache
def _client(connect: float, read: float) -> httpx.Client:
    # One pooled client per worker process (made lazily, so after the prefork).
    return httpx.Client(
        timeout=httpx.Timeout(read, connect=connect),
        headers={"User-Agent": "dreame-service-outbox"},
    )


def client() -> httpx.Client:
    return _client(settings.PHONE_CONNECT_TIMEOUT_SECONDS, settings.PHONE_READ_TIMEOUT_SECONDS)


def _post(url: str, **kwargs) -> httpx.Response:
    try:
        return client().post(url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        # Nothing left us: safe to try again.
        raise ProviderError(Outcome.TRANSIENT, f"{type(error).__name__}: {error}") from error
    except httpx.TransportError as error:
        # Read/write timeouts, a dropped connection: the request may have been handled.
        raise ProviderError(Outcome.AMBIGUOUS, f"{type(error).__name__}: {error}") from error


def whatsapp_enabled() -> bool:
    return bool(settings.WHATSAPP_PHONE_NUMBER_ID)


def sms_enabled() -> bool:
    return bool(settings.SMS_LOGIN)


def send_whatsapp(*, to: str, template: dict, tracker: str) -> str:
    """Send a template message; the wamid on success. `tracker` comes back in the
    statuses as `biz_opaque_callback_data` (max 512 characters)."""
    url = f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    response = _post(
        url,
        headers={"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"},
        json={
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "template",
            "template": template,
            "biz_opaque_callback_data": tracker[:512],
        },
    )
    body = _json(response)
    if response.is_success:
        try:
            return str(body["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            # Meta took it (2xx) but we cannot tell which message: never repeat it.
            raise ProviderError(Outcome.AMBIGUOUS, f"No message id in {body!r:.300}") from error
    detail = body.get("error") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, dict) else {}
    code = detail.get("code")
    text = f"HTTP {response.status_code} {code}: {detail.get('message', response.text[:300])}"
    if response.status_code >= 500 or response.status_code == 429:
        raise ProviderError(Outcome.TRANSIENT, text, code=str(code or ""))
    if code in WHATSAPP_RATE_LIMIT_CODES:
        raise ProviderError(Outcome.TRANSIENT, text, code=str(code))
    raise ProviderError(Outcome.PERMANENT, text, code=str(code or ""))


def send_sms(*, to: str, text: str, message_id: int) -> str:
    """Send one SMS through SMSC.kz's send.php; our `message_id` is passed as its `id`, so
    a delivery report names our row even when the answer to this request was lost."""
    response = _post(
        f"{settings.SMS_API_URL.rstrip('/')}/sys/send.php",
        data={
            "login": settings.SMS_LOGIN,
            "psw": settings.SMS_PASSWORD,
            "phones": to,
            "mes": text,
            "sender": settings.SMS_SENDER,
            "charset": "utf-8",
            "fmt": "3",
            "id": str(message_id),
        },
    )
    if response.status_code >= 500:
        raise ProviderError(Outcome.TRANSIENT, f"HTTP {response.status_code}")
    body = _json(response)
    if not isinstance(body, dict):
        raise ProviderError(Outcome.AMBIGUOUS, f"HTTP {response.status_code}: {response.text:.300}")
    if "error_code" in body or "error" in body:
        code = int(body.get("error_code") or 0)
        text = f"SMSC error {code}: {body.get('error', '')}"
        outcome = Outcome.TRANSIENT if code in SMSC_TRANSIENT_CODES else Outcome.PERMANENT
        raise ProviderError(outcome, text, code=str(code))
    if not response.is_success:
        raise ProviderError(Outcome.PERMANENT, f"HTTP {response.status_code}: {body!r:.300}")
    return str(body.get("id", message_id))


def _json(response: httpx.Response):
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
