"""Files on a suggestion: the deputy's materials, the lead unit's signed and sealed reply letter, evidence.

`attachment_add` is the one way a file gets onto a suggestion: it checks who may add which kind in which state,
the size (10 MB at most) and the type, by the name's extension AND by the file's first bytes (a renamed .exe is
refused), stores the file through Django's default storage under a random name (the original name is kept for
the download only) and records an event. Files are never served from a public media URL: the download view
fetches the attachment through `suggestion_list_visible_to` and sends it as a download.
"""

from __future__ import annotations

import posixpath
import re
import uuid
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError
from lvzhi.org.scope import scope_for

from . import events
from .models import Assignment, Attachment, Suggestion
from .permissions import can_run_office
from .services.common import lock, refuse
from .workflow import EDITABLE_STATES, State

MAX_SIZE = 10 * 1024 * 1024
# extension -> the content type the download is sent with (decided here, never taken from the browser)
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
ALLOWED_LABEL = "PDF, Word (doc, docx), Excel (xls, xlsx), JPG, PNG"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls
# States in which a unit's letter or evidence may be added: while it handles, and until the round is over.
UNIT_STATES = frozenset(
    {State.ASSIGNED, State.REHANDLING, State.REPLIED, State.PROMISED, State.PROMISE_REPORTED}
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower().lstrip(".")


def clean_name(raw: str) -> str:
    """The name the download is offered under: no path, no control characters, at most 200 characters."""
    name = _UNSAFE.sub("_", posixpath.basename(str(raw or "").replace("\\", "/"))).strip() or "file"
    if len(name) > 200:
        stem, ext = posixpath.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def _head(file, n: int) -> bytes:
    file.seek(0)
    head = file.read(n)
    file.seek(0)
    return head or b""


def _office_zip(file, folder: str) -> bool:
    """A .docx or .xlsx: a ZIP holding [Content_Types].xml and the application's folder."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def content_matches(ext: str, file) -> bool:
    """The file's first bytes are what its extension says."""
    head = _head(file, 8)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in ("doc", "xls"):
        return head == OLE2
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if ext in ("docx", "xlsx"):
        return head.startswith(b"PK\x03\x04") and _office_zip(file, "word/" if ext == "docx" else "xl/")
    return False


def _check_right(actor, suggestion: Suggestion, kind: str) -> None:
    s = scope_for(actor)
    if kind == Attachment.Kind.MATERIAL:
        # The author's materials belong to the text: added while the author may still change it.
        if suggestion.author_id not in s.mandate_ids:
            raise refuse("not_permitted", _("Only the author adds materials to a suggestion."))
        if suggestion.state not in EDITABLE_STATES:
            raise ServiceError(
                "not_editable",
                _("Materials can be added only while the suggestion is a draft or returned for revision."),
                status=409,
            )
        return
    units = Assignment.objects.filter(suggestion=suggestion, is_active=True, unit_id__in=s.unit_ids)
    if kind == Attachment.Kind.LETTER:
        allowed = units.filter(role=Assignment.Role.LEAD).exists()
        message = _("Only the lead unit's handlers add the reply letter.")
    else:
        allowed = units.exists() or can_run_office(actor, suggestion)
        message = _("Only the units handling the suggestion and its office add evidence.")
    if not allowed:
        raise refuse("not_permitted", message)
    if suggestion.state not in UNIT_STATES:
        raise ServiceError(
            "not_handled", _("Files can be added only while the suggestion is being handled."), status=409
        )


def check_file(file) -> str:
    """The extension of an acceptable upload; a ServiceError otherwise (field "file")."""
    if file is None:
        raise ServiceError("file_required", _("Choose a file."), field="file")
    ext = _extension(getattr(file, "name", "") or "")
    if ext not in ALLOWED_TYPES:
        raise ServiceError(
            "file_type",
            _("Only these files are accepted: %(types)s.") % {"types": ALLOWED_LABEL},
            field="file",
        )
    size = getattr(file, "size", None) or 0
    if size <= 0:
        raise ServiceError("file_empty", _("The file is empty."), field="file")
    if size > MAX_SIZE:
        raise ServiceError(
            "file_too_large",
            _("The file is %(size)s MB; at most %(max)s MB is accepted.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": MAX_SIZE // 1024 // 1024},
            field="file",
        )
    if not content_matches(ext, file):
        raise ServiceError(
            "file_content",
            _("The file's content is not a .%(ext)s file; save it again in that format and retry.")
            % {"ext": ext},
            field="file",
        )
    return ext


def check_files(files, *, max_files: int, too_many: str, already: int = 0) -> list:
    """The chosen files of a multi-file field (empty slots dropped), each checked; errors on field "files"."""
    files = [f for f in (files or []) if f]
    if already + len(files) > max_files:
        raise ServiceError("too_many_files", too_many, field="files")
    for f in files:
        try:
            check_file(f)
        except ServiceError as exc:
            raise ServiceError(exc.code, exc.message, field="files") from None
    return files


def store_files(files, make_row) -> list:
    """Store checked files under random names, each in the unsaved row `make_row(file, ext)` builds (its
    FileField named `file`); on any failure nothing stays behind."""
    stored: list = []
    try:
        for f in files:
            ext = check_file(f)
            row = make_row(f, ext)
            f.seek(0)
            row.file.save(f"{uuid.uuid4().hex}.{ext}", f, save=False)
            stored.append(row)
            row.save()
    except Exception:
        for row in stored:
            row.file.storage.delete(row.file.name)
        raise
    return stored


@transaction.atomic
def attachment_add(
    *, actor, suggestion: Suggestion, file, kind: str = Attachment.Kind.MATERIAL
) -> Attachment:
    """Add one file: the author's material (draft or returned), the lead unit's letter, or evidence."""
    if kind not in Attachment.Kind.values:
        raise ServiceError("kind_invalid", _("Unknown kind of file."), field="kind")
    suggestion = lock(suggestion)
    _check_right(actor, suggestion, kind)
    ext = check_file(file)
    attachment = Attachment(
        suggestion=suggestion,
        kind=kind,
        name=clean_name(file.name),
        size=file.size,
        content_type=ALLOWED_TYPES[ext],
        uploaded_by=actor,
    )
    file.seek(0)
    # A random stored name: the original name never becomes a path, and no one can guess another file's.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        record_event(
            actor=actor,
            kind=events.ATTACHMENT_ADDED,
            target=suggestion,
            payload={"attachment": attachment.pk, "kind": kind, "size": attachment.size, "type": ext},
        )
    except Exception:
        attachment.file.storage.delete(stored)  # no row, no file
        raise
    return attachment
