"""Support's claim page: the triage workspace (one claim, everything on one page).

The claim admin is extended here because approving opens the repair order, a hand-off that
belongs to repairs (claims knows nothing of centers or orders); it is re-registered, the
way `UserAdmin` is extended. The page offers the steps of the triage table
(`repairs.steps.TRIAGE_STEPS`) that django-fsm allows now for this user; each posts to its
own admin URL, which runs the step with `run_claim_step`, like every other caller.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims import mail_answers
from claims import services as claim_services
from claims.admin import ClaimAdmin
from claims.models import Claim
from claims.steps import run_claim_step
from dreame_service.kit.fsm import Actor, Stale
from repairs import services
from repairs.admin.claim_list import ClaimListMixin
from repairs.admin.common import active_centers
from repairs.admin.triage_forms import (
    CORRECTABLE,
    STEP_FORMS,
    ClaimCorrectionForm,
    EmailAnswerForm,
    TriageActionForm,
    VerdictForm,
)
from repairs.admin.triage_page import answer_card, steps_allowed, workspace
from repairs.history import history_prefetch
from repairs.steps import TRIAGE_STEPS, claim_done_message


class TriageClaimAdmin(ClaimListMixin, ClaimAdmin):
    """Claims as support triages them: the list with a bulk approval, and the claim page."""

    change_form_template = "admin/claims/claim/change_form.html"
    form = ClaimCorrectionForm
    action_form = TriageActionForm
    # One center for a batch from one city is plausible; one rejection reason for many
    # customers is not, so the other steps are taken on each claim's page.
    actions = ["approve"]
    inlines = []  # the page shows the history and the files itself
    readonly_fields = []
    # The customer's data, then the product's: every field a correction may touch.
    fieldsets = [
        (_("Customer's data"), {"fields": CORRECTABLE[: CORRECTABLE.index("product_model")]}),
        (_("Product"), {"fields": CORRECTABLE[CORRECTABLE.index("product_model") :]}),
    ]

    # --- The claim page ---------------------------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        # Everything the page shows, in fixed queries: the claim with its order, center and
        # who registered it (joined), then its history with authors and its files (one
        # prefetch each).
        queryset = (
            self.get_queryset(request)
            .select_related("repair_order__service_center", "registered_by")
            .prefetch_related(history_prefetch("status_events"), "attachments")
        )
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Claim.DoesNotExist, ValidationError, ValueError):
            return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's extra context is built here, where the claim is already loaded
        # (change_view would have to load it a second time).
        if obj is not None:
            context.update(self._page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _page_context(self, request, claim):
        can_triage = self.has_triage_permission(request)
        allowed = set()
        if can_triage:
            allowed = {t.name for t in claim.get_available_user_status_transitions(request.user)}
        return {
            "title": _("Claim %(number)s") % {"number": claim.number},
            "subtitle": None,
            "can_renew_link": can_triage,
            "triage": workspace(
                claim,
                steps=steps_allowed(claim, allowed=allowed),
                verdict_form=VerdictForm(prefix="verdict") if can_triage else None,
                outbox_links=request.user.has_perm("notifications.view_notification"),
                answer_form=EmailAnswerForm.fresh() if can_triage else None,
            ),
        }

    def save_model(self, request, obj, form, change):
        # Corrections only, through the service: each is a history row "field: old → new".
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        claim_services.correct_claim(claim=obj, changes=changes, by=request.user)

    # --- The steps: each its own admin URL (GET: the form alone; POST: do it) ------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/triage/<str:step>/",
                wrap(self.triage_view),
                name="claims_claim_triage",
            ),
            path("<int:pk>/verdict/", wrap(self.verdict_view), name="claims_claim_verdict"),
            path("<int:pk>/new-link/", wrap(self.new_link_view), name="claims_claim_new_link"),
            path("<int:pk>/answer/", wrap(self.answer_view), name="claims_claim_answer"),
            *super().get_urls(),
        ]

    def triage_view(self, request, pk, step):
        if not self.has_triage_permission(request):
            raise PermissionDenied
        if step not in STEP_FORMS:
            raise Http404
        claim = get_object_or_404(Claim, pk=pk)
        row = TRIAGE_STEPS[step]
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        if request.method == "POST" and request.POST.get(f"{step}-from_status") != claim.status:
            self.message_user(request, self._stale_message(claim), messages.ERROR)
            return back
        allowed = {t.name for t in claim.get_available_user_status_transitions(request.user)}
        if step not in allowed:
            self.message_user(
                request,
                _("“%(step)s” is not possible while the claim is “%(status)s”.")
                % {"step": row.label, "status": claim.get_status_display()},
                messages.ERROR,
            )
            return back
        if request.method != "POST":
            return self._step_page(request, claim, step=step)
        form = STEP_FORMS[step](request.POST, prefix=step)
        if not form.is_valid():
            return self._step_page(request, claim, step=step, bound=form, status=400)
        values = {field: form.cleaned_data[field] for field in row.fields}
        try:
            # Another agent may have moved the claim (and maybe back) since the page was
            # drawn: the step then changes nothing.
            result, _event = run_claim_step(
                claim,
                step,
                actor=Actor.SUPPORT,
                by=request.user,
                values=values,
                shown={"status": form.cleaned_data["from_status"]},
                steps=TRIAGE_STEPS,
            )
        except Stale:
            self.message_user(
                request, self._stale_message(Claim.objects.get(pk=claim.pk)), messages.ERROR
            )
            return back
        except PermissionDenied:
            self.message_user(request, _("You may not do this with this claim."), messages.ERROR)
            return back
        except ValidationError as error:
            if getattr(error, "code", None) == "inactive_center":
                self.message_user(
                    request,
                    _("%(refusal)s Choose another service center.")
                    % {"refusal": " ".join(error.messages)},
                    messages.ERROR,
                )
                return back
            form.add_error(None, error)
            return self._step_page(request, claim, step=step, bound=form, status=400)
        self.message_user(request, self._done_message(row=row, result=result), messages.SUCCESS)
        return back

    def verdict_view(self, request, pk):
        if not self.has_triage_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(Claim, pk=pk)
        if request.method != "POST":
            return self._step_page(request, claim, step="verdict")
        form = VerdictForm(request.POST, prefix="verdict")
        if form.is_valid():
            try:
                claim = claim_services.override_verdict(
                    claim=claim,
                    verdict=form.cleaned_data["verdict"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("The preliminary verdict is now “%(verdict)s”; the reason is in the history.")
                    % {"verdict": claim.get_verdict_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        return self._step_page(request, claim, step="verdict", bound=form, status=400)

    def new_link_view(self, request, pk):
        """Revoke the customer's personal link (forwarded, leaked) and e-mail a new one."""
        if not self.has_triage_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(Claim, pk=pk)
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        if request.method != "POST":
            return back
        claim_services.renew_link(claim=claim, by=request.user)
        self.message_user(
            request,
            _("The old personal link no longer works; the new one is on its way to %(email)s.")
            % {"email": claim.email},
            messages.SUCCESS,
        )
        return back

    def answer_view(self, request, pk):
        """Answer the customer by e-mail (claims.mail_answers): POST only; a form sent
        twice answers once; bad input comes back with what was typed."""
        if not self.has_triage_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(Claim, pk=pk)
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        if request.method != "POST":
            return back
        form = EmailAnswerForm(request.POST, prefix="answer")
        if form.is_valid():
            try:
                _event, sent_now = mail_answers.answer_by_email(
                    claim=claim,
                    text=form.cleaned_data["text"],
                    by=request.user,
                    form_token=form.cleaned_data["form_token"],
                )
            except ValidationError as error:
                form.add_error("text", error)
            else:
                level = messages.SUCCESS if sent_now else messages.INFO
                self.message_user(request, self._answered_message(claim, sent_now), level)
                return back
        return self._answer_page(request, claim, form=form)

    def _answer_page(self, request, claim, *, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "claim": claim,
            "answer": answer_card(claim, form=form),
            "title": _("Claim %(number)s") % {"number": claim.number},
        }
        return TemplateResponse(
            request, "admin/claims/claim/_answer_page.html", context, status=400
        )

    @staticmethod
    def _answered_message(claim, sent_now: bool) -> str | Promise:
        if not sent_now:  # the same form again: a double click or a resent page
            return _("This answer was already sent; it goes once.")
        return _("The answer is on its way to %(email)s; it is in the history.") % {
            "email": claim.email
        }

    def _step_page(self, request, claim, *, step, bound=None, status=200):
        """One step's form on a page of its own: opened by its link, or shown again with
        what was typed when the input needs fixing."""
        if step == "verdict":
            form, one_step = bound or VerdictForm(prefix="verdict"), None
        else:
            form = None
            one_step = steps_allowed(claim, allowed={step}, bound=bound)[0]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "claim": claim,
            "step": one_step,
            "verdict_form": form,
            "title": _("Claim %(number)s") % {"number": claim.number},
        }
        return TemplateResponse(
            request, "admin/claims/claim/_step_page.html", context, status=status
        )

    @staticmethod
    def _stale_message(claim) -> str:
        return _(
            "Another agent changed this claim meanwhile: it is now “%(status)s”. Nothing was "
            "saved; check the page and choose again."
        ) % {"status": claim.get_status_display()}

    @staticmethod
    def _done_message(*, row, result) -> str:
        if "service_center" in row.fields:  # the hand-off: it opened the order
            order = result.repair_order
            return _(
                "Claim %(number)s is approved: repair order %(order)s at %(center)s. The "
                "customer and the service center get an e-mail."
            ) % {
                "number": result.number,
                "order": order.display_number,
                "center": order.service_center.name,
            }
        return claim_done_message(step=row, claim=result)

    # --- The list: approve a batch with one center -----------------------------------

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
