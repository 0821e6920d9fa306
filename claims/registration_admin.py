"""`/admin/claims/claim/add/`: support registers a claim that came by e-mail or by phone.

The admin's own add page would save the model as typed; a claim is made only by the claims
service (number, verdict, e-mails, personal link), so the page is a view of its own: the
claim form as support fills it in (`ClaimRegistrationForm`), one service
(`services.register_claim`), then the new claim's page. One form page files one claim,
like the site's form: its token is kept while the first POST saves (`claims.submissions`),
and the database's duplicate key refuses the same claim sent twice at once.
"""

import uuid

from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims import selectors, services, submissions
from claims.registration_form import ClaimRegistrationForm, initial_from_query

FIELDSETS = [
    (_("How the claim came"), {"fields": ["channel", "language", "consent"]}),
    (
        _("Customer's data"),
        {
            "fields": [
                "full_name",
                "email",
                "phone",
                "whatsapp_same_as_phone",
                "whatsapp",
                "notify_whatsapp",
                "notify_sms",
                "region",
                "city",
                "address",
                "postal_code",
            ]
        },
    ),
    (
        _("Product"),
        {
            "fields": [
                "product_model",
                "product_model_other",
                "serial_number",
                "purchase_date",
                "seller",
                "fault_description",
            ]
        },
    ),
    (_("Receipt and files"), {"fields": ["receipt", "receipt_missing_reason", "attachments"]}),
]


class ClaimRegistrationMixin(admin.ModelAdmin):
    """The claim admin's add page (needs `claims.add_claim`, which support has)."""

    registration_template = "admin/claims/claim/register.html"

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        products = selectors.active_product_models()
        if request.method != "POST":
            initial = {**initial_from_query(request.GET), "form_token": uuid.uuid4().hex}
            form = ClaimRegistrationForm(products=products, initial=initial)
            return self._registration_page(request, form)
        form = ClaimRegistrationForm(request.POST, request.FILES, products=products)
        if not form.is_valid():
            return self._registration_page(request, form)
        return self._register(request, form)

    def _register(self, request, form):
        token = form.cleaned_data["form_token"]
        earlier = submissions.claim_of_this_form(token=token)
        if earlier == submissions.PENDING:
            form.add_error(None, _("This form is being saved: wait a moment and open the list."))
            return self._registration_page(request, form, status=409)
        if earlier:  # the same page sent again (a double click, a resend)
            return self._to_earlier_claim(request, number=earlier)
        data = form.registration_data()
        repeated = selectors.recent_duplicate_claim(data=data)
        if repeated is not None:
            submissions.forget(token=token)
            return self._already_registered(request, form, number=repeated.number)
        try:
            claim = services.register_claim(
                data=data,
                receipt=form.cleaned_data["receipt"],
                attachments=form.cleaned_data["attachments"],
                language=form.cleaned_data["language"],
                channel=form.cleaned_data["channel"],
                by=request.user,
                from_message=form.cleaned_data["from_message"],
            )
        except services.DuplicateClaim as duplicate:  # the same details, saved in parallel
            submissions.forget(token=token)
            return self._already_registered(request, form, number=duplicate.number)
        except ValidationError as error:  # the mailbox's message could not be filed with it
            submissions.forget(token=token)
            form.add_error(None, error)
            return self._registration_page(request, form)
        except Exception:
            submissions.forget(token=token)
            raise
        submissions.remember(token=token, number=claim.number)
        self.message_user(
            request,
            _(
                "Claim %(number)s is registered. The customer gets the e-mail with its number "
                "and their personal link at %(email)s."
            )
            % {"number": claim.number, "email": claim.email},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def _to_earlier_claim(self, request, *, number: str):
        """This very form page was sent again: the claim it registered, once."""
        claim = selectors.claim_for_number(number=number)
        self.message_user(
            request,
            _("This form was sent twice: claim %(number)s is registered once.")
            % {"number": number},
            messages.WARNING,
        )
        if claim is None:
            return HttpResponseRedirect(reverse("admin:claims_claim_changelist"))
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def _already_registered(self, request, form, *, number: str):
        """The same details as a claim registered minutes ago (another agent, another tab):
        nothing new is saved; the form stays as typed, with a link to that claim."""
        claim = selectors.claim_for_number(number=number)
        link = number
        if claim is not None:
            url = reverse("admin:claims_claim_change", args=[claim.pk])
            link = format_html('<a href="{}">{}</a>', url, number)
        text = _(
            "A claim with these details was registered a few minutes ago, so no new one was saved:"
        )
        form.add_error(None, ValidationError(format_html("{} {}", text, link), code="duplicate"))
        return self._registration_page(request, form, status=409)

    def _registration_page(self, request, form, *, status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Register a claim"),
            "subtitle": None,
            "adminform": AdminForm(form, FIELDSETS, prepopulated_fields={}, model_admin=self),
            "form": form,
            "errors": form.errors,
            # A refused page cannot hand the chosen files back: it says to choose them again.
            "files_sent": bool(request.FILES),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.registration_template, context, status=status)
