"""Support's mailbox in the admin: every message read from the support mailbox, the drafts
(«Письма без заявки») first in mind. A draft shows what could be read in it and offers
three ways out: file it to a claim, register a claim from it, or set it aside.

The model is the outbox's (notifications knows no claim); its admin lives here because
filing a message is claims' work (claims.mail_replies).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims import mail_replies
from claims.models import Claim
from notifications.models import InboundEmail

DRAFTS = InboundEmail.State.DRAFT


class AttachToClaimForm(forms.Form):
    claim_number = forms.CharField(
        label=_("Claim number"),
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "CL-…", "autocomplete": "off"}),
    )

    def clean_claim_number(self):
        number = self.cleaned_data["claim_number"].strip().upper()
        claim = Claim.objects.filter(number=number).first()
        if claim is None:
            raise forms.ValidationError(
                _("There is no claim %(number)s."), params={"number": number}
            )
        self.cleaned_data["claim"] = claim
        return number


class SetAsideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not a claim"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("spam, an advert, a question answered…")}),
    )


def new_claim_url(inbound: InboundEmail) -> str:
    """«Зарегистрировать заявку»: the claim add form, prefilled with what the message gives."""
    query = {
        "channel": "email",
        "full_name": inbound.sender_name,
        "email": inbound.sender,
        "phone": inbound.phones[0] if inbound.phones else "",
        "fault_description": (inbound.reply_text or inbound.text)[:5000],
        "from_message": inbound.pk,
    }
    return f"{reverse('admin:claims_claim_add')}?{urlencode(query)}"


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject_text", "sender", "received_at", "state_text", "numbers"]
    list_display_links = ["subject_text"]
    list_filter = ["state"]
    search_fields = ["sender", "subject", "claim_number", "message_id"]
    # The list is read off the state and date indexes: no whole-table counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by = ()
    list_per_page = 50
    change_form_template = "admin/notifications/inboundemail/message.html"

    class Media:
        css = {"all": ["css/admin-lists.css"]}

    def changelist_view(self, request, extra_context=None):
        # Support's desk, like the claim list: the columns get the sidebar's width.
        context = {
            "is_nav_sidebar_enabled": False,
            "title": _("E-mails to support"),
            "subtitle": None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    @admin.display(description=_("subject"))
    def subject_text(self, inbound: InboundEmail) -> str:
        return inbound.subject or str(_("(no subject)"))

    @admin.display(description=_("state"))
    def state_text(self, inbound: InboundEmail) -> str:
        if inbound.state == InboundEmail.State.FILED:
            return str(_("Filed to claim %(number)s") % {"number": inbound.claim_number})
        return inbound.get_state_display()

    @admin.display(description=_("What it names"))
    def numbers(self, inbound: InboundEmail) -> str:
        values = inbound.phones + inbound.claim_numbers + inbound.order_numbers
        return ", ".join(values[:4]) or "—"

    def has_add_permission(self, request):
        return False  # messages come from the mailbox only

    def has_delete_permission(self, request, obj=None):
        return False  # never lost: a message is set aside, not deleted

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/attach/",
                wrap(require_POST(self.attach_view)),
                name="notifications_inboundemail_attach",
            ),
            path(
                "<int:pk>/aside/",
                wrap(require_POST(self.aside_view)),
                name="notifications_inboundemail_aside",
            ),
            path("<int:pk>/raw/", wrap(self.raw_view), name="notifications_inboundemail_raw"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page only shows the message; its changes are the two forms, each POSTed
        # to its own URL (a GET never changes anything).
        inbound = get_object_or_404(InboundEmail, pk=object_id)
        if not self.has_view_or_change_permission(request, inbound):
            raise PermissionDenied
        return self._page(request, inbound)

    def _page(self, request, inbound, *, attach_form=None, aside_form=None, status=200):
        can_change = self.has_change_permission(request, inbound)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": inbound.subject or _("(no subject)"),
            "subtitle": None,
            "inbound": inbound,
            "is_draft": inbound.state == DRAFTS and can_change,
            "attach_form": attach_form or AttachToClaimForm(),
            "aside_form": aside_form or SetAsideForm(),
            "new_claim_url": new_claim_url(inbound),
            "claim": Claim.objects.filter(number=inbound.claim_number).first()
            if inbound.claim_number
            else None,
        }
        return TemplateResponse(request, self.change_form_template, context, status=status)

    def _draft_for_change(self, request, pk):
        inbound = get_object_or_404(InboundEmail, pk=pk)
        if not self.has_change_permission(request, inbound):
            raise PermissionDenied
        return inbound

    def _already_handled(self, request, inbound):
        self.message_user(
            request, _("This message was already filed or set aside."), messages.WARNING
        )
        return HttpResponseRedirect(
            reverse("admin:notifications_inboundemail_change", args=[inbound.pk])
        )

    def attach_view(self, request, pk):
        inbound = self._draft_for_change(request, pk)
        form = AttachToClaimForm(request.POST)
        if not form.is_valid():
            return self._page(request, inbound, attach_form=form, status=400)
        claim = form.cleaned_data["claim"]
        try:
            mail_replies.attach_draft_message(claim=claim, message_pk=inbound.pk, by=request.user)
        except mail_replies.NotADraft:
            return self._already_handled(request, inbound)
        self.message_user(
            request, _("The message is filed to claim %(number)s.") % {"number": claim.number}
        )
        return HttpResponseRedirect(
            reverse("admin:claims_claim_change", args=[claim.pk]) + "#history"
        )

    def aside_view(self, request, pk):
        inbound = self._draft_for_change(request, pk)
        form = SetAsideForm(request.POST)
        if not form.is_valid():
            return self._page(request, inbound, aside_form=form, status=400)
        try:
            mail_replies.set_message_aside(
                message_pk=inbound.pk, reason=form.cleaned_data["reason"], by=request.user
            )
        except mail_replies.NotADraft:
            return self._already_handled(request, inbound)
        self.message_user(request, _("The message is set aside: not a claim."))
        changelist = reverse("admin:notifications_inboundemail_changelist")
        return HttpResponseRedirect(f"{changelist}?state__exact={DRAFTS}")

    def raw_view(self, request, pk):
        """The original .eml, downloaded (never shown in the browser: it may be hostile)."""
        inbound = get_object_or_404(InboundEmail, pk=pk)
        if not self.has_view_or_change_permission(request, inbound) or not inbound.raw:
            raise Http404
        response = FileResponse(
            inbound.raw.open("rb"),
            as_attachment=True,
            filename=f"message-{inbound.pk}.eml",
            content_type="application/octet-stream",
        )
        response["Content-Security-Policy"] = "sandbox"
        return response
