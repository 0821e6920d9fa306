from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from claims import services
from claims.models import Claim, ClaimAttachment, ProductModel, StatusEvent, WarrantyPolicy


class ClaimActionForm(admin.helpers.ActionForm):
    """The admin action bar, with what the triage actions need."""

    message = forms.CharField(label=_("Reason or request"), max_length=2000, required=False)


class ClaimAttachmentInline(admin.TabularInline):
    model = ClaimAttachment
    extra = 0
    fields = ["uploaded_at", "file_link"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # customers add files through the supplement link

    @admin.display(description=_("File"))
    def file_link(self, attachment):
        # Through the permission-checked view: the file itself has no public URL.
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("claims:attachment", args=[attachment.pk]),
            _("Open the file"),
        )


class StatusEventInline(admin.TabularInline):
    """The case's history, claim and repair order alike; written only by the services."""

    model = StatusEvent
    extra = 0
    fields = [
        "created_at",
        "subject",
        "transition",
        "from_status",
        "to_status",
        "by",
        "public_note",
        "internal_note",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Claims as support triages them; `repairs.admin` adds the approval (it opens an order)."""

    inlines = [ClaimAttachmentInline, StatusEventInline]
    action_form = ClaimActionForm
    list_display = [
        "number",
        "submitted_at",
        "full_name",
        "product_model",
        "status",
        "verdict",
        "response_due",
    ]
    list_filter = ["status", "verdict", "region"]
    search_fields = ["number", "full_name", "email", "phone", "serial_number"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    # What a transition writes is read-only: only its service may change it, with a
    # StatusEvent and the customer's e-mail. Contacts and product data stay correctable.
    readonly_fields = [
        "number",
        "status",
        "verdict",
        "submitted_at",
        "response_due_date",
        "updated_at",
        "receipt_link",
        "info_request",
        "supplement_text",
        "rejection_reason",
    ]
    exclude = ["receipt"]
    actions = ["request_info", "reject"]

    @admin.display(description=_("Answer due by"), ordering="response_due_date")
    def response_due(self, claim):
        due = claim.response_due_date.strftime("%d.%m.%Y")
        if claim.is_overdue:
            return format_html('<strong style="color:#b3261e">{} ({})</strong>', due, _("overdue"))
        return due

    @admin.display(description=_("Receipt"))
    def receipt_link(self, claim):
        # Through the permission-checked view: the file itself has no public URL.
        if not claim.receipt:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("claims:receipt", args=[claim.pk]),
            _("Open the receipt"),
        )

    def run_for_each(self, request, queryset, action, success_message):
        done = 0
        for claim in queryset.order_by("pk"):
            try:
                action(claim)
                done += 1
            except (TransitionNotAllowed, PermissionDenied, ValidationError):
                self.message_user(
                    request,
                    _("Claim %(number)s: not possible in its current state.")
                    % {"number": claim.number},
                    messages.WARNING,
                )
        if done:
            self.message_user(request, success_message % {"count": done}, messages.SUCCESS)

    @admin.action(
        description=_("Request more information from the customer"), permissions=["triage"]
    )
    def request_info(self, request, queryset):
        message = (request.POST.get("message") or "").strip()
        if not message:
            self.message_user(request, _("Write what information is needed."), messages.ERROR)
            return
        self.run_for_each(
            request,
            queryset,
            lambda claim: services.request_claim_info(
                claim=claim, message=message, by=request.user
            ),
            _("Information requested: %(count)d."),
        )

    @admin.action(description=_("Reject with the given reason"), permissions=["triage"])
    def reject(self, request, queryset):
        reason = (request.POST.get("message") or "").strip()
        if not reason:
            self.message_user(request, _("Write the reason for the rejection."), messages.ERROR)
            return
        self.run_for_each(
            request,
            queryset,
            lambda claim: services.reject_claim(claim=claim, reason=reason, by=request.user),
            _("Rejected: %(count)d."),
        )

    def has_triage_permission(self, request):
        return request.user.has_perm("claims.triage_claim")

    def has_add_permission(self, request):
        return False  # claims come from customers through the form


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    list_display = ["country", "return_days", "replace_days", "repair_months", "response_days"]


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["name"]
