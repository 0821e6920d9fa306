"""Who may use the workbench, and the one way its views load an order.

Everything is scoped to the technician's own center: another center's order is not
"forbidden", it does not exist (404), so its number leaks nothing.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.cache import never_cache

from repairs.models import RepairOrder
from repairs.selectors import technician_of


def technician_required(view):
    """Log in through the workbench's own page; a logged-in non-technician gets 403.

    A counter tablet left alone logs its technician out: the idle time of every staff
    session (WORKBENCH_IDLE_SECONDS here) is dreame_service.kit.middleware.StaffSessionMiddleware's.
    """

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "workbench:login")
        technician = technician_of(request.user)
        if technician is None:
            raise PermissionDenied
        request.technician = technician
        return view(request, *args, **kwargs)

    return wrapped


def center_orders(request):
    """Every order of the technician's center, and only those."""
    return RepairOrder.objects.filter(service_center_id=request.technician.service_center_id)


def get_order(request, pk: int, *, queryset=None) -> RepairOrder:
    """The order `pk` of the technician's center, or 404 (also for another center's)."""
    queryset = center_orders(request) if queryset is None else queryset
    order = queryset.filter(pk=pk).first()
    if order is None or order.service_center_id != request.technician.service_center_id:
        raise Http404
    return order
