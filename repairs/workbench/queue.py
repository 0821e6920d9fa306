"""(being built)"""

from django.http import Http404

from repairs.workbench.access import technician_required


@technician_required
def queue(request):
    raise Http404


@technician_required
def search(request):
    raise Http404
