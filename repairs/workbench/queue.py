"""The center's queue at /service/ and its one search box (DESIGN §4)."""

from django.shortcuts import redirect, render
from django.utils.translation import pgettext_lazy

from repairs import states
from repairs.search import MAX_LENGTH, parse_query
from repairs.workbench import selectors
from repairs.workbench.access import technician_required

MINE_LABEL = pgettext_lazy("workbench queue", "Mine")


def _labelled(rows):
    # A search also finds finished orders, which have no tab: their model label then.
    return [(row, states.tab_label(row.status)) for row in rows]


@technician_required
def queue(request):
    center_id = request.technician.service_center_id
    me = request.technician.pk
    counts = selectors.queue_counts(service_center_id=center_id, technician_id=me)
    status = request.GET.get("status")
    if status not in counts:
        status = selectors.default_state(counts)
    page = selectors.queue_page(
        service_center_id=center_id,
        status=status,
        count=counts[status],
        page_number=request.GET.get("page"),
        technician_id=me,
    )
    tabs = [
        {"status": selectors.MINE, "label": MINE_LABEL, "count": counts[selectors.MINE]},
        *(
            {"status": state, "label": states.tab_label(state), "count": counts[state]}
            for state in states.QUEUE_STATES
        ),
    ]
    is_mine = status == selectors.MINE
    return render(
        request,
        "repairs/workbench/queue.html",
        {
            "tabs": tabs,
            "status": status,
            "status_label": MINE_LABEL if is_mine else states.tab_label(status),
            # «Мои» spans every state: its rows say which.
            "show_state": is_mine,
            "page": page,
            "rows": _labelled(page.object_list),
        },
    )


@technician_required
def search(request):
    raw = request.GET.get("q", "")
    query = parse_query(raw)
    result = selectors.search_orders(
        service_center_id=request.technician.service_center_id, query=query
    )
    if result.exact_order is not None:
        return redirect("workbench:order", pk=result.exact_order.pk)
    return render(
        request,
        "repairs/workbench/queue.html",
        {
            "searching": True,
            # What was typed goes back into the box, cut to what the search reads.
            "typed": raw.strip()[:MAX_LENGTH],
            "is_too_long": len(raw.strip()) > MAX_LENGTH,
            "has_query": query.text is not None,
            "rows": _labelled(result.rows),
            "has_more": result.has_more,
            "search_limit": selectors.SEARCH_LIMIT,
            "max_length": MAX_LENGTH,
        },
    )
