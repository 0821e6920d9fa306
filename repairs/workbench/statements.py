"""The center's own warranty statements on the workbench, read-only (DESIGN §9): what DREAME
is asked to pay for its warranty work, line by line, as support left it. Another center's
statement answers 404, as its orders do."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from repairs.models import Statement
from repairs.statements import selectors
from repairs.statements.pdf import pdf_response, print_page
from repairs.statements.xlsx import xlsx_response
from repairs.workbench.access import technician_required

PAGE_SIZE = 24


@require_GET
@technician_required
def statement_list(request):
    # Queries: session, user, its permissions (2), technician with center, count, a page.
    statements = selectors.statements_list(service_center=request.technician.service_center)
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "repairs/workbench/statements.html", {"page": page})


def _own_statement(request, pk: int) -> Statement:
    statement = (
        Statement.objects.select_related("service_center")
        .filter(pk=pk, service_center_id=request.technician.service_center_id)
        .first()
    )
    if statement is None:
        raise Http404
    return statement


@require_GET
@technician_required
def statement_page(request, pk):
    # Queries (9): session, user, its permissions (2), technician with center, the
    # statement, its lines' count, a page of them (with the statements they correct), the sums.
    statement = _own_statement(request, pk)
    return render(
        request,
        "repairs/workbench/statement.html",
        selectors.statement_page(statement, page=request.GET.get("page")),
    )


@require_GET
@technician_required
def statement_print(request, pk):
    return print_page(_own_statement(request, pk))


@require_GET
@technician_required
def statement_file(request, pk):
    statement = _own_statement(request, pk)
    return xlsx_response(statement)


@require_GET
@technician_required
def statement_pdf_file(request, pk):
    return pdf_response(_own_statement(request, pk))
