"""The claim admin with the approval, which opens the repair order: a hand-off that belongs
to repairs, since claims knows nothing of centers or orders."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from claims.admin import ClaimActionForm, ClaimAdmin
from claims.models import Claim
from repairs import services
from repairs.admin.claim_list import ClaimListMixin
from repairs.admin.common import active_centers


class TriageActionForm(ClaimActionForm):
    service_center = forms.ModelChoiceField(
        label=_("Service center"), queryset=active_centers(), required=False
    )


class TriageClaimAdmin(ClaimListMixin, ClaimAdmin):
    """The claim admin with the approval, which opens the repair order: a hand-off that
    belongs to repairs, since claims knows nothing of centers or orders."""

    action_form = TriageActionForm
    actions = ["approve", *ClaimAdmin.actions]

    @admin.action(
        description=_("Approve and assign the chosen service center"), permissions=["triage"]
    )
    def approve(self, request, queryset):
        center = active_centers().filter(pk=request.POST.get("service_center") or None).first()
        if center is None:
            self.message_user(request, _("Choose a service center first."), messages.ERROR)
            return
        self.run_for_each(
            request,
            queryset,
            lambda claim: services.approve_claim_and_open_order(
                claim=claim, service_center=center, by=request.user
            ),
            _("Approved: %(count)d."),
        )


admin.site.unregister(Claim)
admin.site.register(Claim, TriageClaimAdmin)
