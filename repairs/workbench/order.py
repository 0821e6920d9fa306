"""(being built)"""

from django.http import Http404

from repairs.workbench.access import technician_required


@technician_required
def order_page(request, pk):
    raise Http404


@technician_required
def return_slip(request, pk):
    raise Http404


@technician_required
def receipt(request, pk):
    raise Http404


@technician_required
def attachment(request, pk):
    raise Http404
