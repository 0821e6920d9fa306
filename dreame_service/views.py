import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from dreame_service.celery import app as celery_app

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    return render(request, "home.html")


# The language switch in every page's header. A forged cross-site POST can only change
# the visitor's language cookie (the view redirects only to our own hosts), so it needs no
# CSRF token; asking for one made every public page render a token and set a CSRF cookie
# (Set-Cookie and Vary: Cookie on pages that are otherwise the same for everyone).
set_language = csrf_exempt(django_set_language)


@never_cache
@require_safe
def healthz(request):
    """Database, broker and file storage health for the load balancer; no data."""
    checks = {"database": _database_ok(), "broker": _broker_ok(), "storage": _storage_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse(
        {name: "ok" if ok else "down" for name, ok in checks.items()}, status=status
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    if celery_app.conf.task_always_eager:
        return True
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _storage_ok() -> bool:
    """The private files' store answers: the bucket (one HEAD request) or the folder."""
    storage = default_storage
    try:
        if isinstance(storage, FileSystemStorage):
            # Made on the first upload anyway; a folder that cannot be made or written is down.
            location = Path(storage.location)
            location.mkdir(parents=True, exist_ok=True)
            return os.access(location, os.R_OK | os.W_OK | os.X_OK)
        if hasattr(storage, "bucket_name"):  # S3: the bucket is there and ours to read
            # django-storages' S3Storage, duck-typed: its boto3 resource is not on `Storage`.
            client = storage.connection.meta.client  # type: ignore[attr-defined]
            client.head_bucket(Bucket=storage.bucket_name)
        else:
            storage.exists("healthz-probe")  # a missing object is fine; no answer is not
        return True
    except Exception:
        logger.exception("Health check: file storage unreachable")
        return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: our page in the reader's language (LocaleMiddleware has run), rendered
    without the request's context processors, since one of them may be what failed."""
    page = loader.get_template("500.html").render({"SUPPORT_EMAIL": settings.SUPPORT_EMAIL})
    return HttpResponseServerError(page)
