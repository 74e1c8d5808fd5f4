"""Registry screens: cadre list, cadre page, edit forms, kinship, photo, change history, Excel export.

Each view: authorize (permissions) → validate (forms; the models' `full_clean` holds the rules) → save in
one transaction → redirect with a Chinese message. Bad input re-renders the form; nothing is saved.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import files
from ..forms import CadreFilterForm, CadreForm, KinshipForm, PhotoForm, section_formsets
from ..models import (
    AnnualAssessment,
    Cadre,
    Department,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    Post,
    PostHolding,
    ResumeEntry,
    Sanction,
)
from ..paging import capped_count, paginate
from ..permissions import Action, can, can_read_cadre_photo, get_cadre_for, require
from ..rules import age_in_full_years
from ..selectors import filter_cadres, list_keys
from ..services.registry import HoldingRefused, apply_holdings
from ..structure import register_count
from ..supervision import settings_for_user

PAGE_SIZE = 25
FIX_ERRORS = "保存失败：请按提示更正标红的内容，本次填写的内容尚未保存。"


@dataclass(frozen=True)
class CadreRow:
    """One line of the cadre list, computed from prefetched relations only."""

    cadre: Cadre
    age: int
    holding: PostHolding | None
    last_assessment: AnnualAssessment | None
    rotation: str


def _row(cadre: Cadre, today: date) -> CadreRow:
    last = cadre.last_assessments(today, count=1)
    return CadreRow(
        cadre=cadre,
        age=cadre.age_on(today),
        holding=cadre.current_holding(today),
        last_assessment=last[0] if last else None,
        rotation=cadre.rotation_status(today),
    )


def _duration(months: int | None) -> str:
    """27 → 2年3个月."""
    if not months:
        return "不满1个月" if months == 0 else "无"
    years, rest = divmod(months, 12)
    return (f"{years}年" if years else "") + (f"{rest}个月" if rest else "")


def _url_if_exists(name: str, *args: Any) -> str | None:
    """Links to pages other work adds (the Excel/LRMX imports) appear once their URLs exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _filtered(request: HttpRequest) -> tuple[CadreFilterForm, Any]:
    form = CadreFilterForm(request.GET or None, user=request.user)
    cadres = filter_cadres(
        Cadre.objects.visible_to(request.user).for_list(),
        form.filters(),
        date.today(),
        settings_for_user(request.user),
    )
    return form, cadres


@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGISTRY)
    form, cadres = _filtered(request)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    # The filtered register's count, kept while the register is unchanged (a province has 100,000 rows).
    counted = query.urlencode()
    page = paginate(
        cadres,
        request.GET,
        keys=list_keys(form.filters()),
        per_page=PAGE_SIZE,
        count=lambda: register_count(request.user, "cadre_list", counted, lambda: capped_count(cadres)),
    )
    today = date.today()
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "selection/registry/cadre_list.html",
        {
            "form": form,
            "sort_query": sort_query.urlencode(),
            "active_filters": form.active_labels(),
            "page": page,
            "rows": [_row(cadre, today) for cadre in page.object_list],
            "query": query.urlencode(),
            "import_url": _url_if_exists("cadre_import"),
            "lrmx_import_url": _url_if_exists("lrmx_import"),
            "breadcrumbs": [("干部信息", None)],
        },
    )


@require_GET
def cadre_export(request: HttpRequest) -> HttpResponse:
    """导出Excel: the list's filters, every matching row (no pagination)."""
    from ..interchange.xlsx import export_cadres

    require(request.user, Action.VIEW_REGISTRY)
    _form, cadres = _filtered(request)
    limit = settings.XUANBA_DIRECT_EXPORT_MAX_ROWS
    # Counted only up to the limit (a slice's count stops there): 100,000 rows are not counted to learn
    # that there are more than 500; the 花名册 page shows the list's own count.
    if cadres.order_by()[: limit + 1].count() > limit:
        # Too long to build inside the request (a web worker's time and memory): the 花名册 builds it in
        # the background with the same filters and shows the progress bar.
        messages.info(
            request,
            f"当前名单超过{limit}人，不能直接导出，请在本页选择列和格式（Excel或PDF）后在后台生成，完成后即可下载。",
        )
        query = request.GET.urlencode()
        return redirect(reverse("cadre_roster") + (f"?{query}" if query else ""))
    response = HttpResponse(
        export_cadres(cadres),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''cadres-{date.today():%Y%m%d}.xlsx"
    return response


@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.VIEW_REGISTRY, queryset=Cadre.objects.for_detail())
    today = date.today()
    holding = cadre.current_holding(today)
    sanctions = [(sanction, sanction.in_effect_on(today)) for sanction in cadre.sanctions.all()]
    months_in_post = cadre.months_in_current_post(today)
    deputy_months = cadre.months_in_deputy_post(today)
    return render(
        request,
        "selection/registry/cadre_detail.html",
        {
            "cadre": cadre,
            "today": today,
            "row": _row(cadre, today),
            "holding": holding,
            "holdings": sorted(cadre.holdings.all(), key=lambda h: h.started_on, reverse=True),
            "months_in_post": months_in_post,
            "in_post_text": _duration(months_in_post),
            "deputy_months": deputy_months,
            "deputy_text": _duration(deputy_months) if deputy_months else "无",
            "resume_lines": cadre.resume_lines(),
            "family": [
                (member, age_in_full_years(member.birth_date, today) if member.birth_date else None)
                for member in cadre.family.all()
            ],
            "years_of_work": cadre.years_of_work(today),
            "full_time": cadre.highest_education("full_time"),
            "in_service": cadre.highest_education("in_service"),
            "last_two": cadre.last_assessments(today, count=2),
            "sanctions": sanctions,
            "relatives": cadre.relatives(),
            "photo_form": PhotoForm(),
            "can_edit": can(request.user, Action.EDIT_REGISTRY),
            "lrmx_url": _url_if_exists("cadre_lrmx", cadre.pk),
            "breadcrumbs": [("干部信息", reverse("cadre_list")), (cadre.name, None)],
        },
    )


def _edit_page(request: HttpRequest, cadre: Cadre | None) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = CadreForm(data, instance=cadre, user=user)
    formsets = section_formsets(user, data, instance=form.instance)
    if data is not None:
        if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
            was_new = form.instance.pk is None
            try:
                with transaction.atomic():
                    saved = form.save()
                    for prefix, formset in formsets.items():
                        formset.instance = saved
                        if prefix == "holdings":  # only the registry service writes holdings
                            formset.save(commit=False)
                            apply_holdings(*formset.planned(), by=user, validate=False)
                        else:
                            formset.save()
            except HoldingRefused as refused:  # someone changed the registry since the form was checked
                if was_new:
                    form.instance.pk = None
                    form.instance._state.adding = True
                messages.error(request, f"保存失败：{refused.message}")
            except IntegrityError:
                # Another user saved a conflicting row (same ID number, same year) in the meantime.
                messages.error(
                    request,
                    "保存失败：数据与他人刚保存的内容冲突（如身份证号或考核年度重复），请核对后重试。",
                )
            else:
                verb = "修改" if cadre else "新增"
                messages.success(request, f"已{verb}干部“{saved.name}”的信息。")
                return redirect(saved)
        else:
            messages.error(request, FIX_ERRORS)
    title = f"编辑干部信息：{cadre.name}" if cadre else "新增干部"
    crumbs = [("干部信息", reverse("cadre_list"))]
    if cadre:
        crumbs.append((cadre.name, cadre.get_absolute_url()))
    crumbs.append(("编辑" if cadre else "新增", None))
    return render(
        request,
        "selection/registry/cadre_form.html",
        {"form": form, "formsets": formsets, "cadre": cadre, "title": title, "breadcrumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def cadre_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGISTRY)
    require(request.user, Action.EDIT_REGISTRY)
    return _edit_page(request, None)


@require_http_methods(["GET", "POST"])
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.EDIT_REGISTRY)
    return _edit_page(request, cadre)


@require_POST
def cadre_photo(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.EDIT_REGISTRY)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "照片未保存：" + "；".join(form.errors["photo"]))
        return redirect(cadre)
    # The previous file stays on disk: the change history still points to it.
    with transaction.atomic():
        cadre.photo.save(form.cleaned_data["photo"].name, form.cleaned_data["photo"], save=False)
        cadre.save(update_fields=["photo", "updated_at"])
    messages.success(request, "照片已更新（已裁切为4:5证件照）。")
    return redirect(cadre)


@require_GET
def cadre_photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo, after the permission check (there is no public media URL)."""
    cadre = get_cadre_for(request.user, pk, Action.VIEW_REGISTRY)
    if not can_read_cadre_photo(request.user, cadre):
        raise PermissionDenied
    if not cadre.photo:
        raise Http404("该干部没有照片。")
    return files.serve(
        cadre.photo, filename=f"{cadre.name}.jpg", content_type="image/jpeg", as_attachment=False
    )


@require_http_methods(["GET", "POST"])
def kinship_add(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.EDIT_REGISTRY)
    form = KinshipForm(request.POST or None, cadre=cadre)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    kinship = form.save()
            except IntegrityError:
                messages.error(request, "保存失败：这两名干部之间已登记亲属关系。")
            else:
                relative = form.cleaned_data["other"]
                messages.success(
                    request, f"已登记{cadre.name}与{relative.name}的{kinship.get_category_display()}。"
                )
                return redirect(cadre)
        else:
            messages.error(request, FIX_ERRORS)
    return render(
        request,
        "selection/registry/kinship_form.html",
        {
            "cadre": cadre,
            "form": form,
            "breadcrumbs": [
                ("干部信息", reverse("cadre_list")),
                (cadre.name, cadre.get_absolute_url()),
                ("登记亲属关系", None),
            ],
        },
    )


@require_POST
def kinship_delete(request: HttpRequest, pk: int, kinship_pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.EDIT_REGISTRY)
    kinship = get_object_or_404(
        Kinship.objects.select_related("cadre", "other"), Q(cadre=cadre) | Q(other=cadre), pk=kinship_pk
    )
    relative = kinship.other if kinship.cadre_id == cadre.pk else kinship.cadre
    with transaction.atomic():
        kinship.delete()
    messages.success(request, f"已删除{cadre.name}与{relative.name}的亲属关系。")
    return redirect(cadre)


# ---- change history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    section: str
    subject: str
    kind: str  # 新增 / 修改 / 删除
    changes: list[Change]
    sequence: int  # the history row's id: orders changes saved within the same instant


HISTORY_KINDS = {"+": "新增", "~": "修改", "-": "删除"}


class _Labels:
    """Readable values for foreign keys and choices, loaded once per page."""

    def __init__(self, cadre: Cadre) -> None:
        self.organizations = dict(Organization.objects.values_list("pk", "name"))
        self.departments = dict(Department.objects.values_list("pk", "name"))
        self.posts = {post.pk: str(post) for post in Post.objects.select_related("department")}
        relatives = Kinship.history.filter(Q(cadre_id=cadre.pk) | Q(other_id=cadre.pk))
        ids = {pk for row in relatives.values_list("cadre_id", "other_id") for pk in row}
        self.cadres = dict(Cadre.objects.filter(pk__in=ids).values_list("pk", "name"))

    def value(self, model: type[Model], name: str, value: Any) -> str:
        field = model._meta.get_field(name)
        if value is None or value == "":
            return "（空）"
        if field.is_relation:
            table = {
                Organization: self.organizations,
                Department: self.departments,
                Post: self.posts,
                Cadre: self.cadres,
            }.get(field.related_model, {})
            return table.get(value, f"#{value}")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, date):
            return date_filter(value, "Y年n月j日")
        return str(value)


def _subject(model: type[Model], row: Any, labels: _Labels, cadre: Cadre) -> str:
    if model is Cadre:
        return row.name
    if model is EducationRecord:
        return f"{labels.value(model, 'kind', row.kind)} {labels.value(model, 'level', row.level)}"
    if model is ResumeEntry:
        return row.text
    if model is AnnualAssessment:
        return f"{row.year}年度"
    if model is FamilyMember:
        return f"{row.relation} {row.name}"
    if model is Sanction:
        return labels.value(model, "kind", row.kind)
    if model is PostHolding:
        return labels.posts.get(row.post_id, "")
    if model is Kinship:
        other = row.other_id if row.cadre_id == cadre.pk else row.cadre_id
        return labels.cadres.get(other, "")
    return ""


def history_entries(cadre: Cadre) -> list[HistoryEntry]:
    """Every change to the record and its sections, newest first, with the fields each one changed."""
    labels = _Labels(cadre)
    sources: list[tuple[type[Model], Any]] = [
        (Cadre, Cadre.history.filter(id=cadre.pk)),
        (EducationRecord, EducationRecord.history.filter(cadre_id=cadre.pk)),
        (ResumeEntry, ResumeEntry.history.filter(cadre_id=cadre.pk)),
        (PostHolding, PostHolding.history.filter(cadre_id=cadre.pk)),
        (AnnualAssessment, AnnualAssessment.history.filter(cadre_id=cadre.pk)),
        (FamilyMember, FamilyMember.history.filter(cadre_id=cadre.pk)),
        (Sanction, Sanction.history.filter(cadre_id=cadre.pk)),
        (Kinship, Kinship.history.filter(Q(cadre_id=cadre.pk) | Q(other_id=cadre.pk))),
    ]
    entries = []
    for model, rows in sources:
        previous: dict[int, Any] = {}
        for row in rows.select_related("history_user").order_by("history_date", "history_id"):
            changes = []
            before = previous.get(row.id)
            if row.history_type == "~" and before is not None:
                delta = row.diff_against(before, excluded_fields=["cadre", "created_at"])
                changes = [
                    Change(
                        str(model._meta.get_field(change.field).verbose_name),
                        labels.value(model, change.field, change.old),
                        labels.value(model, change.field, change.new),
                    )
                    for change in delta.changes
                ]
                if not changes:
                    previous[row.id] = row
                    continue  # a save that changed nothing
            previous[row.id] = row
            user = row.history_user
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=user.get_full_name() if user else "系统",
                    section=str(model._meta.verbose_name),
                    subject=_subject(model, row, labels, cadre),
                    kind=HISTORY_KINDS[row.history_type],
                    changes=changes,
                    sequence=row.history_id,
                )
            )
    entries.sort(key=lambda entry: (entry.when, entry.sequence), reverse=True)
    return entries


@require_GET
def cadre_history(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.VIEW_REGISTRY)
    page = Paginator(history_entries(cadre), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "selection/registry/cadre_history.html",
        {
            "cadre": cadre,
            "page": page,
            "breadcrumbs": [
                ("干部信息", reverse("cadre_list")),
                (cadre.name, cadre.get_absolute_url()),
                ("修改记录", None),
            ],
        },
    )


urlpatterns = [
    path("cadres/", cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", cadre_export, name="cadre_export"),
    path("cadres/new/", cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/photo/", cadre_photo, name="cadre_photo"),
    path("cadres/<int:pk>/photo.jpg", cadre_photo_file, name="cadre_photo_file"),
    path("cadres/<int:pk>/history/", cadre_history, name="cadre_history"),
    path("cadres/<int:pk>/kinship/", kinship_add, name="kinship_add"),
    path("cadres/<int:pk>/kinship/<int:kinship_pk>/delete/", kinship_delete, name="kinship_delete"),
]
