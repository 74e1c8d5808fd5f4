"""Attachments (附件): upload a document to a case, checked by its content, stored with its SHA-256.

The type is read from the bytes, never trusted from the name or the browser: a PDF starts with `%PDF-`,
an image must open in Pillow, DOCX/XLSX are zip packages holding `[Content_Types].xml` and `word/` or
`xl/`. A file whose content does not match its name is refused, so the record never lists a "PDF" that
is really something else.
"""

import hashlib
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.files.base import File
from django.db import transaction
from PIL import Image

from selection.models import Candidate, Document, SelectionCase
from selection.photos import MAX_PHOTO_PIXELS

from .base import ServiceError, as_actor, lock_case, record_event

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extension: str
    content_type: str


PDF = FileKind("pdf", "PDF 文件", "pdf", "application/pdf")
JPEG = FileKind("jpeg", "JPEG 图片", "jpg", "image/jpeg")
PNG = FileKind("png", "PNG 图片", "png", "image/png")
DOCX = FileKind(
    "docx",
    "Word（DOCX）文档",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "xlsx", "Excel（XLSX）表格", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
KIND_BY_EXTENSION = {
    "pdf": PDF,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "docx": DOCX,
    "xlsx": XLSX,
}
KIND_BY_CODE = {k.code: k for k in (PDF, JPEG, PNG, DOCX, XLSX)}

# Messages in one place so tests can assert them (STYLE.md "Rules are data you can read").
NOT_ALLOWED = "只能上传 PDF、JPEG、PNG、DOCX、XLSX 格式的文件，“{name}”不是这些格式之一。"
TOO_LARGE = "文件“{name}”超过 20 MB，请压缩或拆分后再上传。"
EMPTY = "文件“{name}”是空文件，请重新选择。"
MISMATCH = "文件“{name}”的扩展名是 .{ext}，但内容{actual}，不能上传。请上传真实的{expected}。"
CLOSED = "该批次已{state}，不能再上传文书。"
WRONG_CANDIDATE = "所选人选不属于该批次。"
UNKNOWN_KIND = "请选择文书类别。"
TOO_MANY_PIXELS = "图片像素过大（超过 {limit} 万像素），请缩小后再上传。"
NO_TITLE = "请填写文书标题。"


def sniff(handle: IO[bytes]) -> FileKind | None:
    """What the bytes really are (one of the allowed kinds), or None."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            handle.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
        return None
    # The case file decodes images onto pages: a 100-megapixel PNG would take a worker's memory.
    too_many_pixels = ServiceError(TOO_MANY_PIXELS.format(limit=MAX_PHOTO_PIXELS // 10_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                image_format = image.format
                width, height = image.size  # from the header, before anything is decoded
                if width * height > MAX_PHOTO_PIXELS:
                    raise too_many_pixels
                image.verify()
    except ServiceError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many_pixels from None
    except Exception:  # Pillow raises many types for non-images and broken or hostile ones
        return None
    finally:
        handle.seek(0)
    return {"JPEG": JPEG, "PNG": PNG}.get(image_format or "")


def _describe(actual: FileKind | None) -> str:
    return f"实际是{actual.label}" if actual else "无法识别为允许的文件格式（可能已损坏或被改了扩展名）"


def check_file(uploaded_file) -> tuple[FileKind, str, int]:
    """Refuse a file that is too large, empty, of a kind not allowed, or whose content lies about its type.

    Returns its kind, SHA-256 (computed while reading it) and size."""
    name = PurePath(uploaded_file.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    declared = KIND_BY_EXTENSION.get(extension)
    if declared is None:
        raise ServiceError(NOT_ALLOWED.format(name=name))
    if uploaded_file.size is not None and uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ServiceError(TOO_LARGE.format(name=name))
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(CHUNK), b""):
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise ServiceError(TOO_LARGE.format(name=name))
        digest.update(chunk)
    if size == 0:
        raise ServiceError(EMPTY.format(name=name))
    actual = sniff(uploaded_file)
    if actual != declared:
        raise ServiceError(
            MISMATCH.format(name=name, ext=extension, actual=_describe(actual), expected=declared.label)
        )
    return actual, digest.hexdigest(), size


def upload_document(
    case: SelectionCase,
    *,
    by,
    kind: str,
    title: str,
    uploaded_file,
    candidate: Candidate | None = None,
) -> Document:
    """Store an attachment of an open case with its SHA-256 and record it (R-REQ-1)."""
    actor = as_actor(by)
    if kind not in Document.Kind.values:
        raise ServiceError(UNKNOWN_KIND)
    title = title.strip()
    if not title:
        raise ServiceError(NO_TITLE)
    file_kind, sha256, size = check_file(uploaded_file)
    with transaction.atomic():
        case = lock_case(case)
        if not case.is_open:
            raise ServiceError(CLOSED.format(state=case.get_status_display()))
        if candidate is not None and candidate.case_id != case.pk:
            raise ServiceError(WRONG_CANDIDATE)
        uploaded_file.seek(0)
        document = Document(
            case=case,
            candidate=candidate,
            kind=kind,
            title=title,
            sha256=sha256,
            official_copy=False,
            uploaded_by=actor.user,
        )
        # The stored name is the digest: no user-chosen path parts, and the original name stays in the record.
        document.file.save(f"{sha256[:16]}.{file_kind.extension}", File(uploaded_file), save=False)
        try:
            document.save()
            record_event(
                case,
                by=actor,
                action="upload_document",
                candidate=candidate,
                summary=f"上传文书：{title}（{document.get_kind_display()}）",
                payload={"document": document.pk, "filename": PurePath(uploaded_file.name).name},
                attachments=[{"title": title, "kind": kind, "sha256": sha256, "size": size}],
            )
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def file_kind_of(document: Document) -> FileKind:
    """The kind of a stored document, from the extension it was stored under (checked at upload)."""
    extension = PurePath(document.file.name).suffix.lower().lstrip(".")
    return KIND_BY_EXTENSION.get(extension, PDF)


# ---- stored names (issue 13: "stored names are random, never an ID number") ---------------------------

# Every FileField: model label, field name, what the name looked like before it was random.
STORED_FILES = (
    ("selection.Document", "file"),
    ("selection.Cadre", "photo"),
    ("selection.Registration", "signed_form"),
    ("selection.ExportJob", "file"),
)


@dataclass(frozen=True)
class Renamed:
    model: str
    pk: int
    old: str
    new: str


@dataclass
class RenameReport:
    renamed: list[Renamed]
    problems: list[str]  # Chinese: a file left as it is, and why


def files_with_old_names() -> list[tuple[str, str, int, str]]:
    """(model label, field, pk, stored name) of every stored file whose name is not random."""
    from django.apps import apps

    from selection.files import is_random

    found = []
    for label, field in STORED_FILES:
        model = apps.get_model(label)
        rows = model.objects.exclude(**{field: ""}).values_list("pk", field).order_by("pk")
        found += [(label, field, pk, name) for pk, name in rows.iterator() if name and not is_random(name)]
    return found


def _digest(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rename_stored_files(*, by, dry_run: bool = False) -> RenameReport:
    """Give every stored file whose name is not random (an LRMX photo saved as `<身份证号>.jpg`, an upload's
    own name) a random one: copy, check the content is unchanged (a document against its recorded SHA-256),
    switch the row, note it once per case in the record, delete the old files once committed. Idempotent."""
    from django.apps import apps

    report = RenameReport([], [])
    found = files_with_old_names()
    if dry_run:
        report.renamed = [Renamed(label, pk, old, "") for label, _, pk, old in found]
        return report
    # A case's documents in one transaction and one record event; any other file on its own.
    cases = dict(
        Document.objects.filter(
            pk__in=[pk for label, _, pk, _ in found if label == "selection.Document"]
        ).values_list("pk", "case_id")
    )
    groups: dict[tuple, list] = {}
    for label, field_name, pk, old in found:
        key = ("case", cases[pk]) if label == "selection.Document" else (label, pk)
        groups.setdefault(key, []).append((apps.get_model(label), field_name, pk, old))
    for key, group in groups.items():
        _rename_group(group, case_id=key[1] if key[0] == "case" else None, actor=as_actor(by), report=report)
    return report


def _rename_group(group: list, *, case_id: int | None, actor, report: RenameReport) -> None:
    from selection.files import is_random

    copies: list[tuple] = []  # (storage, new name): removed again if the transaction does not commit
    done: list[Renamed] = []
    try:
        with transaction.atomic():
            case = lock_case(SelectionCase(pk=case_id)) if case_id else None
            for model, field_name, pk, old in group:
                field = model._meta.get_field(field_name)
                storage = field.storage
                what = f"{model._meta.verbose_name} {pk}"
                row = model.objects.select_for_update(of=("self",)).get(pk=pk)
                if getattr(row, field_name).name != old or is_random(old):
                    continue  # renamed meanwhile
                if not storage.exists(old):
                    report.problems.append(f"{what}：存储文件已丢失，未更名。")
                    continue
                before = _digest(storage, old)
                if isinstance(row, Document) and before != row.sha256:
                    report.problems.append(f"{what}：文件与归档时的摘要不符，保留原样以便核查。")
                    continue
                with storage.open(old, "rb") as handle:
                    new = storage.save(field.generate_filename(row, PurePath(old).name), File(handle))
                copies.append((storage, new))
                if _digest(storage, new) != before:
                    raise OSError(f"{what}: the copy differs")
                model.objects.filter(pk=pk).update(**{field_name: new})
                history = getattr(model, "history", None)  # simple_history's past versions cite it too
                if history is not None:
                    history.filter(**{field_name: old}).update(**{field_name: new})
                transaction.on_commit(lambda name=old, store=storage: store.delete(name))
                done.append(Renamed(model._meta.label, pk, old, new))
            if case is not None and done:
                # The events citing the old names stay as they are (append-only); this one links them.
                rows = Document.objects.in_bulk([item.pk for item in done])
                record_event(
                    case,
                    by=actor,
                    action="rename_stored_file",
                    summary=f"{len(done)} 份文书的存储文件更名为随机名称，内容和摘要不变",
                    payload={
                        "documents": [
                            {"document": item.pk, "file": item.new, "sha256": rows[item.pk].sha256}
                            for item in done
                        ]
                    },
                )
    except OSError:
        for storage, name in copies:
            storage.delete(name)
        report.problems.append(f"复制文件失败，{len(group)} 个文件未更名（已全部回退）。")
        return
    except Exception:
        for storage, name in copies:
            storage.delete(name)
        raise
    report.renamed += done
