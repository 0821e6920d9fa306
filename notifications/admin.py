from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "template",
        "recipient",
        "language",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "event_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(permissions=["change"], description=_("Send the failed e-mails again"))
    def retry_failed(self, request, queryset):
        retried = sum(
            services.retry_notification(notification=notification)
            for notification in queryset.filter(status=Notification.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
