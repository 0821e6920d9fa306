from django.urls import path

from repairs.public import status as views

app_name = "repairs"

urlpatterns = [
    path("partners/", views.partners, name="partners"),
    path("partners/repair-status/", views.repair_status, name="repair_status"),
    path("api/v1/repair-status/", views.repair_status_api, name="repair_status_api"),
]
