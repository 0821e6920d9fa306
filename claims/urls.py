from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("warranty/", views.warranty_page, name="warranty"),
    path("claims/new/", views.claim_new, name="new"),
    path("claims/received/", views.claim_received, name="received"),
    path("claims/submitted/<str:token>/", views.claim_confirmation, name="confirmation"),
    path("claims/supplement/done/", views.supplement_done, name="supplement_done"),
    path("claims/supplement/<str:token>/", views.claim_supplement, name="supplement"),
    path("claims/<int:pk>/receipt/", views.claim_receipt, name="receipt"),
    path("claims/attachments/<int:pk>/", views.claim_attachment, name="attachment"),
]
