"""Writing a briefing: the office drafts it (title, issuer, text, recipients, files) and changes the draft.

Only the deputy-affairs staff of the briefing's congress write it. Recipients are chosen within that
congress's tree: its deputies or those of a congress below (with or without the congresses below that), its
tree's deputy groups, its tree's stations. Files are checked like every upload (type by name and by content,
10 MB at most) and stored under random names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.models import Congress
from lvzhi.org.permissions import can_manage_congress
from lvzhi.suggestions.attachments import ALLOWED_TYPES, check_files, clean_name, store_files

from .. import events
from ..models import Briefing, BriefingFile, Target
from ..selectors import target_congresses, target_groups, target_stations
from ..workflow import Step
from .common import clean_text, lock, refuse, require_office, require_step

MAX_FILES = 10
TITLE_MAX = 120
BODY_MAX = 20000
Kind = Briefing.IssuerKind


def default_issuer_name(congress: Congress, kind: str) -> str:
    """The usual name of a congress's body of that kind (示范市人民政府, 示范市中级人民法院 …)."""
    region = congress.region_name
    level = congress.level
    if kind == Kind.GOVERNMENT:
        return "国务院" if level == Congress.Level.NATIONAL else f"{region}人民政府"
    if kind == Kind.SUPERVISORY:
        return "国家监察委员会" if level == Congress.Level.NATIONAL else f"{region}监察委员会"
    if kind == Kind.COURT:
        courts = {
            Congress.Level.NATIONAL: "最高人民法院",
            Congress.Level.PROVINCE: f"{region}高级人民法院",
            Congress.Level.CITY: f"{region}中级人民法院",
        }
        return courts.get(level, f"{region}人民法院")
    if kind == Kind.PROCURATORATE:
        return "最高人民检察院" if level == Congress.Level.NATIONAL else f"{region}人民检察院"
    if kind == Kind.STANDING:
        return f"{congress.name}{'常务委员会' if congress.has_standing_committee else '主席团'}"
    return ""


def _issuer(congress: Congress, kind, name) -> tuple[str, str]:
    if kind not in Kind.values:
        raise ServiceError("issuer_required", _("Choose who issues the briefing."), field="issuer_kind")
    name = clean_text(name, field="issuer_name", max_length=100) or default_issuer_name(congress, kind)
    return kind, name


def _ids(values) -> list[int]:
    out = []
    for v in values or ():
        v = getattr(v, "pk", v)
        if isinstance(v, int) and v > 0:
            out.append(v)
        elif str(v).isascii() and str(v).isdigit() and int(v) > 0:
            out.append(int(v))
        else:
            raise ServiceError("target_unknown", _("Choose recipients from the lists."), field="congresses")
    return sorted(set(out))


def _targets(
    congress: Congress, *, congress_ids, include_lower: bool, group_ids, station_ids
) -> list[Target]:
    """The recipient choices, each checked to lie in the briefing's congress tree."""
    chosen = {"congresses": _ids(congress_ids), "groups": _ids(group_ids), "stations": _ids(station_ids)}
    found = {
        "congresses": target_congresses(congress).in_bulk(chosen["congresses"]),
        "groups": target_groups(congress).in_bulk(chosen["groups"]),
        "stations": target_stations(congress).in_bulk(chosen["stations"]),
    }
    for field, ids in chosen.items():
        if len(found[field]) != len(ids):
            # SECURITY: a group, station or congress outside the tree (or unknown) is refused, not ignored.
            raise ServiceError(
                "target_outside",
                _("Recipients can only be chosen within this congress and the congresses below it."),
                field=field,
            )
    targets = [
        Target(kind=Target.Kind.LEVEL, congress=c, include_lower=bool(include_lower))
        for c in found["congresses"].values()
    ]
    targets += [Target(kind=Target.Kind.GROUP, group=g) for g in found["groups"].values()]
    targets += [Target(kind=Target.Kind.STATION, station=s) for s in found["stations"].values()]
    if not targets:
        raise ServiceError(
            "no_target",
            _("Choose who receives it: the deputies of a congress, a deputy group or a station."),
            field="congresses",
        )
    return targets


def _files(files: Sequence | None, already: int = 0) -> list:
    return check_files(
        files,
        max_files=MAX_FILES,
        already=already,
        too_many=_("At most %(n)s files per briefing.") % {"n": MAX_FILES},
    )


def _store(briefing: Briefing, files: Iterable, actor) -> list[BriefingFile]:
    return store_files(
        files,
        lambda f, ext: BriefingFile(
            briefing=briefing,
            name=clean_name(f.name),
            size=f.size,
            content_type=ALLOWED_TYPES[ext],
            uploaded_by=actor,
        ),
    )


@transaction.atomic
def briefing_create(
    *,
    actor,
    congress: Congress,
    title: str,
    issuer_kind: str,
    issuer_name: str = "",
    body: str,
    congress_ids: Iterable = (),
    include_lower: bool = False,
    group_ids: Iterable = (),
    station_ids: Iterable = (),
    files: Sequence | None = None,
) -> Briefing:
    """A new draft of `congress`'s office, with its recipients and files."""
    if not can_manage_congress(actor, congress.pk):
        raise refuse(message=_("Only the deputy-affairs staff of this congress manage its briefings."))
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, label=_("title"))
    kind, name = _issuer(congress, issuer_kind, issuer_name)
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True, label=_("text"))
    targets = _targets(
        congress,
        congress_ids=congress_ids,
        include_lower=include_lower,
        group_ids=group_ids,
        station_ids=station_ids,
    )
    files = _files(files)
    briefing = Briefing.objects.create(
        congress=congress, title=title, issuer_kind=kind, issuer_name=name, body=body, created_by=actor
    )
    for t in targets:
        t.briefing = briefing
    Target.objects.bulk_create(targets)
    stored = _store(briefing, files, actor)
    record_event(
        actor=actor,
        kind=events.CREATED,
        target=briefing,
        to_state=briefing.state,
        payload={"targets": len(targets), "files": [r.pk for r in stored]},
    )
    return briefing


@transaction.atomic
def briefing_update(
    *,
    actor,
    briefing: Briefing,
    title: str,
    issuer_kind: str,
    issuer_name: str = "",
    body: str,
    congress_ids: Iterable = (),
    include_lower: bool = False,
    group_ids: Iterable = (),
    station_ids: Iterable = (),
) -> Briefing:
    """Change a draft: its text, issuer and recipients (files are added and removed one by one)."""
    briefing = lock(briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.EDIT)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, label=_("title"))
    kind, name = _issuer(briefing.congress, issuer_kind, issuer_name)
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True, label=_("text"))
    targets = _targets(
        briefing.congress,
        congress_ids=congress_ids,
        include_lower=include_lower,
        group_ids=group_ids,
        station_ids=station_ids,
    )
    changed = [
        field
        for field, value in (("title", title), ("issuer_kind", kind), ("issuer_name", name), ("body", body))
        if getattr(briefing, field) != value
    ]
    briefing.title, briefing.issuer_kind, briefing.issuer_name, briefing.body = title, kind, name, body
    briefing.save(update_fields=["title", "issuer_kind", "issuer_name", "body"])
    before = sorted(_target_key(t) for t in briefing.targets.all())
    after = sorted(_target_key(t) for t in targets)
    if before != after:
        briefing.targets.all().delete()
        for t in targets:
            t.briefing = briefing
        Target.objects.bulk_create(targets)
        changed.append("targets")
    record_event(
        actor=actor,
        kind=events.CHANGED,
        target=briefing,
        from_state=briefing.state,
        to_state=briefing.state,
        payload={"changed": changed, "targets": len(targets)},
    )
    return briefing


def _target_key(t: Target) -> tuple:
    return (t.kind, t.congress_id or 0, bool(t.include_lower), t.group_id or 0, t.station_id or 0)


@transaction.atomic
def briefing_file_add(*, actor, briefing: Briefing, file) -> BriefingFile:
    """Add one file to a draft."""
    briefing = lock(briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.EDIT)
    if file is None:
        raise ServiceError("file_required", _("Choose a file."), field="file")
    try:
        _files([file], already=briefing.files.count())
    except ServiceError as exc:
        raise ServiceError(exc.code, exc.message, field="file") from None
    (row,) = _store(briefing, [file], actor)
    record_event(
        actor=actor,
        kind=events.FILE_ADDED,
        target=briefing,
        payload={"file": row.pk, "size": row.size, "type": row.content_type},
    )
    return row


@transaction.atomic
def briefing_file_remove(*, actor, file: BriefingFile) -> None:
    """Take a file off a draft (the stored file is deleted once the change is committed)."""
    briefing = lock(file.briefing)
    require_office(actor, briefing)
    require_step(briefing, Step.EDIT)
    row = BriefingFile.objects.select_for_update().get(pk=file.pk)
    stored, storage = row.file.name, row.file.storage
    record_event(
        actor=actor,
        kind=events.FILE_REMOVED,
        target=briefing,
        payload={"file": row.pk, "size": row.size, "type": row.content_type},
    )
    row.delete()
    transaction.on_commit(lambda: storage.delete(stored))
