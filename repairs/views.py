from django.shortcuts import render
from django.views.decorators.http import require_GET

from repairs.models import ServiceCenter


@require_GET
def partners(request):
    centers = ServiceCenter.objects.filter(is_active=True)
    return render(request, "repairs/partners.html", {"service_centers": centers})


@require_GET
def repair_status(request):
    return render(request, "repairs/repair_status.html")
