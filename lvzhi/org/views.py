"""Pages of the organisation: deputies, groups, units, congress structure (accounts: views_accounts).

Views parse input, call one selector or service, and render.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from lvzhi.core.audit import timeline_for

from . import selectors


@login_required
def deputy_list(request):
    qs = selectors.mandate_list_visible_to(user=request.user).current()
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(person__occupation__contains=q))
    congress = request.GET.get("congress", "")
    if congress.isdigit():
        qs = qs.filter(congress_id=int(congress))
    if request.GET.get("station") == "none":
        qs = qs.filter(station_assignments__isnull=True)
    page = Paginator(qs.order_by("congress__path", "person__name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    congresses = selectors.congress_list_visible_to(user=request.user)
    return render(
        request,
        "org/deputy_list.html",
        {"page": page, "q": q, "congresses": congresses, "congress": congress},
    )


@login_required
def deputy_detail(request, pk: int):
    mandate = get_object_or_404(selectors.mandate_list_visible_to(user=request.user), pk=pk)
    others = (
        selectors.mandate_list_visible_to(user=request.user)
        .filter(person_id=mandate.person_id)
        .exclude(pk=pk)
    )
    return render(
        request,
        "org/deputy_detail.html",
        {
            "mandate": mandate,
            "others": others,
            "events": timeline_for(mandate)[:50],
            "stations": mandate.stations.all(),
            "groups": mandate.groups.all(),
            "leaves": mandate.leaves.all(),
        },
    )


@login_required
def group_list(request):
    page = Paginator(selectors.group_list_visible_to(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "org/group_list.html", {"page": page})


@login_required
def unit_list(request):
    page = Paginator(selectors.unit_list_visible_to(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "org/unit_list.html", {"page": page})


@login_required
def congress_list(request):
    congresses = selectors.congress_list_visible_to(user=request.user)
    return render(request, "org/congress_list.html", {"congresses": congresses})
