"""Pages to import rosters from Excel: deputies, units with handlers, and a new term (换届).

Each page offers the template to download, takes an upload, shows a preview (a dry run: every row accepted or
rejected with its reasons) and, when every row passes, a button that imports them all. Between the preview
and the confirmation the upload waits in storage under a random token remembered in the user's session; the
confirmation re-checks everything, so a file that went stale in between is reported, not half-imported.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_id

from . import roster
from .models import Congress, Term
from .selectors import congresses_managed_by
from .services.roster import roster_import_deputies, roster_import_units, term_change_import

logger = logging.getLogger("lvzhi.org.import")

SESSION_KEY = "roster_imports"
UPLOAD_DIR = "roster-imports"
STALE_AFTER = dt.timedelta(hours=12)

COUNT_LABELS = {
    "rows": gettext_lazy("Rows read"),
    "accepted": gettext_lazy("Rows accepted"),
    "rejected": gettext_lazy("Rows rejected"),
    "people_new": gettext_lazy("New people"),
    "people_existing": gettext_lazy("People already in the records"),
    "re_elected": gettext_lazy("Re-elected"),
    "accounts_new": gettext_lazy("New accounts"),
    "stations": gettext_lazy("Station places"),
    "mandates_to_close": gettext_lazy("Old-term mandates to close"),
    "accounts_to_deactivate": gettext_lazy("Accounts to deactivate (no mandate left)"),
    "units_new": gettext_lazy("New units"),
    "units_existing": gettext_lazy("Units already in the records"),
    "handlers": gettext_lazy("Handlers"),
    "people_created": gettext_lazy("People created"),
    "mandates_created": gettext_lazy("Mandates created"),
    "stations_assigned": gettext_lazy("Deputies entered into stations"),
    "accounts_created": gettext_lazy("Accounts created"),
    "mandates_closed": gettext_lazy("Old-term mandates closed"),
    "accounts_deactivated": gettext_lazy("Accounts deactivated"),
    "units_created": gettext_lazy("Units created"),
    "roles_granted": gettext_lazy("Handler roles granted"),
}
# Problems with the file as a whole (as opposed to a refusal of the step) are shown on the file field.
FILE_CODES = {"file_type", "file_corrupt", "file_empty", "file_too_large", "missing_columns", "too_many_rows"}


def _act_congresses(user):
    """The congresses whose rosters the user may import (staff: their own); nobody else gets these pages."""
    congresses = congresses_managed_by(user=user)
    if not congresses.exists():
        raise PermissionDenied
    return congresses


# --- forms --------------------------------------------------------------------------------------


class CongressField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TermField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.start_date:%Y-%m-%d} – {obj.end_date:%Y-%m-%d})"


def _file_field():
    return forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class _ImportForm(forms.Form):
    congress = CongressField(
        queryset=Congress.objects.none(), label=gettext_lazy("Congress"), empty_label=None
    )

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        first = congresses.order_by("path").first()
        if first is not None:
            self.fields["congress"].initial = first.pk
        if len(congresses) == 1:
            self.fields["congress"].widget = forms.HiddenInput()


class DeputyImportForm(_ImportForm):
    term = TermField(queryset=Term.objects.none(), label=gettext_lazy("Term"), empty_label=None)
    file = _file_field()

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, congresses=congresses, **kwargs)
        today = timezone.localdate()
        terms = (
            Term.objects.filter(congress__in=congresses, end_date__gte=today)
            .select_related("congress")
            .order_by("congress__path", "-start_date")
        )
        self.fields["term"].queryset = terms
        current = terms.filter(start_date__lte=today).first() or terms.first()
        if current is not None:
            self.fields["term"].initial = current.pk
        else:
            self.fields["term"].help_text = _(
                "No current term: add the term on the congress's page first, or use “New term (换届)”."
            )

    def clean(self):
        data = super().clean()
        if data.get("term") and data.get("congress") and data["term"].congress_id != data["congress"].pk:
            self.add_error("term", _("Choose a term of the chosen congress."))
        return data


class UnitImportForm(_ImportForm):
    file = _file_field()


class TermChangeForm(_ImportForm):
    number = forms.IntegerField(label=gettext_lazy("New term number"), min_value=1, max_value=999)
    start_date = forms.DateField(
        label=gettext_lazy("New term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=gettext_lazy("New term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = _file_field()

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, congresses=congresses, **kwargs)
        latest = Term.objects.filter(congress__in=congresses).order_by("-start_date").first()
        if latest is not None:
            self.fields["number"].initial = latest.number + 1
        self.fields["file"].help_text = _("The roster of the new term's deputies, on the deputies template.")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] <= data["start_date"]:
            self.add_error("end_date", _("A term ends after it starts."))
        return data


# --- the three kinds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    title: Any
    intro: Any
    form: type
    template: str  # which template file the page offers

    def params(self, data: dict) -> dict:
        params = {"congress": data["congress"].pk}
        if self.key == "deputies":
            params["term"] = data["term"].pk
        if self.key == "term_change":
            params.update(
                number=data["number"], start=data["start_date"].isoformat(), end=data["end_date"].isoformat()
            )
        return params

    def run(self, *, actor, congresses, params: dict, file, dry_run: bool):
        congress = congresses.filter(pk=params["congress"]).first()
        if congress is None:
            raise PermissionDenied
        if self.key == "deputies":
            term = Term.objects.filter(pk=params["term"], congress=congress).first()
            if term is None:
                raise ServiceError("term_not_in_congress", _("This term belongs to another congress."))
            return roster_import_deputies(
                actor=actor, congress=congress, term=term, file=file, dry_run=dry_run
            )
        if self.key == "units":
            return roster_import_units(actor=actor, congress=congress, file=file, dry_run=dry_run)
        return term_change_import(
            actor=actor,
            congress=congress,
            new_term_number=params["number"],
            start_date=dt.date.fromisoformat(params["start"]),
            end_date=dt.date.fromisoformat(params["end"]),
            file=file,
            dry_run=dry_run,
        )


KINDS = {
    "deputies": Kind(
        "deputies",
        gettext_lazy("Import deputies"),
        gettext_lazy(
            "One row per deputy of the chosen term: the person, their mandate, electoral unit and station. "
            "A person already in the records (same name and mobile) keeps their record and gets one more mandate."
        ),
        DeputyImportForm,
        "deputies",
    ),
    "units": Kind(
        "units",
        gettext_lazy("Import undertaking units and handlers"),
        gettext_lazy(
            "One row per handler (a unit with two handlers takes two rows). Each new handler gets an account "
            "that must change its password at first sign-in."
        ),
        UnitImportForm,
        "units",
    ),
    "term_change": Kind(
        "term_change",
        gettext_lazy("New term (换届)"),
        gettext_lazy(
            "Creates the new term, closes every open mandate of the current term on the day before it starts, "
            "and imports the new term's deputies. Re-elected deputies keep their records and history; accounts "
            "of people left with no mandate are deactivated, never deleted."
        ),
        TermChangeForm,
        "deputies",
    ),
}


# --- keeping the upload between preview and confirmation ----------------------------------------


def _keep_upload(request, kind: str, upload, params: dict) -> str:
    _discard(request, kind)
    _sweep_stale()
    token = secrets.token_urlsafe(18)
    upload.seek(0)
    name = default_storage.save(f"{UPLOAD_DIR}/{token}.xlsx", upload)
    pending = request.session.get(SESSION_KEY, {})
    pending[kind] = {"token": token, "name": name, "filename": upload.name, "params": params}
    request.session[SESSION_KEY] = pending
    return token


def _pending(request, kind: str, token: str) -> dict | None:
    entry = request.session.get(SESSION_KEY, {}).get(kind)
    if not entry or not token or not secrets.compare_digest(entry["token"], token):
        return None
    return entry


def _discard(request, kind: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(kind, None)
    if entry:
        request.session[SESSION_KEY] = pending
        try:
            default_storage.delete(entry["name"])
        except OSError:
            logger.warning("could not delete a pending roster upload")


def _sweep_stale() -> None:
    """Uploads previewed and never confirmed hold personal data; drop them after a while."""
    try:
        _, files = default_storage.listdir(UPLOAD_DIR)
    except (OSError, NotImplementedError):
        return
    limit = timezone.now() - STALE_AFTER
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


# --- pages --------------------------------------------------------------------------------------


# What a saved import reports (the preview's forecasts are left out once the work is done).
SAVED_KEYS = (
    "rows",
    "people_created",
    "mandates_created",
    "stations_assigned",
    "mandates_closed",
    "accounts_created",
    "accounts_deactivated",
    "units_created",
    "roles_granted",
)


def _counts(report) -> list[tuple[Any, int]]:
    keys = [k for k in report.counts if k in SAVED_KEYS] if report.saved else list(report.counts)
    return [(COUNT_LABELS[k], report.counts[k]) for k in keys if k in COUNT_LABELS]


def _columns(kind: Kind):
    return roster.DEPUTY_COLUMNS if kind.template == "deputies" else roster.UNIT_COLUMNS


def _render_page(request, kind: Kind, form, *, report=None, token: str = "", status: int = 200):
    congresses = form.fields["congress"].queryset
    return render(
        request,
        "org/import_page.html",
        {
            "kind": kind,
            "form": form,
            "report": report,
            "counts": _counts(report) if report else [],
            "token": token,
            "columns": _columns(kind),
            "only_congress": congresses.first() if len(congresses) == 1 else None,
        },
        status=status,
    )


def _import_page(request, key: str):
    kind = KINDS[key]
    congresses = _act_congresses(request.user)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, kind, congresses)
    form = kind.form(request.POST or None, request.FILES or None, congresses=congresses)
    report, token = None, ""
    if request.method == "POST" and form.is_valid():
        params = kind.params(form.cleaned_data)
        upload = form.cleaned_data["file"]
        try:
            report = kind.run(
                actor=request.user, congresses=congresses, params=params, file=upload, dry_run=True
            )
        except ServiceError as exc:
            form.add_error("file" if exc.code in FILE_CODES else None, exc.message)
        else:
            if report.ok:
                token = _keep_upload(request, key, upload, params)
    return _render_page(request, kind, form, report=report, token=token)


def _confirm(request, kind: Kind, congresses):
    entry = _pending(request, kind.key, request.POST.get("token", ""))
    data = None
    if entry is not None:
        try:
            with default_storage.open(entry["name"], "rb") as fh:
                data = fh.read()
        except OSError:
            data = None
    if data is None:
        messages.error(request, _("This preview has expired or was already imported; upload the file again."))
        return redirect(f"org:import_{kind.key}")
    _discard(request, kind.key)
    upload = ContentFile(data, name=entry["filename"] or "roster.xlsx")
    try:
        report = kind.run(
            actor=request.user, congresses=congresses, params=entry["params"], file=upload, dry_run=False
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"org:import_{kind.key}")
    if not report.saved:
        messages.error(
            request,
            _(
                "Since the preview, some rows have become invalid; nothing was saved. Correct them and upload again."
            ),
        )
        return _render_page(request, kind, kind.form(congresses=congresses), report=report)
    messages.success(request, _("The roster was imported: %(rows)s rows.") % {"rows": len(report.rows)})
    credentials_file = ""
    if report.credentials:
        credentials_file = base64.b64encode(roster.credentials_workbook(report.credentials)).decode("ascii")
    response = render(
        request,
        "org/import_result.html",
        {
            "kind": kind,
            "report": report,
            "counts": _counts(report),
            "credentials_file": credentials_file,
            "xlsx_type": roster.XLSX_CONTENT_TYPE,
        },
    )
    # The page holds initial passwords: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_index(request):
    congresses = _act_congresses(request.user)
    return render(request, "org/import_index.html", {"kinds": KINDS.values(), "congresses": congresses})


@login_required
def import_deputies(request):
    return _import_page(request, "deputies")


@login_required
def import_units(request):
    return _import_page(request, "units")


@login_required
def import_term_change(request):
    return _import_page(request, "term_change")


@login_required
def import_template(request, kind: str):
    if kind not in ("deputies", "units"):
        raise Http404
    congresses = _act_congresses(request.user)
    chosen = parse_id(request.GET.get("congress"))
    congress = (congresses.filter(pk=chosen).first() if chosen else None) or congresses.order_by(
        "path"
    ).first()
    data = roster.template_workbook(kind, congress)
    filename = "代表名册模板.xlsx" if kind == "deputies" else "承办单位及经办人模板.xlsx"
    response = HttpResponse(data, content_type=roster.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
