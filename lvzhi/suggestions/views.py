"""Suggestion pages. Views parse input, call one selector or service, and render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lvzhi.core.audit import timeline_for
from lvzhi.core.params import clean_query

from . import views_deputy, views_office, views_unit
from .selectors import suggestion_list_visible_to


@login_required
def suggestion_list(request):
    qs = suggestion_list_visible_to(user=request.user)
    q = clean_query(request.GET.get("q"))
    if q:
        qs = qs.filter(title__contains=q)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "suggestions/list.html", {"page": page, "q": q})


@login_required
def suggestion_detail(request, pk: int):
    suggestion = get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)
    return render(
        request,
        "suggestions/detail.html",
        {
            # Each side's action panel: its own module fills its own context.
            "deputy": views_deputy.panel_context(request, suggestion),
            "office": views_office.panel_context(request, suggestion),
            "unit": views_unit.panel_context(request, suggestion),
            "suggestion": suggestion,
            "signers": suggestion.signers.select_related("mandate__person", "mandate__congress"),
            "assignments": suggestion.assignments.select_related("unit"),
            "replies": suggestion.replies.all(),
            "events": timeline_for(suggestion)[:100],
        },
    )
