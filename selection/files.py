"""Stored files (photos, attachments, official copies): random names on disk, served only by views.

Names: `<folder>/<random hex>.<ext>` — never a person's name or ID number (LRMX photos used to be
stored as `<身份证号>.jpg`), never a path part chosen by the uploader. The folder and extension are kept.

Serving: every view checks the permission first (selection.permissions), then calls `serve`, which
streams the file (FileResponse) or, with XUANBA_FILE_SERVER set, hands the sending to the proxy in front:
`nginx` answers with X-Accel-Redirect to XUANBA_FILE_ACCEL_PREFIX + the stored name (an `internal`
location, unreachable from outside), `apache` with X-Sendfile and the file's path. There is no public
media URL.
"""

import mimetypes
import re
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

PHOTO_FOLDER = "photos"
DOCUMENT_FOLDER = "documents"
REGISTRATION_FOLDER = "registrations"
EXPORT_FOLDER = "exports"

# What `_random_name` produces: a fixed folder (with a year for documents, forms and exports), 32 random
# hex digits, the extension. Files stored before names were random (`photos/<身份证号>.jpg`, an upload's own
# name) do not match; `manage.py rename_stored_files` renames them.
RANDOM_NAME = re.compile(r"^[a-z]+(?:/\d{4})?/[0-9a-f]{32}(?:\.[a-z0-9]{1,5})?$")


def is_random(name: str) -> bool:
    return bool(RANDOM_NAME.fullmatch(name or ""))


def _random_name(folder: str, filename: str) -> str:
    extension = PurePosixPath(filename or "").suffix.lower()
    if not (extension[1:].isascii() and extension[1:].isalnum() and len(extension) <= 6):
        extension = ""
    return f"{folder}/{secrets.token_hex(16)}{extension}"


def photo_name(instance, filename: str) -> str:
    """upload_to of Cadre.photo."""
    return _random_name(PHOTO_FOLDER, filename)


def document_name(instance, filename: str) -> str:
    """upload_to of Document.file (attachments and official copies), one folder per year."""
    return _random_name(f"{DOCUMENT_FOLDER}/{timezone.now():%Y}", filename)


def registration_name(instance, filename: str) -> str:
    """upload_to of Registration.signed_form (the applicant's signed form: their name, their ID number)."""
    return _random_name(f"{REGISTRATION_FOLDER}/{timezone.now():%Y}", filename)


def export_name(instance, filename: str) -> str:
    """upload_to of ExportJob.file; the download keeps its readable name (ExportJob.filename)."""
    return _random_name(f"{EXPORT_FOLDER}/{timezone.now():%Y}", filename)


def serve(
    file: FieldFile, *, filename: str, content_type: str = "", as_attachment: bool = True
) -> HttpResponse:
    """The stored file as a response (after the caller's permission check)."""
    if not file:
        raise Http404("该文件不存在。")
    content_type = content_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    server = settings.XUANBA_FILE_SERVER
    if server in ("nginx", "apache"):
        if not file.storage.exists(file.name):
            raise Http404("该文书的文件已丢失。")
        response = HttpResponse(content_type=content_type)
        if server == "nginx":
            prefix = settings.XUANBA_FILE_ACCEL_PREFIX.rstrip("/")
            response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name)}"
        else:
            response["X-Sendfile"] = file.path
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    try:
        handle = file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404("该文书的文件已丢失。") from error
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
