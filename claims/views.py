from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims.services import get_policy


@require_GET
def warranty_page(request):
    return render(request, "claims/warranty.html", {"policy": get_policy()})
