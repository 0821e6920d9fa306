"""(being built)"""

from django.http import Http404

from repairs.workbench.access import technician_required


@technician_required
def act_page(request, pk):
    raise Http404


@technician_required
def act_pdf(request, pk):
    raise Http404


@technician_required
def receive(request, pk):
    raise Http404


@technician_required
def photo(request, pk):
    raise Http404
