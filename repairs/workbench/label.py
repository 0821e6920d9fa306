"""The shelf label of an order (/service/orders/<pk>/label/, DESIGN §8): the order number as
Code128 and as text, the product, the customer's surname and the intake date, on 58×40 mm
for the center's label printer. Printed from the order page and right after intake.

Only the surname: the label sits on an open shelf, and the number is what finds the order.
"""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render

from dreame_service.kit.names import surname_of
from repairs import codes
from repairs.workbench.access import center_orders, get_order, technician_required

LABEL_TEMPLATE = "repairs/workbench/label.html"


@technician_required
def order_label(request, pk):
    # The order is checked before the method, as the other read-only views do: another
    # center's order answers 404 to any method.
    order = get_order(request, pk, queryset=center_orders(request).select_related("claim"))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if order.intake_date is None:
        raise Http404  # not received yet: nothing is on the shelf to label
    return render(request, LABEL_TEMPLATE, label_context(order))


def label_context(order) -> dict:
    return {
        "order": order,
        "product": order.claim.product_model,
        "surname": surname_of(order.claim.full_name),
        "barcode_svg": codes.code128_svg(order.order_number, options=codes.LABEL_BARCODE_OPTIONS),
    }
