from django.contrib import admin
from django.urls import include, path

from dreame_service import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Support's monthly warranty statements (DESIGN §9), pages of the admin beside its models.
    path("admin/statements/", include("repairs.admin.statements")),
    path("admin/", admin.site.urls),
    path("", include("claims.urls")),
    path("", include("repairs.public.urls")),
    path("service/", include("repairs.workbench.urls")),
    path("my/", include("repairs.public.my_repair.urls")),
    # The WhatsApp and SMS providers' webhooks (DESIGN §7).
    path("", include("notifications.urls")),
]

# 400, 403 and 404 are Django's handlers with our templates (templates/4xx.html); 500 is ours.
handler500 = "dreame_service.views.server_error"
