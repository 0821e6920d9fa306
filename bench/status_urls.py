"""The site's URLs plus the benchmark's yardstick: a bare view with one primary-key query and
a tiny template, behind the same middleware. Loaded only through bench/status_settings.py."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from dreame_service.urls import urlpatterns as site_urlpatterns
from repairs.models import ServiceCenter

TINY = engines["django"].from_string(
    "<!doctype html><title>{{ center.city }}</title>{{ center.name }}"
)


def bare(request, pk):
    center = ServiceCenter.objects.only("name", "city").get(pk=pk)
    return HttpResponse(TINY.render({"center": center}, request))


urlpatterns = [path("bench/bare/<int:pk>/", bare), *site_urlpatterns]
