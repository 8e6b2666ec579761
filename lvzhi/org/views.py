"""Pages of the organisation: the congress list (deputies, groups, units and each congress: views_manage;
accounts: views_accounts).

Views parse input, call one selector or service, and render.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def congress_list(request):
    # The list names each congress's parent: one join, not a query per row.
    congresses = selectors.congress_list_visible_to(user=request.user).select_related("parent")
    return render(request, "org/congress_list.html", {"congresses": congresses})
