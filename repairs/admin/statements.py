"""Support's monthly warranty statements at /admin/statements/ (DESIGN §9): the list with a
form to prepare a month, a statement's page (dispute or accept a line with a reason, approve),
its printable A4 page and its XLSX. Reading needs repairs.view_statement; every write
repairs.approve_statement. Thin: a form validates, a service acts, a redirect."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from repairs.models import APPROVE_STATEMENT_PERMISSION, ServiceCenter, Statement, StatementLine
from repairs.statements import selectors, services
from repairs.statements.pdf import pdf_response
from repairs.statements.pdf import print_page as statement_print_page
from repairs.statements.xlsx import xlsx_response

VIEW_PERMISSION = "repairs.view_statement"
PAGE_SIZE = 50


class PrepareForm(forms.Form):
    service_center = forms.ModelChoiceField(
        queryset=ServiceCenter.objects.order_by("name"), label=gettext_lazy("Service center")
    )
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": gettext_lazy("Enter the month as YYYY-MM.")},
    )

    def clean_month(self):
        # A year typed as 9999 or 0001 is a typo, and beyond 9999-12 there is no next month.
        month = self.cleaned_data["month"]
        if not datetime.date(2020, 1, 1) <= month <= datetime.date(2100, 12, 1):
            raise forms.ValidationError(_("Enter a month between 2020 and 2100."))
        return month


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _allowed(permission: str):
    def decorate(view):
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return admin.site.admin_view(checked)

    return decorate


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "may_approve": request.user.has_perm(APPROVE_STATEMENT_PERMISSION),
        **extra,
    }


@_allowed(VIEW_PERMISSION)
def statement_list(request, form=None):
    # Queries (7): session, user, its own and its groups' permissions, the count, the
    # centers of the form's select, one page of statements with their centers and sums.
    statements = selectors.statements_list()
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "admin/statements/list.html",
        _context(request, title=_("Warranty statements"), page=page, form=form or PrepareForm()),
    )


@require_POST
@_allowed(APPROVE_STATEMENT_PERMISSION)
def prepare(request):
    form = PrepareForm(request.POST)
    if not form.is_valid():
        response = statement_list(request, form=form)
        response.status_code = 400
        return response
    statement = services.prepare_statement(
        service_center=form.cleaned_data["service_center"],
        month=form.cleaned_data["month"],
        by=request.user,
    )
    if statement.is_approved:
        messages.warning(request, _("This statement is approved: it is shown as it was frozen."))
    else:
        messages.success(request, _("The statement is prepared from the current work lines."))
    return redirect("admin_statements:statement", statement.pk)


def _statement(pk: int) -> Statement:
    statement = Statement.objects.select_related("service_center", "approved_by").filter(pk=pk)
    found = statement.first()
    if found is None:
        raise Http404
    return found


@require_GET
@_allowed(VIEW_PERMISSION)
def statement_page(request, pk):
    # Queries (9): session, user, its own and its groups' permissions, the statement with
    # its center and approver, its lines' count, a page of them (with the statements they
    # correct), the sums, its history.
    statement = _statement(pk)
    return TemplateResponse(
        request,
        "admin/statements/statement.html",
        _context(
            request,
            title=_("Warranty statement"),
            history=selectors.statement_history(statement),
            **selectors.statement_page(statement, page=request.GET.get("page")),
        ),
    )


@require_GET
@_allowed(VIEW_PERMISSION)
def print_page(request, pk):
    return statement_print_page(_statement(pk))


@require_GET
@_allowed(VIEW_PERMISSION)
def xlsx(request, pk):
    return xlsx_response(_statement(pk))


@require_GET
@_allowed(VIEW_PERMISSION)
def pdf(request, pk):
    return pdf_response(_statement(pk))


@require_POST
@_allowed(APPROVE_STATEMENT_PERMISSION)
def prepare_again(request, pk):
    statement = _statement(pk)
    services.prepare_statement(
        service_center=statement.service_center, month=statement.month, by=request.user
    )
    messages.success(request, _("The statement is prepared from the current work lines."))
    return redirect("admin_statements:statement", statement.pk)


class AcceptForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Note"), max_length=1000, required=False)


@require_POST
@_allowed(APPROVE_STATEMENT_PERMISSION)
def line_action(request, pk, line_pk, action):
    line = StatementLine.objects.filter(pk=line_pk, statement_id=pk).first()
    if line is None:
        raise Http404
    form = (ReasonForm if action == "dispute" else AcceptForm)(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write why this line is disputed (up to 1000 characters)."))
        if action == "dispute":
            services.dispute_statement_line(line=line, by=request.user, **form.cleaned_data)
            messages.success(request, _("The line is disputed; the reason is in the history."))
        else:
            services.accept_statement_line(line=line, by=request.user, **form.cleaned_data)
            messages.success(request, _("The line is accepted again."))
    except ValidationError as error:
        # The page again with the message by the line and what was typed kept.
        statement = _statement(pk)
        return TemplateResponse(
            request,
            "admin/statements/statement.html",
            _context(
                request,
                title=_("Warranty statement"),
                history=selectors.statement_history(statement),
                bound_line=line.pk,
                bound_error=" ".join(error.messages),
                bound_reason=request.POST.get("reason", ""),
                **selectors.statement_page(statement, page=selectors.page_of_line(line)),
            ),
            status=400,
        )
    page = selectors.page_of_line(line)
    return redirect(
        reverse("admin_statements:statement", args=[pk]) + f"?page={page}#line-{line.pk}"
    )


@require_POST
@_allowed(APPROVE_STATEMENT_PERMISSION)
def approve(request, pk):
    statement = _statement(pk)
    try:
        services.approve_statement(statement=statement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The statement is approved: its lines and totals are frozen."))
    return redirect("admin_statements:statement", statement.pk)


app_name = "admin_statements"
urlpatterns = [
    path("", statement_list, name="list"),
    path("prepare/", prepare, name="prepare"),
    path("<int:pk>/", statement_page, name="statement"),
    path("<int:pk>/print/", print_page, name="print"),
    path("<int:pk>/statement.xlsx", xlsx, name="xlsx"),
    path("<int:pk>/statement.pdf", pdf, name="pdf"),
    path("<int:pk>/prepare/", prepare_again, name="prepare_again"),
    path("<int:pk>/approve/", approve, name="approve"),
    path(
        "<int:pk>/lines/<int:line_pk>/dispute/",
        line_action,
        {"action": "dispute"},
        name="dispute_line",
    ),
    path(
        "<int:pk>/lines/<int:line_pk>/accept/",
        line_action,
        {"action": "accept"},
        name="accept_line",
    ),
]
