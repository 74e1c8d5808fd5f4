"""Excel and LRMX import/export pages: upload → preview → confirm, all or nothing, for both formats."""

import io
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from selection.interchange import lrmx, xlsx
from selection.interchange.importing import (
    ImportPlan,
    ImportRefused,
    import_cadre_sheet,
    import_lrmx_files,
    preview_cadre_sheet,
    preview_lrmx_files,
)
from selection.interchange.records import ImportFileError
from selection.interchange.stash import discard_stash, load_stash, stash_upload
from selection.models import Cadre, Organization
from selection.permissions import Action, can

from ..validators import Bounded

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "cadre_import"
MAX_LRMX_FILES = 50
PREVIEW_LIMIT = 300


class SheetUploadForm(Bounded, forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        help_text="请使用下载的模板填写，.xlsx 格式，不超过 10 MB。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > xlsx.MAX_FILE_BYTES:
            raise forms.ValidationError("文件太大：Excel 文件不能超过 10 MB。")
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files (Django's documented recipe)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": ".lrmx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:  # no file chosen: the field's own required check, in Chinese
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class LrmxUploadForm(Bounded, forms.Form):
    files = MultipleFileField(
        label="LRMX 文件", help_text="干部任免审批表编辑器导出的 .lrmx 文件，可一次选择多个。"
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_LRMX_FILES:
            raise forms.ValidationError(f"一次最多导入 {MAX_LRMX_FILES} 个文件。")
        for upload in uploads:
            if upload.size > lrmx.MAX_FILE_BYTES:
                raise forms.ValidationError(f"{upload.name}：文件太大，LRMX 文件不能超过 5 MB。")
        return uploads


def _importing_organization(user) -> Organization:
    """Only HR may import; what they import belongs to their own organization."""
    if not can(user, Action.EDIT_REGISTRY) or not user.organization_id:
        raise PermissionDenied
    return user.organization


def _registry_crumbs(*crumbs: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    try:
        registry = [("干部信息", reverse("cadre_list"))]
    except NoReverseMatch:  # the registry screens are optional for these pages
        registry = []
    return [*registry, *crumbs]


@require_GET
def cadre_import_template(request: HttpRequest) -> FileResponse:
    _importing_organization(request.user)
    return FileResponse(
        io.BytesIO(xlsx.cadre_template()),
        as_attachment=True,
        filename="干部信息导入模板.xlsx",
        content_type=XLSX_TYPE,
    )


@require_http_methods(["GET", "POST"])
def cadre_import(request: HttpRequest) -> HttpResponse:
    organization = _importing_organization(request.user)
    form = SheetUploadForm(request.POST, request.FILES) if request.method == "POST" else SheetUploadForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            plan = preview_cadre_sheet(data, organization)
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            _forget_upload(request)
            token = ""
            if plan.ok and (plan.created or plan.updated):
                token = stash_upload(data)
                request.session[SESSION_KEY] = {"token": token, "organization": organization.pk}
            return _preview(request, plan, token, form.cleaned_data["file"].name)
    return render(
        request,
        "selection/interchange/cadre_import.html",
        {"form": form, "organization": organization, "breadcrumbs": _registry_crumbs(("导入干部", None))},
    )


def _preview(request: HttpRequest, plan: ImportPlan, token: str, filename: str) -> HttpResponse:
    return render(
        request,
        "selection/interchange/cadre_import_preview.html",
        {
            "plan": plan,
            "token": token,
            "filename": filename,
            "limit": PREVIEW_LIMIT,
            "form": SheetUploadForm(),
            "confirm_url": reverse("cadre_import_confirm"),
            "upload_url": reverse("cadre_import"),
            "template_url": reverse("cadre_import_template"),
            "breadcrumbs": _registry_crumbs(("导入干部", reverse("cadre_import")), ("预览", None)),
        },
    )


def _forget_upload(request: HttpRequest) -> None:
    stash = request.session.pop(SESSION_KEY, None)
    if stash:
        discard_stash(stash["token"])


@require_POST
def cadre_import_confirm(request: HttpRequest) -> HttpResponse:
    organization = _importing_organization(request.user)
    stash = request.session.get(SESSION_KEY) or {}
    data = None
    if stash.get("token") == request.POST.get("token") and stash.get("organization") == organization.pk:
        data = load_stash(stash["token"])
    if data is None:
        messages.error(request, "预览已过期或已导入，请重新上传文件。")
        return redirect("cadre_import")
    try:
        plan = import_cadre_sheet(data, organization, by=request.user)
    except ImportRefused as refused:  # the registry changed since the preview
        _forget_upload(request)
        messages.error(
            request, "数据在预览后发生了变化，本次没有导入任何数据。请根据下列问题修改后重新上传。"
        )
        return _preview(request, refused.plan, "", "")
    except ImportFileError as error:
        _forget_upload(request)
        messages.error(request, error.message)
        return redirect("cadre_import")
    _forget_upload(request)
    messages.success(request, f"导入完成：{plan.summary()}。")
    return redirect("cadre_import")


LRMX_SESSION_KEY = "lrmx_import"


def _forget_lrmx(request: HttpRequest) -> None:
    stash = request.session.pop(LRMX_SESSION_KEY, None)
    for _name, token in (stash or {}).get("files", []):
        discard_stash(token)


@require_http_methods(["GET", "POST"])
def lrmx_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every problem, R-REG-1..3 included, with its file) → confirm; nothing is written
    before the confirmation, nor at all while a problem remains."""
    organization = _importing_organization(request.user)
    form = LrmxUploadForm(request.POST, request.FILES) if request.method == "POST" else LrmxUploadForm()
    if request.method == "POST" and form.is_valid():
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        try:
            plan = preview_lrmx_files(files, organization)
        except ImportFileError as error:
            form.add_error("files", error.message)
        else:
            _forget_lrmx(request)
            token = ""
            if plan.ok and (plan.created or plan.updated):
                stashed = [[name, stash_upload(data)] for name, data in files]
                token = stashed[0][1]
                request.session[LRMX_SESSION_KEY] = {
                    "files": stashed,
                    "token": token,
                    "organization": organization.pk,
                }
            return _lrmx_preview(request, plan, token)
    return render(
        request,
        "selection/interchange/lrmx_import.html",
        {"form": form, "organization": organization, "breadcrumbs": _registry_crumbs(("导入LRMX", None))},
    )


def _lrmx_preview(request: HttpRequest, plan: ImportPlan, token: str) -> HttpResponse:
    return render(
        request,
        "selection/interchange/cadre_import_preview.html",
        {
            "plan": plan,
            "token": token,
            "filename": "",
            "limit": PREVIEW_LIMIT,
            "form": LrmxUploadForm(),
            "confirm_url": reverse("lrmx_import_confirm"),
            "upload_url": reverse("lrmx_import"),
            "breadcrumbs": _registry_crumbs(("导入LRMX", reverse("lrmx_import")), ("预览", None)),
        },
    )


@require_POST
def lrmx_import_confirm(request: HttpRequest) -> HttpResponse:
    organization = _importing_organization(request.user)
    stash = request.session.get(LRMX_SESSION_KEY) or {}
    files = None
    if stash.get("token") == request.POST.get("token") and stash.get("organization") == organization.pk:
        loaded = [(name, load_stash(token)) for name, token in stash.get("files", [])]
        files = loaded if loaded and all(data is not None for _name, data in loaded) else None
    if files is None:
        messages.error(request, "预览已过期或已导入，请重新选择文件。")
        return redirect("lrmx_import")
    try:
        plan = import_lrmx_files(files, organization, by=request.user)
    except ImportRefused as refused:  # the registry changed since the preview
        _forget_lrmx(request)
        messages.error(
            request, "数据在预览后发生了变化，本次没有导入任何数据。请根据下列问题修改后重新上传。"
        )
        return _lrmx_preview(request, refused.plan, "")
    except ImportFileError as error:
        _forget_lrmx(request)
        messages.error(request, error.message)
        return redirect("lrmx_import")
    _forget_lrmx(request)
    messages.success(request, f"LRMX 导入完成：{plan.summary()}。")
    for warning in plan.warnings:
        messages.warning(request, str(warning))
    return redirect("lrmx_import")


@require_GET
def cadre_lrmx(request: HttpRequest, pk: int) -> FileResponse:
    """The cadre's 任免表 as .lrmx; the optional query parameters fill the case-specific fields."""
    if not can(request.user, Action.VIEW_REGISTRY):
        raise PermissionDenied
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("organization"), pk=pk)
    params = request.GET
    try:
        age_on = date.fromisoformat(params["age_on"]) if params.get("age_on") else None
    except ValueError:
        age_on = None
    data = lrmx.export_lrmx(
        cadre,
        proposed_post=params.get("proposed_post", "")[:200],
        post_to_remove=params.get("post_to_remove", "")[:200],
        reason=params.get("reason", "")[:1000],
        reporting_unit=params.get("reporting_unit", "")[:200],
        age_on=age_on,
        filled_by=request.user.get_full_name(),
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=lrmx.lrmx_filename(cadre),
        content_type="application/xml",
    )


urlpatterns: list = [
    path("cadres/import", cadre_import, name="cadre_import"),
    path("cadres/import/confirm", cadre_import_confirm, name="cadre_import_confirm"),
    path("cadres/import/template.xlsx", cadre_import_template, name="cadre_import_template"),
    path("cadres/import-lrmx", lrmx_import, name="lrmx_import"),
    path("cadres/import-lrmx/confirm", lrmx_import_confirm, name="lrmx_import_confirm"),
    path("cadres/<int:pk>/lrmx", cadre_lrmx, name="cadre_lrmx"),
]
