from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from notifications import phone, services
from notifications.models import Notification, PhoneMessage, PhoneStatusEvent

# What each e-mail is, for support reading the outbox; the code (the templates' name in
# templates/emails/) stays the row's key. A test fails for an e-mail template without one.
TEMPLATE_LABELS = {
    "claim_received": pgettext_lazy("e-mail", "Claim received"),
    "claim_approved": pgettext_lazy("e-mail", "Claim approved: where to send"),
    "claim_info_requested": pgettext_lazy("e-mail", "Information requested"),
    "claim_info_reminder": pgettext_lazy("e-mail", "Reminder: information requested"),
    "claim_rejected": pgettext_lazy("e-mail", "Claim rejected"),
    "claim_withdrawn": pgettext_lazy("e-mail", "Claim withdrawn"),
    "my_link": pgettext_lazy("e-mail", "Link to «My repair»"),
    "support_answer": pgettext_lazy("e-mail", "Support's answer by e-mail"),
    "staff_new_claim": pgettext_lazy("e-mail", "To support: new claim"),
    "staff_claim_supplemented": pgettext_lazy("e-mail", "To support: information received"),
    "center_new_order": pgettext_lazy("e-mail", "To the center: new order"),
    "center_quote_decided": pgettext_lazy("e-mail", "To the center: quote decided"),
    "order_reassigned": pgettext_lazy("e-mail", "Order moved to another center"),
    "shipment_reminder": pgettext_lazy("e-mail", "Reminder: send the product"),
    "product_received": pgettext_lazy("e-mail", "Product received"),
    "quote_sent": pgettext_lazy("e-mail", "Repair quote"),
    "quote_reminder": pgettext_lazy("e-mail", "Reminder: quote awaiting decision"),
    "repair_finished": pgettext_lazy("e-mail", "Repair finished"),
    "shipped_back": pgettext_lazy("e-mail", "Product shipped back"),
    "delivered": pgettext_lazy("e-mail", "Product delivered"),
    "order_cancelled": pgettext_lazy("e-mail", "Order cancelled"),
    "order_refunded": pgettext_lazy("e-mail", "Refund"),
}


def template_label(code: str):
    return TEMPLATE_LABELS.get(code, code)


class TemplateFilter(admin.SimpleListFilter):
    # The fixed list of e-mails, by label: no SELECT DISTINCT over the outbox, no raw codes.
    title = pgettext_lazy("admin", "E-mail")
    parameter_name = "template__exact"  # the field filter's name: links stay valid

    def lookups(self, request, model_admin):
        return sorted(TEMPLATE_LABELS.items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(template=value) if value else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "email",
        "recipient",
        "language",
        "status",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", TemplateFilter, "language"]
    search_fields = ["recipient", "event_key"]
    # The e-mail by its name, in the template code's place.
    readonly_fields = [
        "email" if field.name == "template" else field.name for field in Notification._meta.fields
    ]
    actions = ["retry_failed"]
    list_per_page = 50

    def changelist_view(self, request, extra_context=None):
        # Eight columns fit 1280 px beside the filters only without the navigation sidebar
        # (the breadcrumbs still lead home), as on the claim and order lists.
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("admin", "E-mail"), ordering="template")
    def email(self, obj):
        return template_label(obj.template)

    @admin.display(description=pgettext_lazy("admin column", "Error"))
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


class PhoneStatusEventInline(admin.TabularInline):
    model = PhoneStatusEvent
    fields = ("status", "occurred_at", "received_at", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PhoneMessage)
class PhoneMessageAdmin(admin.ModelAdmin):
    """Every WhatsApp message and SMS: support sees each attempt, its status and error."""

    list_display = [
        "created_at",
        "channel",
        "message",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "language"]
    search_fields = ["recipient", "event_key", "provider_message_id"]
    readonly_fields = [f.name for f in PhoneMessage._meta.fields]
    inlines = [PhoneStatusEventInline]
    actions = ["retry_failed"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("admin", "Message"), ordering="template")
    def message(self, obj):
        return template_label(obj.template)

    @admin.display(description=pgettext_lazy("admin column", "Error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(permissions=["change"], description=_("Send the failed messages again"))
    def retry_failed(self, request, queryset):
        retried = sum(
            phone.retry_phone_message(message=message)
            for message in queryset.filter(status=PhoneMessage.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued to be sent again.",
                "%(count)d messages queued to be sent again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
