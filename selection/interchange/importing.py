"""Importing cadres: the only code that writes imported data (Excel sheets and LRMX files).

Readers (`xlsx.read_cadre_sheet`, `lrmx.parse_lrmx`) turn a file into `CadreRecord`s and `Problem`s and
never touch the database. `plan_import` looks everything up in a fixed number of queries (whatever the
number of rows) and validates every record with the models' own `full_clean()`; `apply_plan` writes the
whole plan in one transaction, or nothing. A cadre is matched by its 公民身份号码, so re-importing updates.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from selection.models import (
    AnnualAssessment,
    Cadre,
    Department,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    PostHolding,
    ResumeEntry,
)
from selection.services.registry import HoldingConflict, HoldingRefused, apply_holdings, check_holdings

from . import lrmx, xlsx
from .records import CadreRecord, FamilyData, Problem, birth_date_from_id, clean_text

LOOKUP_CHUNK = 500
BATCH_SIZE = 500


class ImportRefused(Exception):
    """Some rows are invalid: all-or-nothing means nothing was imported."""

    def __init__(self, plan: "ImportPlan") -> None:
        super().__init__(f"{len(plan.problems)} problem(s)")
        self.plan = plan


# ---- the plan ------------------------------------------------------------------------------------------


@dataclass
class PlannedCadre:
    record: CadreRecord
    cadre: Cadre
    is_new: bool
    changed_fields: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # Chinese labels, for the preview
    education_create: list[EducationRecord] = field(default_factory=list)
    education_update: list[EducationRecord] = field(default_factory=list)
    assessments_create: list[AnnualAssessment] = field(default_factory=list)
    assessments_update: list[AnnualAssessment] = field(default_factory=list)
    holdings_create: list[PostHolding] = field(default_factory=list)
    holdings_update: list[PostHolding] = field(default_factory=list)
    resume: list[ResumeEntry] | None = None  # a replacement, when it differs
    family: list[FamilyMember] | None = None
    photo: ContentFile | None = None

    @property
    def changed(self) -> bool:
        return self.is_new or bool(self.changes)


@dataclass
class ImportPlan:
    organization: Organization
    items: list[PlannedCadre] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created(self) -> list[PlannedCadre]:
        return [item for item in self.items if item.is_new]

    @property
    def updated(self) -> list[PlannedCadre]:
        return [item for item in self.items if not item.is_new and item.changes]

    @property
    def unchanged(self) -> list[PlannedCadre]:
        return [item for item in self.items if not item.changed]

    def summary(self) -> str:
        return f"新增 {len(self.created)} 人，更新 {len(self.updated)} 人，无变化 {len(self.unchanged)} 人"


CADRE_FIELDS = {f.name: f for f in Cadre._meta.concrete_fields}
BLANK_KEEPS = {"ethnicity", "health"}  # a blank cell keeps the stored value (or the model default)
_RELATED_EXCLUDE = ["organization", "department", "photo"]


def _label(field_name: str) -> str:
    model_field = CADRE_FIELDS.get(field_name)
    return str(model_field.verbose_name) if model_field else field_name


def _same_month(first: date | None, second: date | None) -> bool:
    return bool(first and second and (first.year, first.month) == (second.year, second.month))


def _error_problems(
    record: CadreRecord, error: ValidationError, prefix: str = "", model: type[Model] = Cadre
) -> list[Problem]:
    """The model's validation messages, each under the column the value came from."""
    problems = []
    for name, messages in error.message_dict.items():
        if name == NON_FIELD_ERRORS:
            column = record.columns.get(prefix.rstrip("."), "")
        else:
            column = record.columns.get(f"{prefix}{name}") or str(model._meta.get_field(name).verbose_name)
        problems.extend(Problem(record.row, column, message, record.source) for message in messages)
    return problems


class _Planner:
    """Looks up the organization's departments, posts and the matching cadres once, then checks each row."""

    def __init__(self, organization: Organization, records: Sequence[CadreRecord]) -> None:
        self.organization = organization
        self.records = records
        self.departments = {d.name: d for d in Department.objects.filter(organization=organization)}
        self.posts = list(Post.objects.filter(organization=organization).select_related("department"))
        self.existing: dict[str, Cadre] = {}
        self.elsewhere: set[str] = set()
        self._load_existing()

    def _load_existing(self) -> None:
        numbers = sorted(
            {clean_text(r.fields.get("id_number")).upper() for r in self.records} - {""},
        )
        lookups: list[Any] = [
            "education",
            "assessments",
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.filter(ended_on__isnull=True),
                to_attr="open_holdings",
            ),
        ]
        if any(r.resume is not None for r in self.records):
            lookups.append("resume")
        if any(r.family is not None for r in self.records):
            lookups.append("family")
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            chunk = numbers[start : start + LOOKUP_CHUNK]
            for cadre in Cadre.objects.filter(
                id_number__in=chunk, organization=self.organization
            ).prefetch_related(*lookups):
                self.existing[cadre.id_number] = cadre
            self.elsewhere.update(
                Cadre.objects.filter(id_number__in=chunk)
                .exclude(organization=self.organization)
                .values_list("id_number", flat=True)
            )

    def plan(self, problems: Iterable[Problem], warnings: Iterable[Problem]) -> ImportPlan:
        plan = ImportPlan(self.organization, problems=list(problems), warnings=list(warnings))
        seen: dict[str, CadreRecord] = {}
        for record in self.records:
            number = clean_text(record.fields.get("id_number")).upper()
            record.fields["id_number"] = number
            if number and number in seen:
                first = seen[number]
                plan.problems.append(
                    record.problem("id_number", f"与{first.source or f'第{first.row}行'}的公民身份号码重复。")
                )
                continue
            if number:
                seen[number] = record
            if number in self.elsewhere:
                plan.problems.append(
                    record.problem("id_number", "该公民身份号码已登记在其他单位，不能在本单位导入。")
                )
                continue
            item, row_problems, row_warnings = self._plan_one(record, self.existing.get(number))
            plan.problems.extend(row_problems)
            plan.warnings.extend(row_warnings)
            if item and not row_problems:
                plan.items.append(item)
        plan.problems += registry_problems(plan)
        plan.problems.sort(key=lambda p: (p.source, p.row or 0))
        return plan

    # -- one record ------------------------------------------------------------------------------------

    def _plan_one(
        self, record: CadreRecord, existing: Cadre | None
    ) -> tuple[PlannedCadre | None, list[Problem], list[Problem]]:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        is_new = existing is None
        cadre = existing or Cadre(organization=self.organization)
        item = PlannedCadre(record=record, cadre=cadre, is_new=is_new)
        values = dict(record.fields)
        if not values.get("birth_date") and values.get("id_number"):
            values["birth_date"] = birth_date_from_id(values["id_number"])  # full_clean reports a bad number
        for name, value in values.items():
            if name in BLANK_KEEPS and not value:
                continue
            old = getattr(cadre, name)
            if name in record.month_only and _same_month(old, value):
                continue
            if old != value:
                setattr(cadre, name, value)
                item.changed_fields.append(name)
        if record.department is not None:
            department = self.departments.get(record.department) if record.department else None
            if record.department and department is None:
                problems.append(record.problem("department", f"本单位没有名为“{record.department}”的科室。"))
            elif cadre.department_id != (department.pk if department else None):
                cadre.department = department
                item.changed_fields.append("department")
        try:
            cadre.full_clean(exclude=_RELATED_EXCLUDE, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.extend(_error_problems(record, error))
        if not is_new:
            item.changes = [_label(name) for name in item.changed_fields]
        problems += self._plan_education(record, item)
        problems += self._plan_assessments(record, item)
        post_problems = self._plan_holding(record, item)
        (warnings if record.post_optional else problems).extend(post_problems)
        problems += self._plan_resume(record, item)
        problems += self._plan_family(record, item)
        problems += self._plan_photo(record, item)
        return item, problems, warnings

    def _plan_education(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        problems: list[Problem] = []
        stored = [] if item.is_new else list(item.cadre.education.all())
        for data in record.education:
            match = next((e for e in stored if e.kind == data.kind and e.level == data.level), None)
            if match is None:
                match = EducationRecord(cadre=item.cadre, kind=data.kind, level=data.level)
                target = item.education_create
            elif (match.degree, match.school_and_major) == (data.degree, data.school_and_major):
                continue
            else:
                target = item.education_update
            match.degree, match.school_and_major = data.degree, data.school_and_major
            try:
                match.full_clean(exclude=["cadre"])
            except ValidationError as error:
                problems += _error_problems(record, error, f"education.{data.kind}.", EducationRecord)
                continue
            target.append(match)
        if item.education_create or item.education_update:
            item.changes.append("学历学位")
        return problems

    def _plan_assessments(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        problems: list[Problem] = []
        stored = {} if item.is_new else {a.year: a for a in item.cadre.assessments.all()}
        for year, result in sorted(record.assessments.items()):
            assessment = stored.get(year)
            if assessment and assessment.result == result:
                continue
            target = item.assessments_update if assessment else item.assessments_create
            assessment = assessment or AnnualAssessment(cadre=item.cadre, year=year)
            assessment.result = result
            try:
                assessment.full_clean(exclude=["cadre"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems += _error_problems(record, error, f"assessment.{year}.", AnnualAssessment)
                continue
            target.append(assessment)
        if item.assessments_create or item.assessments_update:
            item.changes.append("年度考核")
        return problems

    def _find_post(self, title: str, department: str | None) -> Post | list[Post] | None:
        names = {title}
        for prefix in (self.organization.name, self.organization.short_name):
            if prefix and title.startswith(prefix) and len(title) > len(prefix):
                names.add(title.removeprefix(prefix))
        found = [p for p in self.posts if p.title in names or str(p) in names]
        if len(found) > 1 and department:
            found = [p for p in found if p.department and p.department.name == department] or found
        if len(found) == 1:
            return found[0]
        return found or None

    def _plan_holding(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        if not record.post_title:
            if record.post_since and not record.post_optional:
                return [record.problem("post_since", "填写了任职时间，但没有填写现任职务。")]
            return []
        post = self._find_post(record.post_title, record.department)
        if post is None:
            return [
                record.problem(
                    "post_title", f"本单位没有名为“{record.post_title}”的职位，请先在职位设置中添加。"
                )
            ]
        if isinstance(post, list):
            where = "、".join(str(p) for p in post)
            return [record.problem("post_title", f"职位“{record.post_title}”不唯一（{where}），请写明科室。")]
        since = record.post_since
        open_holdings = [] if item.is_new else list(item.cadre.open_holdings)
        current = next((h for h in open_holdings if h.post_id == post.pk), None)
        month_only = "post_since" in record.month_only
        if current and (
            since is None
            or current.started_on == since
            or (month_only and _same_month(current.started_on, since))
        ):
            return []
        if since is None:
            if record.post_optional:
                return [record.problem("post_title", "没有找到现任职务的起始时间，未导入任职信息。")]
            return [record.problem("post_since", "填写了现任职务，请同时填写任职时间。")]
        problems: list[Problem] = []
        if item.cadre.birth_date and since <= item.cadre.birth_date:
            problems.append(record.problem("post_since", "任职时间应晚于出生日期。"))
        if current:
            current.started_on = since
            holdings = [current]
            item.holdings_update.append(current)
        else:
            new = PostHolding(cadre=item.cadre, post=post, started_on=since)
            holdings = [new]
            item.holdings_create.append(new)
            # A new current post ends the previous one the day before it starts.
            for old in open_holdings:
                old.ended_on = max(old.started_on, since - timedelta(days=1))
                holdings.append(old)
                item.holdings_update.append(old)
        for holding in holdings:
            try:
                holding.full_clean(exclude=["cadre", "post"], validate_constraints=False)
            except ValidationError as error:
                problems += [
                    record.problem("post_since", message)
                    for messages in error.message_dict.values()
                    for message in messages
                ]
        item.changes.append("现任职务")
        return problems

    def _plan_resume(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        if record.resume is None:
            return []

        def key(started: date | None, ended: date | None, text: str, note: bool) -> tuple:
            month = lambda d: (d.year, d.month) if d else None  # noqa: E731
            return (month(started), month(ended), text, note)

        new_keys = [key(r.started_on, r.ended_on, r.text, r.is_note) for r in record.resume]
        stored = [] if item.is_new else list(item.cadre.resume.all())
        if new_keys == [key(e.started_on, e.ended_on, e.text, e.is_note) for e in stored]:
            return []
        entries = [
            ResumeEntry(
                cadre=item.cadre,
                started_on=r.started_on,
                ended_on=r.ended_on,
                text=r.text,
                is_note=r.is_note,
                order=i,
            )
            for i, r in enumerate(record.resume)
        ]
        problems: list[Problem] = []
        for entry in entries:
            try:
                entry.full_clean(exclude=["cadre"])
            except ValidationError as error:
                for messages in error.message_dict.values():
                    problems += [record.problem("resume", f"“{entry.text[:20]}”：{m}") for m in messages]
        item.resume = entries
        item.changes.append("简历")
        return problems

    def _plan_family(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        if record.family is None:
            return []

        def key(m: FamilyData | FamilyMember) -> tuple:
            birth = (m.birth_date.year, m.birth_date.month) if m.birth_date else None
            return (m.relation, m.name, birth, m.political_status, m.unit_and_post, m.deceased)

        stored = [] if item.is_new else list(item.cadre.family.all())
        if [key(m) for m in record.family] == [key(m) for m in stored]:
            return []
        members = [
            FamilyMember(
                cadre=item.cadre,
                relation=m.relation,
                name=m.name,
                birth_date=m.birth_date,
                political_status=m.political_status,
                unit_and_post=m.unit_and_post,
                deceased=m.deceased,
                order=i,
            )
            for i, m in enumerate(record.family)
        ]
        problems: list[Problem] = []
        for member in members:
            try:
                member.full_clean(exclude=["cadre"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = (
                        FamilyMember._meta.get_field(name).verbose_name if name != NON_FIELD_ERRORS else ""
                    )
                    problems += [record.problem("family", f"{member.name} {label}：{m}") for m in messages]
        item.family = members
        item.changes.append("家庭成员")
        return problems

    def _plan_photo(self, record: CadreRecord, item: PlannedCadre) -> list[Problem]:
        if not record.photo:
            return []
        stored = None if item.is_new or not item.cadre.photo else _stored_bytes(item.cadre)
        if stored == record.photo:
            return []  # the photo we exported: cropping again would only re-encode it
        from selection.photos import crop_to_portrait

        try:
            photo = crop_to_portrait(record.photo, name="photo.jpg")
        except ValidationError as error:
            return [record.problem("photo", message) for message in error.messages]
        if stored == photo.read():
            return []  # the same file imported again
        photo.seek(0)
        item.photo = photo
        item.changes.append("照片")
        return []


def _planned_holdings(plan: ImportPlan) -> list[tuple[PostHolding, CadreRecord]]:
    return [
        (holding, item.record)
        for item in plan.items
        for holding in (*item.holdings_update, *item.holdings_create)
    ]


def _conflict_problems(plan: ImportPlan, conflicts: list[HoldingConflict]) -> list[Problem]:
    rows = {id(holding): record for holding, record in _planned_holdings(plan)}
    return [rows[id(c.holding)].problem("post_title", c.message) for c in conflicts if id(c.holding) in rows]


def registry_problems(plan: ImportPlan) -> list[Problem]:
    """R-REG-1..3 over every holding the whole file would create or end, each under its row."""
    holdings = [holding for holding, _record in _planned_holdings(plan)]
    return _conflict_problems(plan, check_holdings(holdings)) if holdings else []


def _stored_bytes(cadre: Cadre) -> bytes | None:
    try:
        with cadre.photo.open("rb") as stored:
            return stored.read()
    except (OSError, ValueError):
        return None


def plan_import(
    records: Sequence[CadreRecord],
    organization: Organization,
    *,
    problems: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
) -> ImportPlan:
    """Validate the records against the organization's registry and say what importing them would do."""
    with translation.override(settings.LANGUAGE_CODE):
        return _Planner(organization, records).plan(problems, warnings)


@transaction.atomic
def apply_plan(plan: ImportPlan, *, by: Model | None = None, reason: str = "导入") -> ImportPlan:
    """Write a valid plan, all in one transaction; refuse a plan with problems."""
    if not plan.ok:
        raise ImportRefused(plan)
    written: list[Cadre] = []
    try:
        _write(plan, by, reason, written)
    except BaseException:
        for cadre in written:  # files are not transactional: remove the photos of a rolled-back import
            cadre.photo.delete(save=False)
        raise
    return plan


def _write(plan: ImportPlan, by: Model | None, reason: str, written: list[Cadre]) -> None:
    user = by if by is not None and getattr(by, "pk", None) else None
    history = {"default_user": user, "default_change_reason": reason, "batch_size": BATCH_SIZE}
    for item in plan.items:
        if item.photo is not None:
            item.cadre.photo.save(item.photo.name, item.photo, save=False)
            written.append(item.cadre)
            item.changed_fields.append("photo")
    for item in plan.items:  # bulk writes skip Cadre.save(): derive the search and sort keys here
        item.cadre.set_search_keys()
        item.cadre.set_sort_key()
        if not item.is_new and "name" in item.changed_fields:
            item.changed_fields.extend(["name_pinyin", "name_initials"])
        if not item.is_new and "department" in item.changed_fields:
            item.changed_fields.append("department_order")
    new = [item.cadre for item in plan.items if item.is_new]
    if new:
        bulk_create_with_history(new, Cadre, **history)
    changed = [item for item in plan.items if not item.is_new and item.changes]
    if changed:
        now = timezone.now()
        fields = sorted({name for item in changed for name in item.changed_fields} | {"updated_at"})
        for item in changed:
            item.cadre.updated_at = now
        bulk_update_with_history([item.cadre for item in changed], Cadre, fields, **history)

    def gather(attr: str) -> list:
        return [obj for item in plan.items for obj in getattr(item, attr)]

    for model, attr, fields in (
        (EducationRecord, "education", ["degree", "school_and_major"]),
        (AnnualAssessment, "assessments", ["result"]),
    ):
        if objs := gather(f"{attr}_create"):
            bulk_create_with_history(objs, model, **history)
        if objs := gather(f"{attr}_update"):
            bulk_update_with_history(objs, model, fields, **history)
    # The registry service writes holdings, checking R-REG-1..3 again under its locks.
    try:
        apply_holdings(
            [*gather("holdings_update"), *gather("holdings_create")], by=user, reason=reason, validate=False
        )
    except HoldingRefused as refused:
        plan.problems += _conflict_problems(plan, refused.conflicts) or [Problem(None, "", refused.message)]
        raise ImportRefused(plan) from refused
    for model, attr in ((ResumeEntry, "resume"), (FamilyMember, "family")):
        replaced = [item for item in plan.items if getattr(item, attr) is not None]
        if not replaced:
            continue
        old_ids = [item.cadre.pk for item in replaced if not item.is_new]
        for start in range(0, len(old_ids), LOOKUP_CHUNK):
            model.objects.filter(cadre_id__in=old_ids[start : start + LOOKUP_CHUNK]).delete()
        objs = [obj for item in replaced for obj in getattr(item, attr)]
        if objs:
            bulk_create_with_history(objs, model, **history)


# ---- the services the pages and commands call -----------------------------------------------------------


def preview_cadre_sheet(data: bytes, organization: Organization) -> ImportPlan:
    """What importing the Excel sheet would do, with every bad value; writes nothing."""
    records, problems = xlsx.read_cadre_sheet(data)
    return plan_import(records, organization, problems=problems)


def import_cadre_sheet(data: bytes, organization: Organization, *, by: Model | None = None) -> ImportPlan:
    """Re-validate the sheet and import it all in one transaction; ImportRefused if any row is bad."""
    with transaction.atomic():
        plan = preview_cadre_sheet(data, organization)
        return apply_plan(plan, by=by, reason="Excel导入")


def preview_lrmx_files(files: Sequence[tuple[str, bytes]], organization: Organization) -> ImportPlan:
    """What importing the .lrmx files would do; a file that is not LRMX raises ImportFileError."""
    records, problems = [], []
    for name, data in files:
        record, file_problems = lrmx.parse_lrmx(data, name)
        records.append(record)
        problems += file_problems
    return plan_import(records, organization, problems=problems)


def import_lrmx_files(
    files: Sequence[tuple[str, bytes]], organization: Organization, *, by: Model | None = None
) -> ImportPlan:
    """Import one or several .lrmx files, all or none; a cadre already registered is updated."""
    with transaction.atomic():
        plan = preview_lrmx_files(files, organization)
        return apply_plan(plan, by=by, reason="LRMX导入")
