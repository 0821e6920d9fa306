from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("hooks/whatsapp/", views.whatsapp_hook, name="whatsapp_hook"),
    path("hooks/sms/", views.sms_hook, name="sms_hook"),
]
