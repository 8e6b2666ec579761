"""The third-party satisfaction survey pages (deputy-affairs staff): export, import, answers side by side,
and how this congress rates replies (the setting that decides what an import does to the loop)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id, parse_year
from lvzhi.org.congress_settings import DEFINITIONS, setting_for
from lvzhi.org.models import Session

from .services import survey
from .views_office import _office_congress


def _filters(request, congress) -> tuple[int | None, int | None]:
    session_id = parse_id(request.GET.get("session"))
    if session_id and not Session.objects.filter(pk=session_id, term__congress=congress).exists():
        session_id = None
    year = None if session_id else (parse_year(request.GET.get("year")) or timezone.localdate().year)
    return session_id, year


@login_required
def survey_page(request):
    congress, congresses = _office_congress(request)
    session_id, year = _filters(request, congress)
    params = {"congress": congress.pk, **({"session": session_id} if session_id else {"year": year})}
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the filled-in survey file."))
        else:
            try:
                report = survey.survey_import(actor=request.user, congress=congress, file=upload)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                if not report.errors:
                    messages.success(
                        request,
                        _("Survey imported: %(created)s new answers, %(updated)s changed.")
                        % {"created": report.created, "updated": report.updated},
                    )
                    if report.moved:
                        messages.info(
                            request,
                            ngettext(
                                "The answers moved %(n)s suggestion on: see its state below.",
                                "The answers moved %(n)s suggestions on: see their states below.",
                                len(report.moved),
                            )
                            % {"n": len(report.moved)},
                        )
                    return redirect(reverse("suggestions:survey") + "?" + urlencode(params))
    mode = setting_for(congress, "reply_rating")
    suggestions = list(
        survey.survey_suggestions(
            congress=congress, session_id=session_id, year=year, states=survey.ANSWER_STATES
        ).select_related("congress")
    )
    return render(
        request,
        "suggestions/survey/index.html",
        {
            "congress": congress,
            "congresses": congresses,
            "session_id": session_id,
            "year": year,
            "sessions": Session.objects.filter(term__congress=congress).order_by("-start_date"),
            "rows": survey.survey_rows(suggestions),
            "flagged": survey.needs_attention(suggestions),
            "mode": mode,
            "mode_label": DEFINITIONS["reply_rating"].display(mode),
            "report": report,
            "export_url": reverse("suggestions:survey_export") + "?" + urlencode(params),
        },
    )


@login_required
def survey_export(request):
    congress, _congresses = _office_congress(request)
    session_id, year = _filters(request, congress)
    data = survey.survey_export(
        actor=request.user, congress=congress, session_id=session_id, year=year, request=request
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    what = f"session-{session_id}" if session_id else f"year-{year}"
    response["Content-Disposition"] = f'attachment; filename="survey-{what}.xlsx"'
    return response
