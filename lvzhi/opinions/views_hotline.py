"""The 12345 hotline pages: what is rising (counts per category, place and district over eight weeks, each
linking to its list), and the import of the hotline's tickets (CSV or Excel) for deputy-affairs staff.

The import is one step: the file is checked and, when every row passes, imported at once; when a row is
rejected nothing is saved and the page lists each bad row with its reasons, keeping the chosen congress.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress
from lvzhi.org.selectors import congresses_managed_by

from . import hotline, stats
from .models import Opinion
from .services.hotline import hotline_import
from .views_figures import list_url, scope_from, scoped_opinions

COUNT_LABELS = {
    "rows": gettext_lazy("Rows read"),
    "imported": gettext_lazy("Tickets imported"),
    "skipped": gettext_lazy("Imported before (skipped)"),
    "rejected": gettext_lazy("Rows rejected"),
    "correct": gettext_lazy("Rows correct"),
    "new": gettext_lazy("New, to acknowledge"),
    "replied": gettext_lazy("Answered"),
    "solved": gettext_lazy("Solved"),
    "closed": gettext_lazy("Closed"),
    "other_category": gettext_lazy("Counted as “other” category"),
}


class CongressField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HotlineImportForm(forms.Form):
    congress = CongressField(
        queryset=Congress.objects.none(), label=gettext_lazy("Congress"), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Tickets file (.csv or .xlsx)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        first = congresses.order_by("path").first()
        if first is not None:
            self.fields["congress"].initial = first.pk
        if len(congresses) == 1:
            self.fields["congress"].widget = forms.HiddenInput()


def _import_congresses(user):
    congresses = congresses_managed_by(user=user).order_by("path")
    if not congresses.exists():
        raise PermissionDenied(_("Only deputy-affairs staff import hotline tickets."))
    return congresses


@login_required
def hotline_import_page(request):
    congresses = _import_congresses(request.user)
    form = HotlineImportForm(request.POST or None, request.FILES or None, congresses=congresses)
    report = None
    if request.method == "POST" and form.is_valid():
        congress = form.cleaned_data["congress"]
        try:
            report = hotline_import(actor=request.user, congress=congress, file=form.cleaned_data["file"])
        except ServiceError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
        else:
            if report.saved:
                messages.success(
                    request,
                    _("Hotline tickets imported: %(imported)s new, %(skipped)s imported before and skipped.")
                    % {"imported": report.counts["imported"], "skipped": report.counts["skipped"]},
                )
                return render(
                    request,
                    "opinions/hotline/result.html",
                    {
                        "report": report,
                        "counts": _counts(report),
                        "congress": congress,
                        "trends_url": reverse("opinion_hotline:trends")
                        + "?"
                        + urlencode({"congress": congress.pk}),
                    },
                )
    return render(
        request,
        "opinions/hotline/import.html",
        {
            "form": form,
            "report": report,
            "counts": _counts(report) if report else [],
            "columns": hotline.COLUMNS,
            "only_congress": congresses.first() if len(congresses) == 1 else None,
        },
        status=200,
    )


def _counts(report) -> list:
    if not report.saved:  # nothing was imported: say what was read, not what would have been
        c = report.counts
        return [
            (COUNT_LABELS["rows"], c["rows"]),
            (COUNT_LABELS["correct"], c["rows"] - c["rejected"]),
            (COUNT_LABELS["rejected"], c["rejected"]),
        ]
    return [(COUNT_LABELS[k], v) for k, v in report.counts.items() if k in COUNT_LABELS and k != "rejected"]


@login_required
def hotline_template(request):
    _import_congresses(request.user)
    response = HttpResponse(hotline.template_workbook(), content_type=hotline.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "12345工单导入模板.xlsx")
    return response


@login_required
def hotline_trends(request):
    """Counts per week by category, place and district; this week against the four before; each count links
    to its list. Hotline tickets by default; every source on request."""
    params = request.GET.copy()
    every_source = params.get("source") == "all"
    if every_source:
        params.pop("source")
    else:
        params["source"] = Opinion.Source.HOTLINE
    scope, congresses = scope_from(request, params)
    day = timezone.localdate()
    weeks = stats.weeks_ending(day)
    # The weeks are the trend's own window: a month or a date range would cut it.
    scope = scope.narrowed(month="", since=None, until=None, year=None)
    tables = stats.trends(scoped_opinions(request, scope), day=day, weeks=weeks)
    narrow = {"category": "category", "place": "place", "district": "district_id"}
    for kind, rows in tables.items():
        for row in rows:
            row_scope = scope.narrowed(**{narrow[kind]: row.key})
            row.urls = [
                list_url(row_scope.narrowed(since=w.start, until=w.end), "collected", "num") for w in weeks
            ]
            row.cells = [(n, url, w.label) for n, url, w in zip(row.counts, row.urls, weeks, strict=True)]
            row.total_url = list_url(
                row_scope.narrowed(since=weeks[0].start, until=weeks[-1].end), "collected", "num"
            )
    # Every opinion has a category, so the category table's columns are the weeks' totals.
    totals = [
        (
            sum(row.counts[i] for row in tables["category"]),
            list_url(scope.narrowed(since=w.start, until=w.end), "collected", "num"),
        )
        for i, w in enumerate(weeks)
    ]
    may_import = congresses_managed_by(user=request.user).exists()
    return render(
        request,
        "opinions/hotline/trends.html",
        {
            "scope": scope,
            "congress": scope.congress,
            "congresses": congresses,
            "every_source": every_source,
            "weeks": weeks,
            "tables": tables,
            "totals": totals,
            "rising_min": stats.RISING_MIN,
            "may_import": may_import,
            "day": day,
        },
    )
